package dev.pushbench.core;

import dev.pushbench.model.result.ProcessSnapshot;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU time, memory and threads, as each child reports them about itself: CPU from
 * the JVM's OperatingSystemMXBean, heap from the MemoryMXBean (after a full GC when asked, so that
 * heap per connection is live data, not garbage), direct buffers from the buffer pools, RSS from
 * {@code /proc/self/status} where Linux has it.
 */
public final class ProcessStats {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public ProcessSnapshot read(boolean gcFirst) {
        if (gcFirst) {
            System.gc();
        }
        long nanoTime = System.nanoTime();
        long cpuNanos = os.getProcessCpuTime();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
        }
        Long openFiles = os instanceof com.sun.management.UnixOperatingSystemMXBean
                ? ((com.sun.management.UnixOperatingSystemMXBean) os).getOpenFileDescriptorCount() : null;
        return new ProcessSnapshot(nanoTime, gcFirst, cpuNanos, heap.getUsed(), direct, rssBytes(),
                ManagementFactory.getThreadMXBean().getThreadCount(), openFiles);
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
