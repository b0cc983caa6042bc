package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two-way on every transport, over HTTP/1.1 and h2c, on both client engines, against the Jetty server in this JVM:
 * every message published in the window is acknowledged, reaches every member of its room once (the sender
 * included: its echo), and the connections each client holds are what its transport needs: SSE and polling post on
 * a second connection over HTTP/1.1 and on the stream's own over h2c, WebSocket publishes in-band. A feed runs in
 * the same rooms at the same time, so the seqs of published messages and feed events interleave.
 */
class TwoWayTransportsTest {
    private static final int CLIENTS = 6;
    private static final int ROOMS = 2;

    static Stream<Arguments> cells() {
        Stream.Builder<Arguments> cells = Stream.builder();
        for (ClientEngineKind engine : ClientEngineKind.values()) {
            for (Protocol protocol : List.of(Protocol.HTTP_1_1, Protocol.H2C)) {
                for (Transport transport : Transport.values()) {
                    cells.add(Arguments.of(engine, transport, protocol));
                }
            }
        }
        return cells.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cells")
    void everyPublishedMessageReachesItsWholeRoomOnce(ClientEngineKind engine, Transport transport, Protocol protocol,
                                                       @TempDir Path tmp) throws Exception {
        try (EventFeed feed = new EventFeed(new FeedSpec(ROOMS, 2, 32, 1024))) {
            PushContext context = new PushContext(feed, ServerConfig.defaults(protocol).withLongPollHold(Duration.ofSeconds(5)));
            PushServer server = ServerStack.named("jetty").start(context);
            try {
                long t0 = System.nanoTime();
                feed.start(t0);
                LoadSpec spec = new LoadSpec("127.0.0.1", server.port(), protocol, transport, CLIENTS, 100, 0,
                        new Schedule(t0, ROOMS, 2), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3),
                        Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMillis(200),
                        tmp.resolve("latency.hlog"), null, engine, List.of(), Duration.ZERO, false,
                        ReconnectPolicy.DEFAULT, null, new PublishSpec(5, 64, 1.0, PublishSpec.Target.OWN));
                LoadResult result = new LoadGenerator(spec, message -> { }).run();

                CellResult.Upstream up = result.upstream();
                CellResult.Delivery d = result.delivery();
                String all = up + " " + d + " " + result.loadgen().lastError();
                assertTrue(up.published() >= CLIENTS * 5 * 3 - CLIENTS, () -> "published: " + all);
                assertEquals(up.published(), up.acked(), () -> "every message acked: " + all);
                assertEquals(0, up.failed(), all);
                // each message goes to its room of CLIENTS / ROOMS; the feed's events of the window too
                long feedEvents = (long) (ROOMS * 2 * 3);
                long owed = up.published() * (CLIENTS / ROOMS) + feedEvents * (CLIENTS / ROOMS);
                assertTrue(Math.abs(d.expected() - owed) <= CLIENTS / ROOMS * ROOMS, () -> "owed ~" + owed + ": " + all);
                assertEquals(d.expected(), d.delivered(), all);
                assertEquals(0, d.lost(), all);
                assertEquals(0, d.duplicated(), all);
                assertEquals(0, d.scheduleMismatches(), all);
                assertEquals(up.published(), up.echoMicros().count(), () -> "one echo per message: " + all);
                assertEquals(0, result.loadgen().protocolErrors(), all);
                String path = transport == Transport.WEBSOCKET ? CellResult.Upstream.IN_BAND
                        : protocol.isHttp2() ? CellResult.Upstream.POST_SAME : CellResult.Upstream.POST_SEPARATE;
                assertEquals(path, up.upstreamPath());
                double perClient = path.equals(CellResult.Upstream.POST_SEPARATE) ? 2.0 : 1.0;
                assertEquals(perClient, up.connectionsPerClient(), () -> "connections per client: " + all);
                assertTrue(up.bytesUpPerMessage() >= 64, all);
            } finally {
                server.close();
                context.close();
            }
        }
    }
}
