package dev.pushbench.model.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.model.result.ServerCounts;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ControlCodecTest {
    static final ProcessSnapshot PROCESS = new ProcessSnapshot(1L, true, 2L, 3L, 4L, 5L, 6, 7L);

    /** One of every message, so that adding a message without a codec name fails here. */
    static List<ControlMessage> everyMessage() {
        LoadResult result = new LoadResult(new CellResult.Connections(50L, 50L, 0L, 0L, 0L, 50L, 58L, 0.14, 0.1, 50L, 1L,
                10.0, 12.5, List.of("127.0.0.1", "127.0.0.2")),
                new CellResult.Delivery(2000L, 2000L, 0L, 0L, 0L, 0L, 0L, 0L), new HistogramSummary(1L, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0),
                null, null, new HistogramSummary(50L, 80.0, 70.0, 90.0, 120.0, 150.0, 151.0),
                new HistogramSummary(50L, 14.0, 13.0, 15.0, 40.0, 41.0, 41.0), null, null, null, null, null, null, PROCESS, PROCESS,
                new CellResult.Resilience(3L, 3L, new HistogramSummary(3L, 1000.0, 900.0, 1100.0, 1200.0, 1300.0, 1300.0), 0L, 0L,
                        new CellResult.CutsByCause(2L, 1L, 0L, 0L)));
        return List.of(
                new ControlMessage.Listening(8080, 123L, 42L, "jetty", "Jetty 12.1.14", null),
                new ControlMessage.GetClock(),
                new ControlMessage.Clock(99L),
                new ControlMessage.GetStats(true),
                new ControlMessage.Stats(5L, PROCESS, new ServerCounts(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), 100L,
                        2048L, 0L, HistogramSummary.EMPTY),
                new ControlMessage.Stop(),
                new ControlMessage.Error("unknown"),
                new ControlMessage.Go("/tmp/load.json"),
                new ControlMessage.Ready(),
                new ControlMessage.Ramp(),
                new ControlMessage.Phase(ControlMessage.Phase.MEASURE, 77L, 50L),
                new ControlMessage.Progress("ramp", 10L, 12L, 0L, 400L, 812.5),
                new ControlMessage.MemoryPoint(37L, PROCESS, ControlMessage.MemoryPoint.UP),
                new ControlMessage.Next(),
                new ControlMessage.Result(result),
                new ControlMessage.Faulted("restart", 1235L, null),
                new ControlMessage.RelayListening(41000, 43L),
                new ControlMessage.ApplyFault("cut", "drop", 0.25, 0L),
                new ControlMessage.FaultApplied("blackhole", 1236L, List.of(40003), 50L),
                new ControlMessage.GetSubscribeRates(),
                new ControlMessage.SubscribeRates(123L, List.of(0L, 50L, 3L)),
                new ControlMessage.Interval("load-1", 7L, "latency", 1_700_000_000_000L, 1_700_000_001_000L, "HISTFAAAABx42pNpmSzMwMDAyAABzFCaEUoDAA"));
    }

    @Test
    void everyMessageRoundTripsOnOneLine() {
        Set<Class<?>> covered = everyMessage().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(ControlMessage.class.getPermittedSubclasses()), covered, "a message without a case here");
        for (ControlMessage m : everyMessage()) {
            String line = ControlCodec.encode(m);
            assertTrue(ControlCodec.looksLikeMessage(line), line);
            assertTrue(!line.contains("\n"), line);
            assertEquals(m, ControlCodec.decode(line));
        }
    }

    @Test
    void typeNamesAreDistinct() {
        List<String> names = new ArrayList<>();
        for (ControlMessage m : everyMessage()) {
            String line = ControlCodec.encode(m);
            names.add(line.substring(9, line.indexOf('"', 9)));
        }
        assertEquals(names.size(), Set.copyOf(names).size(), names.toString());
        assertEquals(1, Collections.frequency(names, "memory-point"));
    }

    @Test
    void anUnknownTypeIsRefusedWithTheName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlCodec.decode("{\"type\":\"warp\"}"));
        assertTrue(e.getMessage().contains("warp"), e.getMessage());
    }

    @Test
    void aLineChannelKeepsOtherTextAndEndsCleanly() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed, 1 << 16);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        List<String> text = Collections.synchronizedList(new ArrayList<>());
        try (LineChannel channel = new LineChannel("server", in, sent, text::add)) {
            String lines = Stream.of("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
                    ControlCodec.encode(new ControlMessage.Clock(5)), "{\"type\":\"nonsense\"}",
                    ControlCodec.encode(new ControlMessage.Ready())).collect(Collectors.joining("\n", "", "\n"));
            feed.write(lines.getBytes(StandardCharsets.UTF_8));
            feed.close();
            ControlMessage.Ready ready = channel.await(ControlMessage.Ready.class, Duration.ofSeconds(5), other ->
                    assertInstanceOf(ControlMessage.Clock.class, other));
            assertEquals(new ControlMessage.Ready(), ready);
            assertThrows(ControlChannel.ChannelClosedException.class, () -> channel.receive(Duration.ofSeconds(5)));
            assertEquals(List.of("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", "{\"type\":\"nonsense\"}"), text);
            channel.send(new ControlMessage.GetStats(false));
            assertEquals("{\"type\":\"get-stats\",\"gc\":false}\n", sent.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void awaitTimesOutNamingTheMessage() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        try (LineChannel channel = new LineChannel("load generator", new PipedInputStream(feed), new ByteArrayOutputStream(), t -> { })) {
            ControlChannel.ChannelTimeoutException e = assertThrows(ControlChannel.ChannelTimeoutException.class,
                    () -> channel.await(ControlMessage.Result.class, Duration.ofMillis(50), m -> { }));
            assertEquals(ControlMessage.Result.class, e.awaited());
        } finally {
            feed.close();
        }
    }
}
