package dev.pushbench.loadgen;

import dev.pushbench.core.Clocks;
import java.lang.management.ManagementFactory;

/** Process CPU time next to wall time, from the JVM's OperatingSystemMXBean. */
final class CpuClock {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Reading(long wallNanos, long cpuNanos) {
    }

    Reading read() {
        return new Reading(Clocks.nanoTime(), os.getProcessCpuTime());
    }
}
