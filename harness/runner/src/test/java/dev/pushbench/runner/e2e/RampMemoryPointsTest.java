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
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ramp's pauses for memory points: the load generator stops at 0, ¼, ½, ¾ and all of its
 * subscribers live, each leg all live before its point, and goes on after the runner's word; the
 * subscriptions after a pause are planned from its end, so a pause (here 1.5 s, far longer than any
 * connect on 127.0.0.1) shows neither in the connect times nor in the ramp's length. Then the steps
 * down after the window, as before.
 */
class RampMemoryPointsTest {
    private static final long PAUSE_MILLIS = 1_500;

    @Test
    void theRampPausesAtEachQuarterAndThePausesAreNotConnectTime(@TempDir Path tmp) throws Exception {
        int connections = 100;
        try (EventFeed feed = new EventFeed(new FeedSpec(1, 20, 64, 1024));
             PushContext context = new PushContext(feed, ServerConfig.defaults(Protocol.HTTP_1_1));
             PushServer server = ServerStack.named("jetty").start(context)) {
            long t0 = System.nanoTime();
            feed.start(t0);
            LoadSpec spec = new LoadSpec("127.0.0.1", server.port(), Protocol.HTTP_1_1, Transport.SSE, connections, 200, 0,
                    new Schedule(t0, 1, 20), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMillis(200),
                    tmp.resolve("latency.hlog"), null, ClientEngineKind.NIO, java.util.List.of());
            List<String> points = new ArrayList<>();
            LoadResult result = new LoadGenerator(spec, message -> { }, (live, loadgen, sweep) -> {
                points.add(sweep + " " + live);
                if (ControlMessage.MemoryPoint.UP.equals(sweep)) {
                    assertTrue(loadgen.heapUsedBytes() != null && loadgen.heapUsedBytes() > 0, "read after GC: " + loadgen);
                    TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS); // the runner reading the server
                }
            }).run();

            assertEquals(List.of("up 0", "up 25", "up 50", "up 75", "up 100", "down 100", "down 75", "down 50", "down 25",
                    "down 0"), points);
            assertEquals(connections, result.connections().connected());
            double maxConnectMillis = result.connectMicros().max() / 1000.0;
            assertTrue(maxConnectMillis < PAUSE_MILLIS, "connect times count from re-planned starts: max " + maxConnectMillis + " ms");
            double rampSeconds = result.connections().rampSeconds();
            assertTrue(rampSeconds < PAUSE_MILLIS / 1000.0, "the ramp's length leaves its pauses out: " + rampSeconds + " s");
            assertEquals(0, result.delivery().lost());
        }
    }
}
