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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Receiving on the nio engine allocates nothing per message once warm: the selector thread's own
 * allocation counter (HotSpot's per-thread allocated bytes) over {@value #MEASURED} events, read from
 * a real socket and taken through everything a delivered event goes through (read, de-chunking or
 * frame parsing, the SSE parser, the event fields, the integrity tracker, the latency recorders).
 * The bytes are cut as a server's writes cut them: chunks and frames split across reads. Polling
 * allocates a few small objects per poll (its request), nothing per event.
 */
@Timeout(120)
class NioAllocationTest {
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 10_000;
    /** One 16-byte object per event would be 160,000 bytes; this leaves room for once-a-second housekeeping. */
    private static final long MAX_BYTES = 16 * 1024;
    private static final int EVENTS_PER_ANSWER = 7;
    private static final int WARM_UP_POLLS = 5_000;
    private static final int MEASURED_POLLS = 2_000;
    /** A poll's target String, its request record and the task that carries it; the events add nothing. */
    private static final int MAX_BYTES_PER_POLL = 256;

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

    /**
     * Long polling, answers of {@value #EVENTS_PER_ANSWER} events each on one keep-alive connection:
     * the events allocate nothing (the answer is read from the stream's reused buffer, the framing
     * from the codec's reused head); each poll allocates its request target String and what carries
     * it, a few small objects, well under {@value #MAX_BYTES_PER_POLL} bytes.
     */
    @Test
    void pollingAllocatesOnlyItsRequestPerPollOnceWarm() throws Exception {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        long warmUpEvents = (long) WARM_UP_POLLS * EVENTS_PER_ANSWER;
        long allEvents = warmUpEvents + (long) MEASURED_POLLS * EVENTS_PER_ANSWER;
        Semaphore measured = new Semaphore(0);
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.socket.setTcpNoDelay(true); // the answer's second half must not wait for the first one's ACK
            while (true) {
                String head = exchange.readRequestHead();
                int at = head.indexOf("?since=");
                long since = at < 0 ? -1 : Long.parseLong(head.substring(at + 7, head.indexOf(' ', at)));
                if (since == allEvents) {
                    exchange.readToEnd();
                    return;
                }
                if (since == warmUpEvents) {
                    measured.acquire();
                }
                long last = since < 0 ? 0 : since + EVENTS_PER_ANSWER;
                byte[] answer = NioFixtures.jsonResponse(fixtures[0].pollAnswer(last, since + 1, since < 0 ? -1 : last));
                // cut in two, so that an answer is always read in more than one piece
                int half = answer.length / 2;
                exchange.write(Arrays.copyOfRange(answer, 0, half));
                exchange.write(Arrays.copyOfRange(answer, half, answer.length));
            }
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.LONG_POLLING, Duration.ofSeconds(60), Duration.ofHours(1))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == warmUpEvents, "warm-up polls answered");
            long loopThread = selectorThreadId();
            TimeUnit.MILLISECONDS.sleep(50); // the next poll waits at the server; let the loop go back to waiting
            f.context.recorders.collectInterval();
            long before = threads.getThreadAllocatedBytes(loopThread);
            measured.release();
            await(() -> s.integrity.resumeCursor() == allEvents, "measured polls answered");
            long allocatedBytes = threads.getThreadAllocatedBytes(loopThread) - before;

            assertEquals((long) MEASURED_POLLS * EVENTS_PER_ANSWER,
                    f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount(), "every measured event was recorded");
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
            double perPoll = (double) allocatedBytes / MEASURED_POLLS;
            System.out.printf("long polling: the selector thread allocated %d bytes for %d polls of %d events (%.1f per poll)%n",
                    allocatedBytes, MEASURED_POLLS, EVENTS_PER_ANSWER, perPoll);
            assertTrue(perPoll < MAX_BYTES_PER_POLL, () -> "the selector thread allocated " + allocatedBytes + " bytes for "
                    + MEASURED_POLLS + " polls (" + perPoll + " per poll)");
            s.stop();
        }
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs HotSpot's per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
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
