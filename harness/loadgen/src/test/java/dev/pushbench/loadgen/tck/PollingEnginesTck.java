package dev.pushbench.loadgen.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
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
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shared by every stack (its module extends this class): long and short polling over HTTP/1.1 on
 * both client engines, the whole load generator against the real server in this JVM. Each engine
 * must deliver every event of the window once, with no protocol error, every connection live, and
 * polls answered and counted; short polls are timed from their plan.
 */
@Timeout(120)
public abstract class PollingEnginesTck {
    private static final int CONNECTIONS = 10;

    /** The stack under test; a new instance each call is fine. */
    protected abstract ServerStack stack();

    static Stream<Arguments> cells() {
        return Stream.of(ClientEngineKind.values()).flatMap(engine -> Stream.of(Transport.LONG_POLLING, Transport.SHORT_POLLING)
                .map(transport -> Arguments.of(engine, transport)));
    }

    @ParameterizedTest(name = "{1} on the {0} engine")
    @MethodSource("cells")
    void everyEventOfTheWindowArrivesOnce(ClientEngineKind engine, Transport transport, @TempDir Path tmp) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, Protocol.HTTP_1_1, Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 256, Backpressure.DISCONNECT, null);
        try (EventFeed feed = new EventFeed(new FeedSpec(2, 50, 64, 1024));
             PushContext context = new PushContext(feed, config);
             PushServer server = stack().start(context)) {
            long t0 = System.nanoTime();
            feed.start(t0);
            LoadSpec spec = new LoadSpec("127.0.0.1", server.port(), Protocol.HTTP_1_1, transport, CONNECTIONS, 200, 0,
                    new Schedule(t0, 2, 50), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ofMillis(200),
                    tmp.resolve("latency.hlog"), null, engine, java.util.List.of());
            LoadResult result = new LoadGenerator(spec, message -> { }).run();

            CellResult.Delivery delivery = result.delivery();
            assertTrue(delivery.expected() > 0, "expected > 0");
            assertEquals(delivery.expected(), delivery.delivered(), () -> "delivered == expected; " + result);
            assertEquals(0, delivery.lost(), () -> String.valueOf(delivery));
            assertEquals(0, delivery.duplicated(), () -> String.valueOf(delivery));
            assertEquals(0, result.loadgen().protocolErrors(), () -> "protocol errors; last error " + result.loadgen().lastError());
            assertEquals((long) CONNECTIONS, result.connections().connected(), () -> String.valueOf(result.connections()));
            assertEquals(0, result.connections().disconnects(), () -> String.valueOf(result.connections()));
            assertEquals(0L, result.resilience().disconnects(), () -> String.valueOf(result.resilience()));
            assertEquals(0L, result.resilience().cutsByCause().error(), () -> String.valueOf(result.resilience()));
            assertEquals(0L, result.resilience().resumeMicros().count(), () -> String.valueOf(result.resilience()));
            assertTrue(result.polling().requests() > 0, () -> String.valueOf(result.polling()));
            long timed = result.pollMicros() == null ? 0 : result.pollMicros().count();
            if (transport == Transport.SHORT_POLLING) {
                assertTrue(timed > 0, "short polls are timed from their plan");
            } else {
                assertEquals(0, timed, "long polls are not timed");
            }
            assertEquals(engine.id(), result.loadgen().engine());
        }
    }
}
