package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Heap after a full GC is what the collection left live, whatever other threads allocate after it. */
class ProcessStatsTest {
    private static final int RETAINED = 32 * 1024 * 1024;

    @SuppressWarnings("unused")
    private static volatile byte[] sink;

    @Test
    void heapAfterGcCountsWhatIsLiveNotWhatOtherThreadsAllocateAfterIt() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        // a thread allocating all the time, as a server's selector threads do: a heap read a moment after
        // the GC counts the fresh allocation buffers it took, whole
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                sink = new byte[16 * 1024];
            }
        }, "churn");
        churn.start();
        try {
            ProcessStats stats = new ProcessStats();
            long[] differences = new long[10];
            for (int i = 0; i < differences.length; i++) {
                byte[][] retained = retain();
                long with = stats.read(true).heapUsedBytes();
                retained[i][0] = 1;
                retained = null;
                long without = stats.read(true).heapUsedBytes();
                differences[i] = with - without;
            }
            for (long d : differences) {
                assertTrue(Math.abs(d - RETAINED) < 512 * 1024,
                        "32 MiB released between two GC'd reads: they differ by " + d + " B, not 33554432 ± 512 KiB; all: "
                                + java.util.Arrays.toString(differences));
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }

    /** 32 MiB in arrays of 32 KiB: small enough for any collector's ordinary space, not a region of their own. */
    private static byte[][] retain() {
        byte[][] arrays = new byte[RETAINED / 32768][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new byte[32768];
        }
        return arrays;
    }

    @Test
    void noCollectionSinceTheCountsMeansNoFigure() {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        long[] now = collectors.stream().mapToLong(c -> Long.MAX_VALUE).toArray();
        assertEquals(-1, ProcessStats.heapAfterGc(collectors, now));
        long[] before = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).toArray();
        System.gc();
        assertTrue(ProcessStats.heapAfterGc(collectors, before) > 0, "a collection ran: its heap after");
    }
}
