package dev.pushbench.runner.run;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario: every cell (stack × transport × protocol × repeat) with its server and its load
 * generator each in their own JVM, one cell after the other, writing each cell's files as soon as it
 * ends so that a crash or Ctrl-C loses nothing already measured.
 *
 * <pre>
 *   int exit = new ScenarioRunner(scenario, Path.of("results"), System.out).run();
 * </pre>
 *
 * <p>Per cell: start the server → same-clock check → quick conformance verify → server stats at
 * idle → load (ramp, warm-up, measure, drain) with server stats at the window's edges → stop →
 * {@code summary.json}. A cell whose server dies, hangs or fails verification is written
 * {@code failed} with the reason, and the run goes on.
 */
public final class ScenarioRunner {
    /** Loopback only: the benchmarked endpoints are the only listeners, and they are local. */
    public static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    /** Files a process needs beside its connections: JVM jars, selectors, pipes, logs. */
    static final int FILE_MARGIN = 256;

    private final Scenario scenario;
    private final Path resultsRoot;
    private final PrintStream out;
    private List<String> jvmOptions;
    private final Verifier verifier;
    private final Progress progress;
    private volatile boolean interrupted;
    /** The next cell, being prepared ahead; null when none is. */
    private volatile Ahead ahead;
    /** The cells after the one running, to start the next one's JVMs ahead. */
    private List<CellPlan> nextCells = List.of();
    private volatile ChildProcess[] running = new ChildProcess[0];

    /** Told of each cell's phases as they begin, with the server's PID (progress display, fault tests). */
    @FunctionalInterface
    public interface PhaseListener {
        void onPhase(CellPlan cell, String phase, long serverPid);
    }

    private volatile PhaseListener phaseListener = (cell, phase, pid) -> { };

    public ScenarioRunner onPhase(PhaseListener listener) {
        this.phaseListener = listener;
        return this;
    }

    /** Checks a freshly started server before it is measured; returns the failures (empty = passed). */
    @FunctionalInterface
    public interface Verifier {
        List<String> verify(String stack, String host, int port, Protocol protocol, Transport transport, FeedSpec feed, String certificatePem)
                throws Exception;
    }

    public ScenarioRunner(Scenario scenario, Path resultsRoot, PrintStream out, Verifier verifier) {
        this(scenario, resultsRoot, out, verifier,
                List.of("-Xms256m", "-Xmx2g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData"));
    }

    public ScenarioRunner(Scenario scenario, Path resultsRoot, PrintStream out, Verifier verifier, List<String> jvmOptions) {
        this.scenario = scenario;
        this.resultsRoot = resultsRoot;
        this.out = out;
        this.verifier = verifier;
        this.jvmOptions = List.copyOf(jvmOptions);
        int cellCount = Math.max(1, scenario.matrix().cellCount() * scenario.timing().repeats());
        this.progress = new Progress(out, out == System.out && System.console() != null,
                scenario.estimatedRunTime(OVERHEAD_PER_CELL).dividedBy(cellCount),
                scenario.timing().warmup(), scenario.timing().duration(), scenario.timing().drain());
    }

    /**
     * What a cell takes beside its ramp and phases: the memory points and the part of the next cell's
     * preparation (JVM starts, clock check, verify, warm-up) they do not hide, and a ramp longer than
     * planned; 1.3 to 3.5 s (median 2.0 s) for quick's cells in a CI run on the 2-core machine, TLS
     * cells the longest.
     */
    public static final Duration OVERHEAD_PER_CELL = Duration.ofSeconds(3);

    public List<CellPlan> cells() {
        List<CellPlan> cells = new ArrayList<>();
        int repeats = scenario.timing().repeats();
        for (String stack : scenario.matrix().stacks()) {
            for (Transport transport : scenario.matrix().transports()) {
                for (Protocol protocol : scenario.matrix().protocols()) {
                    for (int r = 1; r <= repeats; r++) {
                        cells.add(new CellPlan(stack, transport, protocol, r, repeats));
                    }
                }
            }
        }
        return cells;
    }

    /** Fails up front, naming the limit, when this machine cannot hold the scenario's connections. */
    public void checkLimits() throws BadInputException {
        long maxFiles = ProcessStats.maxOpenFiles();
        int connections = scenario.clients().connections();
        if (maxFiles > 0 && connections + FILE_MARGIN > maxFiles) {
            throw new BadInputException(scenario.source() + ": clients.connections is " + connections
                    + ", but each connection needs an open file in the server and in the load generator, and this"
                    + " machine allows " + maxFiles + " open files per process (ulimit -n) with about " + FILE_MARGIN
                    + " needed besides; use at most " + (maxFiles - FILE_MARGIN) + " connections or raise the limit");
        }
    }

    /** Runs every cell; returns the exit code (0 all ok or unsupported, 1 some cell failed). */
    public int run() throws IOException, BadInputException {
        checkLimits();
        List<CellPlan> cells = cells();
        Path runDir = createRunDir();
        RunManifest manifest = new RunManifest(runDir, scenario, cells);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            for (ChildProcess child : running) {
                child.kill();
            }
            Ahead a = ahead;
            if (a != null) {
                a.kill();
            }
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "pushbench-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean anyFailed = false;
        try {
            if (scenario.source() != null && Files.isRegularFile(scenario.source())) {
                Files.copy(scenario.source(), runDir.resolve("scenario.yaml"), StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> withArchive = new ArrayList<>(jvmOptions);
            withArchive.addAll(ClassDataArchive.jvmOptions(out));
            jvmOptions = List.copyOf(withArchive);
            manifest.childJvmOptions(jvmOptions);
            ClockCheck.Result clock = ClockCheck.run(jvmOptions, runDir.resolve("clock.log"));
            manifest.clockCheck(clock);
            if (!clock.ok()) {
                manifest.finish("failed");
                Reports.write(runDir, out);
                throw new IllegalStateException("clock check failed: " + clock.detail()
                        + "; the server's and the load generator's System.nanoTime() are not one clock, so latency cannot be measured");
            }
            out.printf("run %s: %d cells, results in %s%n", runDir.getFileName(), cells.size(), runDir);
            progress.runStarted(cells.size());
            int i = 0;
            for (CellPlan cell : cells) {
                i++;
                if (interrupted) {
                    break;
                }
                nextCells = cells.subList(i, cells.size());
                Map<String, Object> summary = runCell(runDir, cell, i, cells.size());
                anyFailed |= "failed".equals(summary.get("status"));
                Reports.write(runDir, null);
            }
            manifest.finish(interrupted ? "interrupted" : "complete");
            Path report = Reports.write(runDir, out);
            Reports.writeIndex(resultsRoot);
            out.println(report);
            return anyFailed || interrupted ? 1 : 0;
        } finally {
            Ahead a = ahead;
            ahead = null;
            if (a != null) {
                a.close(); // the run stopped before the cell it was prepared for
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C; the files are written, let it end
            }
        }
    }

    private Path createRunDir() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = resultsRoot.resolve(stamp + "-" + scenario.name());
        for (int n = 2; Files.exists(dir); n++) {
            dir = resultsRoot.resolve(stamp + "-" + scenario.name() + "-" + n);
        }
        Files.createDirectories(dir.resolve("cells"));
        return dir;
    }

    private Map<String, Object> runCell(Path runDir, CellPlan cell, int index, int total) throws IOException {
        Path cellDir = runDir.resolve("cells").resolve(cell.name());
        Files.createDirectories(cellDir);
        CellSummary summary = new CellSummary(cell);
        progress.cellStarted(index, cell.name());
        long started = System.nanoTime();
        try {
            Optional<String> unsupported = scenario.unsupported(cell.stack(), cell.transport(), cell.protocol());
            if (unsupported.isPresent()) {
                summary.unsupported(unsupported.get());
            } else {
                Prepared prepared = takePrepared(cell, cellDir);
                summary = prepared.summary;
                measure(prepared);
            }
        } catch (ChildException e) {
            summary.failed(interrupted ? "interrupted (Ctrl-C) while running: " + e.getMessage() : e.getMessage());
        } catch (InterruptedException e) {
            summary.failed("interrupted");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            summary.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            running = new ChildProcess[0];
        }
        summary.durationSeconds((System.nanoTime() - started) / 1e9);
        Map<String, Object> written = summary.write(cellDir.resolve("summary.json"));
        progress.cellFinished(CellSummary.oneLine(written));
        return written;
    }

    /**
     * A cell made ready to ramp: its two JVMs up, the same-clock check and the quick verify done,
     * the load generator's client warm. {@code ready} is false when a check failed; the summary
     * says which.
     */
    private static final class Prepared {
        final CellPlan cell;
        final Path cellDir;
        final CellSummary summary;
        final Pair pair;
        boolean ready;

        Prepared(CellPlan cell, Path cellDir, Pair pair) {
            this.cell = cell;
            this.cellDir = cellDir;
            this.summary = new CellSummary(cell);
            this.pair = pair;
        }
    }

    /** A cell being prepared ahead, on its own thread, while the cell before it takes its memory points. */
    private static final class Ahead {
        final CellPlan cell;
        final CompletableFuture<Prepared> prepared = new CompletableFuture<>();
        volatile Pair pair;

        Ahead(CellPlan cell) {
            this.cell = cell;
        }

        void kill() {
            Pair p = pair;
            if (p != null) {
                p.kill();
            }
        }

        void close() {
            Pair p = pair;
            if (p != null) {
                p.close();
            }
        }
    }

    /** The cell prepared ahead for it, if there is one, else prepared now. */
    private Prepared takePrepared(CellPlan cell, Path cellDir) throws Exception {
        Ahead a = ahead;
        ahead = null;
        if (a != null && a.cell.equals(cell)) {
            try {
                return a.prepared.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception) {
                    throw (Exception) e.getCause();
                }
                throw e;
            }
        }
        if (a != null) {
            a.close();
        }
        return prepare(cell, cellDir, pair -> { });
    }

    /**
     * Prepares the next measured cell ahead, once the current cell's window is over (never during
     * it: the JVM starts, the verify and the warm-up cost CPU that would disturb the measured cell).
     * Starting two JVMs and a server (and its certificate for TLS), verifying it and warming the
     * client up take two seconds or more, which the current cell's memory points now hide: memory
     * after GC is not disturbed by another process's CPU use. The next cell's ramp, its first
     * measured moment, still waits for the current cell to end.
     */
    private void startAhead(Path cellsDir) {
        if (ahead != null || interrupted) {
            return;
        }
        for (CellPlan next : nextCells) {
            if (scenario.unsupported(next.stack(), next.transport(), next.protocol()).isEmpty()) {
                Ahead a = new Ahead(next);
                ahead = a;
                Thread t = new Thread(() -> {
                    try {
                        a.prepared.complete(prepare(next, cellsDir.resolve(next.name()), pair -> a.pair = pair));
                    } catch (Throwable e) {
                        a.prepared.completeExceptionally(e);
                    }
                }, "pushbench-prepare-" + next.name());
                t.setDaemon(true);
                t.start();
                return;
            }
        }
    }

    private Prepared prepare(CellPlan cell, Path cellDir, java.util.function.Consumer<Pair> started) throws Exception {
        ServerConfig serverConfig = scenario.serverConfig(cell.transport(), cell.protocol(), HOST);
        FeedSpec feed = scenario.feed().toFeedSpec();
        Pair pair = startPair(cell, cellDir);
        started.accept(pair);
        Prepared prepared = new Prepared(cell, cellDir, pair);
        CellSummary summary = prepared.summary;
        boolean ok = false;
        try {
            ChildProcess server = pair.server;
            Map<String, Object> listening = server.await("listening", START_TIMEOUT, ignored -> { });
            int port = (int) Json.longOf(listening, "port");
            long t0 = Json.longOf(listening, "t0Nanos");
            String certificatePem = certificatePem(listening, cell.protocol());
            summary.server("description", listening.get("description"));

            long before = System.nanoTime();
            Map<String, Object> clock = server.ask(Map.of("cmd", "clock"), "clock", ASK_TIMEOUT);
            long after = System.nanoTime();
            long theirs = Json.longOf(clock, "nanoTime");
            summary.clock(before <= theirs && theirs <= after, before, theirs, after);
            if (!(before <= theirs && theirs <= after)) {
                summary.failed("clock check failed: the server's System.nanoTime() " + theirs
                        + " is not between the runner's " + before + " and " + after);
                return prepared;
            }

            // the load generator warms its client up (throw-away subscriptions) while the server is verified
            LoadSpec load = loadSpec(cell, serverConfig, port, new Schedule(t0, feed.topics(), feed.ratePerSecond()), cellDir,
                    certificatePem);
            Path loadJson = cellDir.resolve("load.json");
            Json.write(loadJson, ChildSpecs.toJson(load));
            pair.loadgen.send(Map.of("cmd", "go", "config", loadJson.toString()));
            List<String> failures = verifier.verify(cell.stack(), HOST, port, cell.protocol(), cell.transport(), feed, certificatePem);
            summary.verify(failures);
            if (!failures.isEmpty()) {
                summary.failed("verify failed: " + String.join("; ", failures));
                return prepared;
            }
            pair.loadgen.await("ready", START_TIMEOUT, ignored -> { });
            prepared.ready = true;
            ok = true;
            return prepared;
        } finally {
            if (!ok) {
                pair.close();
            }
        }
    }

    private void measure(Prepared prepared) throws Exception {
        if (!prepared.ready) {
            return;
        }
        CellPlan cell = prepared.cell;
        Path cellDir = prepared.cellDir;
        CellSummary summary = prepared.summary;
        try (ChildProcess server = prepared.pair.server; ChildProcess loadgen = prepared.pair.loadgen) {
            running = new ChildProcess[] {server, loadgen};
            if (!server.isAlive() || !loadgen.isAlive()) {
                throw new ChildException((server.isAlive() ? "load generator" : "server") + " exited while waiting for its cell; see "
                        + (server.isAlive() ? "loadgen.log" : "server.log"));
            }
            Map<String, Object> idle = askStats(server, true);
            summary.serverProcess("idle", idle);
            long idleOpenFiles = openFiles(idle);
            loadgen.send(Map.of("cmd", "ramp"));
            try {
                Duration budget = scenario.clients().rampTime().plus(scenario.timing().phases()).plusSeconds(90);
                Map<String, Object> result = loadgen.await("result", budget, line -> {
                    if (!server.isAlive()) {
                        throw new ServerDied();
                    }
                    progress.onLine(line);
                    if ("memory-point".equals(line.get("event"))) {
                        startAhead(cellDir.getParent()); // the window is over: the next cell may get ready now
                        try {
                            boolean settled = settle(server, Json.longOf(line, "connections"), cell.transport(), idleOpenFiles);
                            summary.memoryPoint(line, settledHeap(server), settled);
                            loadgen.send(Map.of("cmd", "next"));
                        } catch (ChildException | InterruptedException e) {
                            throw new ServerDied();
                        }
                    }
                    if ("phase".equals(line.get("event"))) {
                        String phase = String.valueOf(line.get("phase"));
                        phaseListener.onPhase(cell, phase, server.pid());
                        if (phase.equals("measure") || phase.equals("drain")) {
                            try {
                                summary.serverProcess(phase.equals("measure") ? "measureStart" : "measureEnd", askStats(server, false));
                            } catch (ChildException | InterruptedException e) {
                                throw new ServerDied();
                            }
                        }
                    }
                });
                summary.load(result);
            } catch (ServerDied e) {
                throw new ChildException("server exited during the load (" + (server.isAlive() ? "not answering" : "process gone")
                        + "); see server.log");
            }
            if (!server.isAlive()) {
                throw new ChildException("server exited during the load; see server.log");
            }
            Map<String, Object> end = askStats(server, false);
            summary.serverEnd(end);
            summary.ok();
            summary.checkValidity();
        }
    }

    /** A cell's server JVM (serving from its start) and its load generator JVM (waiting for its spec). */
    private static final class Pair implements AutoCloseable {
        final ChildProcess server;
        final ChildProcess loadgen;

        private Pair(ChildProcess server, ChildProcess loadgen) {
            this.server = server;
            this.loadgen = loadgen;
        }

        void kill() {
            server.kill();
            loadgen.kill();
        }

        @Override
        public void close() {
            server.close();
            loadgen.close();
        }
    }

    /** Writes the cell's {@code server.json} and starts its two JVMs. */
    private Pair startPair(CellPlan cell, Path cellDir) throws IOException {
        Files.createDirectories(cellDir);
        ServerConfig serverConfig = scenario.serverConfig(cell.transport(), cell.protocol(), HOST);
        Path serverJson = cellDir.resolve("server.json");
        Json.write(serverJson, ChildSpecs.toJson(new ChildSpecs.Serve(cell.stack(), serverConfig, scenario.feed().toFeedSpec())));
        ChildProcess server = ChildProcess.start("server", jvmOptions, List.of("serve", "--config", serverJson.toString()),
                cellDir.resolve("server.log"));
        try {
            return new Pair(server, ChildProcess.start("loadgen", jvmOptions, List.of("load", "--await-config"),
                    cellDir.resolve("loadgen.log")));
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Waits (at most 10 s) until the server has seen the load generator's closes, so that the memory
     * read next belongs to that many connections: its streaming subscribers are down to
     * {@code connections} and its open files down to what it had at idle plus one per connection.
     * Should it hold a few files more than that (a lazily opened one), after a second its open files
     * no longer falling over two looks will do. "Not falling over two looks" alone is a guess that a
     * server busy beside the next cell's JVM starts can pass with closes still queued.
     *
     * @return false when the 10 s ran out first: a server that learns of a closed stream only when
     *         it next writes to it (Jetty over HTTP/1.1) had not, with events and heartbeats rarer than that
     */
    private static boolean settle(ChildProcess server, long connections, Transport transport, long idleOpenFiles)
            throws ChildException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        long lastOpen = Long.MAX_VALUE;
        int steady = 0;
        while (System.nanoTime() < deadline) {
            Map<String, Object> stats = askStats(server, false);
            long open = openFiles(stats);
            long active = Json.longOf(Json.map(stats, "counters"), "activeSubscribers");
            boolean streamsDown = transport.isPolling() || active <= connections;
            boolean filesDown = open < 0 || idleOpenFiles < 0 || open <= idleOpenFiles + connections;
            steady = streamsDown && open >= lastOpen ? steady + 1 : 0;
            if (streamsDown && filesDown) {
                return true;
            }
            if (steady >= 2 && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(1)) {
                return true;
            }
            lastOpen = open;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    /**
     * GC'd looks at the server 50 ms apart until its heap stops falling (at most half a second): the
     * least. A server busy beside the next cell's JVM starts had closed the sockets but not yet
     * dropped the closed connections' state: a point read ~1.1 MB high, what 250 connections of
     * ~4.3 KB hold, and two runs of a cell disagreed by 25-75 % on the heap per connection.
     */
    private static Map<String, Object> settledHeap(ChildProcess server) throws ChildException, InterruptedException {
        Map<String, Object> least = askStats(server, true);
        for (int look = 0; look < 10; look++) {
            TimeUnit.MILLISECONDS.sleep(50);
            Map<String, Object> next = askStats(server, true);
            boolean falling = heapUsed(next) < heapUsed(least) - HEAP_STILL_FALLING_BYTES;
            if (heapUsed(next) < heapUsed(least)) {
                least = next;
            }
            if (!falling) {
                return least;
            }
        }
        return least;
    }

    /** A drop between two GC'd looks larger than this means cleanup is still going on. */
    private static final long HEAP_STILL_FALLING_BYTES = 16 * 1024;

    private static long heapUsed(Map<String, Object> stats) {
        return Json.longOf(Json.map(stats, "process"), "heapUsedBytes");
    }

    private static long openFiles(Map<String, Object> stats) {
        Object open = Json.map(stats, "process").get("openFiles");
        return open instanceof Number ? ((Number) open).longValue() : -1;
    }

    private static Map<String, Object> askStats(ChildProcess server, boolean gc) throws ChildException, InterruptedException {
        return server.ask(Map.of("cmd", "stats", "gc", gc), "stats", ASK_TIMEOUT);
    }

    /** The certificate the server made at start, for a TLS cell; null for cleartext. */
    private static String certificatePem(Map<String, Object> listening, Protocol protocol) throws ChildException {
        Object pem = listening.get("certificatePem");
        if (protocol.isTls() && !(pem instanceof String)) {
            throw new ChildException("the server's listening line has no certificatePem for TLS protocol " + protocol + ", got " + pem);
        }
        return protocol.isTls() ? (String) pem : null;
    }

    private LoadSpec loadSpec(CellPlan cell, ServerConfig server, int port, Schedule schedule, Path cellDir,
                              String certificatePem) {
        return new LoadSpec(HOST, port, cell.protocol(), cell.transport(),
                scenario.clients().connections(), scenario.clients().rampPerSecond(),
                scenario.clients().eventsPerConnection(), schedule,
                scenario.timing().warmup(), scenario.timing().duration(), scenario.timing().drain(),
                scenario.transports().shortPollInterval(), server.longPollHold(), server.heartbeatInterval(),
                server.sseRetry(), cellDir.resolve("latency.hlog"), certificatePem, scenario.clients().engine());
    }

    /** Thrown from the line handler when the server process is gone mid-load. */
    private static final class ServerDied extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServerDied() {
            super(null, null, false, false);
        }
    }

    static String now() {
        return Instant.now().toString();
    }

    static Map<String, Object> newMap() {
        return new LinkedHashMap<>();
    }
}
