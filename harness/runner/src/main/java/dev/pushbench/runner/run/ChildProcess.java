package dev.pushbench.runner.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@code pushbench serve} or {@code pushbench load} child JVM, spoken to in JSON lines over its
 * standard input and output; its standard error goes to a log file in the cell's directory. A child
 * whose input closes exits, so none outlives the runner.
 *
 * <pre>
 *   try (ChildProcess server = ChildProcess.start("server", List.of("serve", "--config", file), log)) {
 *       Map&lt;String, Object&gt; listening = server.await("listening", Duration.ofSeconds(30), ignored -&gt; { });
 *   }
 * </pre>
 */
public final class ChildProcess implements AutoCloseable {
    private static final Map<String, Object> END = Map.of("event", "\u0000end");

    private final String role;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private ChildProcess(String role, Process process, Path log) {
        this.role = role;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "pushbench-" + role + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Options a user adds for one role, e.g. a profiler: {@code PUSHBENCH_JAVA_OPTS_LOADGEN="-XX:StartFlightRecording=filename=lg.jfr"}
     * (roles: SERVER, LOADGEN); split at spaces.
     */
    static List<String> extraOptions(String role) {
        String value = System.getenv("PUSHBENCH_JAVA_OPTS_" + role.toUpperCase(java.util.Locale.ROOT));
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** The java the runner itself runs on: children use the same JVM. */
    static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code java <jvmOptions> -cp <our class path> PushbenchCli <args>}. */
    public static ChildProcess start(String role, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.addAll(extraOptions(role));
        command.add("-Dpushbench.role=" + role);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.pushbench.runner.cli.PushbenchCli");
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ChildProcess(role, pb.start(), log);
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("{")) {
                    try {
                        lines.add(Json.parse(line));
                        continue;
                    } catch (IllegalArgumentException notJson) {
                        // fall through: keep it as text
                    }
                }
                lines.add(Map.of("event", "text", "text", line));
            }
        } catch (IOException ignored) {
            // the child is gone
        } finally {
            lines.add(END);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String role() {
        return role;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void send(Map<String, Object> command) throws ChildException {
        try {
            stdin.write(Json.line(command));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new ChildException(role + " is not listening any more (" + exitDescription() + "); see " + log.getFileName());
        }
    }

    /**
     * Waits for a line whose {@code event} is {@code event}, handing every other line to {@code others}.
     *
     * @throws ChildException when the child exits first or the timeout passes
     */
    public Map<String, Object> await(String event, Duration timeout, Consumer<Map<String, Object>> others)
            throws ChildException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ChildException(role + " did not report '" + event + "' within " + timeout.toSeconds() + " s; see " + log.getFileName());
            }
            Map<String, Object> line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (line == null) {
                continue;
            }
            if (line == END) {
                lines.add(END);
                throw new ChildException(role + " exited (" + exitDescription() + ") before '" + event + "'; see " + log.getFileName());
            }
            if (event.equals(line.get("event"))) {
                return line;
            }
            others.accept(line);
        }
    }

    /** Sends a command and waits for its answer. */
    public Map<String, Object> ask(Map<String, Object> command, String answer, Duration timeout) throws ChildException, InterruptedException {
        send(command);
        return await(answer, timeout, ignored -> { });
    }

    private String exitDescription() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                int code = process.exitValue();
                return code > 128 ? "exit code " + code + ", killed by signal " + (code - 128) : "exit code " + code;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    /**
     * Asks the child to end (input closed) and returns at once; a reaper ends it by its PID if it has
     * not exited within 10 s. The next cell need not wait for this one's JVM to wind down.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).thenRun(() -> {
            if (process.isAlive()) {
                process.destroy();
                process.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).thenRun(process::destroyForcibly);
            }
        });
    }

    /** Waits until the child has exited (at most {@code timeout}). */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the child at once (Ctrl-C of the runner). */
    public void kill() {
        process.destroyForcibly();
    }

    /** A child that died, hung or said something unexpected: the cell fails with this message. */
    public static final class ChildException extends Exception {
        private static final long serialVersionUID = 1L;

        public ChildException(String message) {
            super(message, null, false, false);
        }
    }
}
