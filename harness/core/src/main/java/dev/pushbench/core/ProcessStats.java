package dev.pushbench.core;

import dev.pushbench.model.result.ProcessSnapshot;

import java.io.IOException;
import com.sun.management.GcInfo;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU time, memory and threads, as each child reports them about itself: CPU from
 * the JVM's OperatingSystemMXBean, heap from the MemoryMXBean, direct buffers from the buffer
 * pools, RSS from {@code /proc/self/status} where Linux has it.
 *
 * <p>Heap after a full GC, when asked, is the heap pools' use <em>at the end of that collection</em>,
 * as the collector reports it ({@link GcInfo#getMemoryUsageAfterGc()}), so that heap per connection
 * is live data. The heap's use read a moment later is not: every thread that allocates after the GC
 * takes a fresh thread-local allocation buffer of up to a few MB, counted whole as used, and a
 * 1000-connection cell's point then read 1.2-5 MB high, the size of 250 connections or more.
 */
public final class ProcessStats {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public ProcessSnapshot read(boolean gcFirst) {
        long heapUsed = -1;
        if (gcFirst) {
            List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
            long[] before = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).toArray();
            System.gc();
            heapUsed = heapAfterGc(collectors, before);
        }
        long nanoTime = System.nanoTime();
        long cpuNanos = os.getProcessCpuTime();
        if (heapUsed < 0) {
            heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
        }
        Long openFiles = os instanceof com.sun.management.UnixOperatingSystemMXBean
                ? ((com.sun.management.UnixOperatingSystemMXBean) os).getOpenFileDescriptorCount() : null;
        return new ProcessSnapshot(nanoTime, gcFirst, cpuNanos, heapUsed, direct, rssBytes(),
                ManagementFactory.getThreadMXBean().getThreadCount(), openFiles);
    }

    /**
     * The heap pools' use at the end of the last collection that ran since {@code before} (each
     * collector's count), or -1 when the JVM does not say (no such collection, no {@link GcInfo}).
     */
    static long heapAfterGc(List<GarbageCollectorMXBean> collectors, long[] before) {
        GcInfo last = null;
        for (int i = 0; i < collectors.size(); i++) {
            GarbageCollectorMXBean collector = collectors.get(i);
            if (collector.getCollectionCount() > before[i]
                    && collector instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                GcInfo info = withInfo.getLastGcInfo();
                if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                    last = info;
                }
            }
        }
        if (last == null) {
            return -1;
        }
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = last.getMemoryUsageAfterGc().get(pool.getName());
            if (pool.getType() == MemoryType.HEAP && after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /** Resident set size in bytes, or -1 where /proc is not there. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The most files this process may have open (the children inherit the same limit), or -1 if unknown. */
    public static long maxOpenFiles() {
        Object os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            return ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
        }
        return -1;
    }
}
