package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checks that a child JVM reads the same {@link System#nanoTime()} clock as this one: the child's
 * reading must fall between two of ours taken before it started and after it answered. On Linux
 * nanoTime is CLOCK_MONOTONIC, shared by all processes; if this ever fails (another OS, a VM that
 * virtualises it per process), latency across processes is meaningless and the run stops.
 *
 * <p>Once per run with a child started for it ({@link #run}), and again in each cell with its server
 * ({@link #ofServer}), whose timestamps the load generator's latencies are taken against.
 */
final class ClockCheck {
    record Result(boolean ok, String method, String detail) {
    }

    private ClockCheck() {
    }

    static Result run(List<String> jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.pushbench.runner.cli.PushbenchCli");
        command.add("clock");
        long before = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        }
        long after = System.nanoTime();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String method = "a child JVM's System.nanoTime() must lie between the runner's readings before its start and after its answer";
        if (line == null || !line.trim().matches("-?\\d+")) {
            return new Result(false, method, "the clock child printed no reading (" + line + "); see clock.log");
        }
        long theirs = Long.parseLong(line.trim());
        boolean ok = before <= theirs && theirs <= after;
        return new Result(ok, method, "runner " + before + " <= child " + theirs + " <= runner " + after + ": " + (ok ? "yes" : "NO"));
    }

    /**
     * The same check against a cell's server: its reading must lie between the runner's two around
     * the question. A cell whose server fails it is not measured.
     */
    static CellResult.Clock ofServer(Child server, Duration timeout) throws ChildException, InterruptedException {
        long before = System.nanoTime();
        ControlMessage.Clock clock = server.ask(new ControlMessage.GetClock(), ControlMessage.Clock.class, timeout);
        long after = System.nanoTime();
        long theirs = clock.nanoTime();
        return new CellResult.Clock(before <= theirs && theirs <= after, before, theirs, after);
    }
}
