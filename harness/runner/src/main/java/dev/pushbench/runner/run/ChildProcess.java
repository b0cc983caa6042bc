package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlChannel;
import dev.pushbench.model.control.ControlChannel.ChannelClosedException;
import dev.pushbench.model.control.ControlChannel.ChannelTimeoutException;
import dev.pushbench.model.control.ControlChannel.MessageHandler;
import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.control.LineChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A {@code pushbench serve} or {@code pushbench load} child JVM, spoken to in {@link ControlMessage}s
 * over its standard input and output (a {@link LineChannel}); its standard error, and any line on its
 * standard output that is not a control message, go to a log file in the cell's directory. A child
 * whose input closes exits, so none outlives the runner.
 *
 * <pre>
 *   try (ChildProcess server = ChildProcess.start("server", jvmOptions, List.of("serve", "--config", file), log)) {
 *       ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, Duration.ofSeconds(30), ignored -&gt; { });
 *       ControlMessage.Stats idle = server.ask(new ControlMessage.GetStats(true), ControlMessage.Stats.class, Duration.ofSeconds(30));
 *   }
 * </pre>
 */
public final class ChildProcess implements Child {
    private final String role;
    private final Process process;
    private final ControlChannel channel;
    private final Path log;

    private ChildProcess(String role, Process process, Path log) {
        this.role = role;
        this.process = process;
        this.log = log;
        this.channel = new LineChannel(role, process.getInputStream(), process.getOutputStream(), this::logLine);
    }

    /**
     * A line the child printed that is not a control message (a JVM warning, a library's print),
     * appended beside its standard error. Such lines are rare, so the file is opened for each.
     */
    private synchronized void logLine(String text) {
        try {
            Files.writeString(log, text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("pushbench: cannot write to " + log + ": " + e.getMessage() + "; the " + role + " printed: " + text);
        }
    }

    /**
     * Options a user adds for one role, e.g. a profiler: {@code PUSHBENCH_JAVA_OPTS_LOADGEN="-XX:StartFlightRecording=filename=lg.jfr"}
     * (roles: SERVER, LOADGEN); split at spaces.
     */
    static List<String> extraOptions(String role) {
        String value = System.getenv("PUSHBENCH_JAVA_OPTS_" + role.toUpperCase(Locale.ROOT));
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** The java the runner itself runs on: children use the same JVM. */
    static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * With {@code PUSHBENCH_HEAP_DUMPS=1} a child that runs out of heap writes a heap dump into its
     * cell's directory before it exits (off by default: a dump is as large as the heap).
     */
    static List<String> heapDumpOptions(Path log) {
        if (!"1".equals(System.getenv("PUSHBENCH_HEAP_DUMPS"))) {
            return List.of();
        }
        Path dir = log.toAbsolutePath().getParent();
        return List.of("-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + dir);
    }

    /** Starts {@code java <jvmOptions> -cp <our class path> PushbenchCli <args>}. */
    public static ChildProcess start(String role, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        return start(role, jvmOptions, args, log, null);
    }

    /** The same, in {@code workDir} (an agent's child: its relative files are its own); null: the runner's. */
    public static ChildProcess start(String role, List<String> jvmOptions, List<String> args, Path log, Path workDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.addAll(heapDumpOptions(log));
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
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new ChildProcess(role, pb.start(), log);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void send(ControlMessage message) throws ChildException {
        try {
            channel.send(message);
        } catch (IOException e) {
            throw new ChildException(role + " is not listening any more (" + exitDescription() + ")" + lastWords() + "; see "
                    + log.getFileName());
        }
    }

    /**
     * The next message, waiting at most {@code timeout}; null when none came in time.
     *
     * @throws ChildException when the child has exited and every message was taken
     */
    public ControlMessage receive(Duration timeout) throws ChildException, InterruptedException {
        try {
            return channel.receive(timeout);
        } catch (ChannelClosedException e) {
            throw new ChildException(role + " exited (" + exitDescription() + ")" + lastWords());
        }
    }

    /**
     * Waits for a message of {@code type}, handing every other one to {@code others}; what
     * {@code others} throws ends the wait.
     *
     * @throws ChildException when the child exits first or the timeout passes
     */
    @Override
    public <T extends ControlMessage, E extends Exception> T await(Class<T> type, Duration timeout, MessageHandler<E> others)
            throws ChildException, InterruptedException, E {
        try {
            return channel.await(type, timeout, others);
        } catch (ChannelClosedException e) {
            throw new ChildException(role + " exited (" + exitDescription() + ") before '" + ControlCodec.typeName(type)
                    + "'" + lastWords() + "; see " + log.getFileName());
        } catch (ChannelTimeoutException e) {
            throw new ChildException(role + " did not report '" + ControlCodec.typeName(type) + "' within "
                    + timeout.toSeconds() + " s; see " + log.getFileName());
        }
    }

    /** How many of the log's last lines a failure quotes. */
    private static final int LAST_WORDS_LINES = 3;
    private static final int LAST_WORDS_CHARS = 300;

    /**
     * The last lines of the child's log, quoted for a failure's reason: what a JVM says as it dies
     * (an {@code OutOfMemoryError}, a failed start) is the reason the user needs, not the exit code.
     */
    String lastWords() {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
        List<String> last = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && last.size() < LAST_WORDS_LINES; i--) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("at ")) {
                last.add(0, line);
            }
        }
        if (last.isEmpty()) {
            return "";
        }
        String words = String.join(" | ", last);
        return ", its last words: \"" + (words.length() > LAST_WORDS_CHARS ? "…" + words.substring(words.length() - LAST_WORDS_CHARS) : words) + "\"";
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
        channel.close();
        process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).thenRun(() -> {
            if (process.isAlive()) {
                process.destroy();
                process.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).thenRun(process::destroyForcibly);
            }
        });
    }

    /** Waits until the child has exited (at most {@code timeout}). */
    @Override
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the child at once (Ctrl-C of the runner). */
    @Override
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
