package dev.pushbench.runner.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What Linux's {@code /proc} says of another process: whether it is there, runs, its CPU ticks and resident set.
 *
 * <pre>
 *   ProxyProcess.Reading reading = ProcFs.read(pid, List.of(pid));   // one process: CPU, RSS
 * </pre>
 */
public final class ProcFs {
    /** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat; 100 on every mainstream architecture. */
    private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

    private ProcFs() {
    }

    /**
     * CPU time and resident memory summed over {@code pids}, and what the reaped children of {@code rootPid}
     * spent (its cutime and cstime); a PID that has ended meanwhile is left out.
     */
    public static ProxyProcess.Reading read(long rootPid, Collection<Long> pids) {
        long cpuTicks = 0;
        long rssBytes = 0;
        int processes = 0;
        for (long pid : pids) {
            Optional<long[]> ticks = cpuTicks(pid);
            if (ticks.isEmpty()) {
                continue; // ended between listing and reading
            }
            processes++;
            cpuTicks += ticks.get()[0] + ticks.get()[1];
            if (pid == rootPid) {
                cpuTicks += ticks.get()[2] + ticks.get()[3];
            }
            rssBytes += Math.max(0, rssBytes(pid));
        }
        long cpuNanos = cpuTicks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
        return new ProxyProcess.Reading(cpuNanos, rssBytes, processes, System.nanoTime());
    }

    /** Whether {@code /proc/PID} is there: the process runs or is a zombie not yet reaped. */
    static boolean exists(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /**
     * Whether {@code pid} still runs. A zombie (state Z: exited, not yet reaped by a parent that may not
     * reap at all) no longer runs, holds no memory and spends no CPU.
     */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return !fields[0].equals("Z") && !fields[0].equals("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** utime, stime, cutime, cstime of {@code pid} in clock ticks, from /proc/PID/stat; empty when gone. */
    static Optional<long[]> cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may hold spaces and parentheses: fields resume after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state); utime is field 14
            return Optional.of(new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]), Long.parseLong(fields[14])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** VmRSS of {@code pid} in bytes, from /proc/PID/status; -1 when gone (a zombie has none). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long clockTicksPerSecond() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
                long ticks = Long.parseLong(output);
                if (ticks > 0) {
                    return ticks;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to Linux's USER_HZ
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
