package dev.pushbench.runner.run;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Starves a process of CPU on purpose, as {@code cpulimit} does: it is stopped ({@code SIGSTOP}) for
 * {@code 1 − share} of every period and continued ({@code SIGCONT}) for the rest, by a small shell loop. The
 * runner applies it to the load generator when a scenario sets {@code clients.cpuShare}, to check that a starved
 * generator's cells are marked saturated and a search's steps generator-bound, never read as a slow server.
 *
 * <pre>
 *   try (Throttle t = Throttle.start(loadgenPid, 0.3, Duration.ofMillis(50))) {
 *       measure();
 *   }   // the loop ends and the process is continued
 * </pre>
 */
final class Throttle implements AutoCloseable {
    private final long pid;
    private final Process loop;

    private Throttle(long pid, Process loop) {
        this.pid = pid;
        this.loop = loop;
    }

    /** Throttles {@code pid} to {@code share} of every {@code period}; null (nothing to close) when {@code share} is 1. */
    static Throttle start(long pid, double share, Duration period) throws IOException {
        if (share >= 1) {
            return null;
        }
        double periodSeconds = period.toNanos() / 1e9;
        String stopped = String.format(Locale.ROOT, "%.4f", (1 - share) * periodSeconds);
        String running = String.format(Locale.ROOT, "%.4f", share * periodSeconds);
        // the loop ends by itself when the process is gone; close() ends it otherwise
        Process loop = new ProcessBuilder(List.of("bash", "-c",
                "while kill -STOP \"$1\" 2>/dev/null; do sleep \"$2\"; kill -CONT \"$1\" 2>/dev/null || exit 0; sleep \"$3\"; done",
                "throttle", String.valueOf(pid), stopped, running))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new Throttle(pid, loop);
    }

    /** Ends the loop and continues the process, wherever the loop was. */
    @Override
    public void close() {
        loop.destroy();
        try {
            loop.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.destroyForcibly();
        try {
            new ProcessBuilder("kill", "-CONT", String.valueOf(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            // the process is gone: nothing to continue
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
