package dev.pushbench.client.nio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pushbench.core.Protocol;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Receiving HTTP/2 DATA allocates nothing per event once warm: the selector thread's own allocation
 * counter (HotSpot's per-thread allocated bytes, read on that thread) across {@value #MEASURED}
 * events of a real Jetty h2c server, one DATA frame each, taken through the read, the frame heads
 * and the exchange (which counts events without allocating). The window includes the codec's
 * WINDOW_UPDATE writes, one per 8 MiB.
 */
@Timeout(120)
class Http2AllocationTest {
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 20_000;
    /** One 16-byte object per event would be 320,000 bytes; this leaves room for a WINDOW_UPDATE and the loop's housekeeping. */
    private static final long MAX_BYTES = 16 * 1024;

    @Test
    void receivingDataAllocatesNothingPerEventOnceWarm() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs HotSpot's per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);

        CompletableFuture<Long> measured = new CompletableFuture<>();
        long[] cpuNanos = new long[1];
        try (H2TestServer server = new H2TestServer(true);
             NioEngine engine = new NioEngine(new NioEngineConfig(server.address(), Protocol.H2C, null,
                     Duration.ofSeconds(30), 1, List.of()))) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                long events;
                byte last;
                long beforeBytes;
                long beforeCpuNanos;

                @Override
                void onStarted() throws IOException {
                    codec.send(HttpRequest.get("/sse?padBytes=100", "Accept", "text/event-stream"), this);
                }

                @Override
                public void onHead(ResponseHead head) {
                }

                @Override
                public void onContent(byte[] bytes, int offset, int length) {
                    for (int i = offset; i < offset + length; i++) {
                        byte b = bytes[i];
                        if (b == '\n' && last == '\n') {
                            event();
                        }
                        last = b;
                    }
                }

                private void event() {
                    events++;
                    if (events == WARM_UP) {
                        beforeBytes = threads.getCurrentThreadAllocatedBytes();
                        beforeCpuNanos = threads.getCurrentThreadCpuTime();
                    } else if (events == WARM_UP + MEASURED) {
                        long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - beforeBytes;
                        cpuNanos[0] = threads.getCurrentThreadCpuTime() - beforeCpuNanos;
                        measured.complete(allocatedBytes);
                    }
                }
            };
            client.ended.thenAccept(cause -> measured.completeExceptionally(new AssertionError("connection ended", cause)));
            client.open();
            long allocatedBytes = measured.get(100, TimeUnit.SECONDS);
            // the CPU figure is for reading only: one event per read here, and the server shares the machine
            System.out.printf("Http2AllocationTest: the selector thread allocated %d bytes for %d h2c events (%.3f per event),"
                    + " CPU %.2f µs per event%n", allocatedBytes, MEASURED, (double) allocatedBytes / MEASURED,
                    cpuNanos[0] / 1000.0 / MEASURED);
            assertTrue(allocatedBytes < MAX_BYTES, () -> "the selector thread allocated " + allocatedBytes + " bytes for "
                    + MEASURED + " h2c events (" + (double) allocatedBytes / MEASURED + " per event)");
            client.close();
        }
    }
}
