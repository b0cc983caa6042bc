package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Event;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.Transport;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole load generator against a loopback SSE server that publishes on the schedule, with and without
 * the {@link LoadSpec#memorySweep}: the memory points the coordinator is handed, the delivery (whole either
 * way), and the stall meter's figures, which cover the measured window only.
 */
@Timeout(60)
class MemorySweepTest {
    private static final int CONNECTIONS = 8;
    private static final double EVENTS_PER_SECOND = 50;

    /** One memory point as the coordinator saw it. */
    private record Point(long connections, String sweep) {
    }

    @ParameterizedTest(name = "memorySweep {0}")
    @ValueSource(booleans = {false, true})
    void memoryPointsFollowTheSweepAndDeliveryIsWhole(boolean memorySweep, @TempDir Path tmp) throws Exception {
        Schedule schedule = new Schedule(System.nanoTime(), 1, EVENTS_PER_SECOND);
        try (ScriptedServer server = new ScriptedServer(exchange -> publishOnSchedule(exchange, schedule))) {
            LoadSpec spec = new LoadSpec("127.0.0.1", server.port(), Protocol.HTTP_1_1, Transport.SSE, CONNECTIONS, 200, 0,
                    schedule, Duration.ofMillis(1000), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofMillis(200), tmp.resolve("latency.hlog"), null,
                    ClientEngineKind.NIO, List.of(), Duration.ZERO, false, null, null, null, memorySweep);
            List<Point> points = new CopyOnWriteArrayList<>();
            LoadGenerator.Coordinator coordinator = (connections, loadgen, sweep) -> points.add(new Point(connections, sweep));
            LoadResult result = new LoadGenerator(spec, message -> { }, coordinator).run();

            CellResult.Delivery delivery = result.delivery();
            assertTrue(delivery.expected() >= CONNECTIONS * 40, () -> "about 50 events each in the window: " + delivery);
            assertEquals(delivery.expected(), delivery.delivered(), () -> "delivered == expected: " + result);
            assertEquals(0, delivery.lost(), () -> String.valueOf(delivery));
            assertEquals(0, delivery.duplicated(), () -> String.valueOf(delivery));
            assertEquals((long) CONNECTIONS, result.connections().connected(), () -> String.valueOf(result.connections()));
            assertEquals(0, result.loadgen().protocolErrors(), () -> "last error " + result.loadgen().lastError());

            String up = ControlMessage.MemoryPoint.UP;
            String down = ControlMessage.MemoryPoint.DOWN;
            if (memorySweep) {
                assertEquals(List.of(new Point(0, up), new Point(2, up), new Point(4, up), new Point(6, up), new Point(8, up)),
                        points.subList(0, 5), () -> "five points up: " + points);
                assertEquals(List.of(down, down, down, down, down), points.subList(5, points.size()).stream().map(Point::sweep).toList(),
                        () -> "five points down after the window: " + points);
                assertEquals(8, points.get(5).connections(), () -> "the first point down has every subscriber: " + points);
            } else {
                assertEquals(List.of(new Point(0, up), new Point(CONNECTIONS, up)), points,
                        "two points, both up: none live and all live; none after the window");
            }

            HistogramSummary stalls = result.loadgen().delayMicros();
            // the meter ticks once a millisecond (late ticks and their corrections add up to about the same):
            // about 1,000 in the 1 s window, where the run's 3 s and more would give 3,000
            assertTrue(stalls.count() > 100 && stalls.count() <= 1100, () -> "the window's ticks only: " + stalls);
            assertTrue(stalls.p50() <= stalls.p99() && stalls.p99() <= stalls.max(), () -> String.valueOf(stalls));
        }
    }

    /**
     * The server's part for one SSE subscription on topic 0: the head, the cursor (the last event due), then
     * each later event at its intended time, until the client closes.
     */
    private static void publishOnSchedule(ScriptedServer.Exchange exchange, Schedule schedule) throws Exception {
        exchange.readRequestHead();
        exchange.write(NioFixtures.SSE_HEAD);
        long cursor = schedule.firstSeqAtOrAfter(0, System.nanoTime() + 1) - 1;
        exchange.write(NioFixtures.ssePreamble(cursor));
        for (long seq = cursor + 1; ; seq++) {
            long intended = schedule.intendedNanos(0, seq);
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            exchange.write(NioFixtures.chunk(Event.encode(0, seq, intended, System.nanoTime(), 64).sseFrame()));
        }
    }
}
