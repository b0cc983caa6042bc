package dev.pushbench.loadgen;

import static dev.pushbench.loadgen.NioFixtures.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.Recorders.Metric;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Receiving on the nio engine allocates nothing per message once warm: the selector thread's own
 * allocation counter (HotSpot's per-thread allocated bytes) over {@value #MEASURED} events, read from
 * a real socket and taken through everything a delivered event goes through (read, de-chunking or
 * frame parsing, the SSE parser, the event fields, the integrity tracker, the latency recorders).
 * The bytes are cut as a server's writes cut them: chunks and frames split across reads.
 */
@Timeout(120)
class NioAllocationTest {
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 10_000;
    /** One 16-byte object per event would be 160,000 bytes; this leaves room for once-a-second housekeeping. */
    private static final long MAX_BYTES = 16 * 1024;

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "WEBSOCKET"})
    void receivingAllocatesNothingPerMessageOnceWarm(Transport transport) throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs HotSpot's per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);

        Semaphore batches = new Semaphore(0);
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            String head = exchange.readRequestHead();
            NioFixtures f = fixtures[0];
            boolean sse = transport == Transport.SSE;
            byte[] warmUp = sse ? f.sseChunks(1, WARM_UP, 7) : f.wsFrames(1, WARM_UP);
            byte[] measured = sse ? f.sseChunks(WARM_UP + 1, WARM_UP + MEASURED, 7) : f.wsFrames(WARM_UP + 1, WARM_UP + MEASURED);
            exchange.write(sse
                    ? concat(NioFixtures.SSE_HEAD.getBytes(US_ASCII), NioFixtures.ssePreamble(0))
                    : concat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII), NioFixtures.cursorFrame(0)));
            for (byte[] batch : List.of(warmUp, measured)) {
                batches.acquire();
                // writes of 1000 bytes: chunks and frames fall across reads
                for (int at = 0; at < batch.length; at += 1000) {
                    exchange.write(Arrays.copyOfRange(batch, at, Math.min(batch.length, at + 1000)));
                }
            }
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), transport, Duration.ofSeconds(60), Duration.ofHours(1))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> f.context.everLive.sum() == 1, "live");
            long loopThread = selectorThreadId();

            batches.release();
            await(() -> s.integrity.resumeCursor() == WARM_UP, "warm-up events read");
            TimeUnit.MILLISECONDS.sleep(50); // let the loop go back to waiting
            f.context.recorders.collectInterval();
            long before = threads.getThreadAllocatedBytes(loopThread);
            batches.release();
            await(() -> s.integrity.resumeCursor() == WARM_UP + MEASURED, "measured events read");
            long allocatedBytes = threads.getThreadAllocatedBytes(loopThread) - before;

            assertEquals(MEASURED, f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount(),
                    "every measured event was recorded");
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
            assertTrue(allocatedBytes < MAX_BYTES, () -> "the selector thread allocated " + allocatedBytes + " bytes for "
                    + MEASURED + " " + transport + " events (" + (double) allocatedBytes / MEASURED + " per event)");
            s.stop();
        }
    }

    /** The test engine has one selector thread. */
    private static long selectorThreadId() {
        List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("pushbench-nio-0") && t.isAlive()).toList();
        assertEquals(1, loops.size(), "one live selector thread: " + loops);
        return loops.get(0).getId();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
