package dev.pushbench.runner.run;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.scenario.NetworkLink;
import dev.pushbench.runner.scenario.NetworkPath;
import dev.pushbench.runner.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario: every cell (stack × transport × protocol × repeat) with its server and its load
 * generator each in their own JVM, one cell after the other, writing each cell's files as soon as it
 * ends so that a crash or Ctrl-C loses nothing already measured.
 *
 * <pre>
 *   int exit = new ScenarioRunner(scenario, Path.of("results"), System.out, Verification::quick).run();
 * </pre>
 *
 * <p>Per cell: start the server → same-clock check → quick conformance verify → server stats at
 * idle → load (ramp, warm-up, measure, drain) with server stats at the window's edges → stop →
 * {@code summary.json}. A cell whose server dies, hangs or fails verification is written
 * {@code failed} with the reason, and the run goes on.
 *
 * <p>This class owns the run's lifecycle: its directory and {@code run.json}, the order of the cells,
 * and Ctrl-C (a shutdown hook ends the children and waits for the files). {@link CellPreparation}
 * makes each cell ready (ahead of time where it can), {@link CellMeasurement} measures it.
 */
public final class ScenarioRunner {
    /** Loopback only: the benchmarked endpoints are the only listeners, and they are local. */
    public static final String HOST = "127.0.0.1";

    /** {@link #HOST} as an address (a literal: nothing is looked up). */
    public static java.net.InetAddress serverAddress() {
        return dev.pushbench.runner.scenario.ScenarioLoader.ipv4(HOST);
    }
    /** Files a process needs beside its connections: JVM jars, selectors, pipes, logs. */
    static final int FILE_MARGIN = 256;
    /** The ramp's legs between its memory points, and how long each may run past its plan (Ramp's leg timeout). */
    private static final int RAMP_LEGS = 4;
    private static final int RAMP_LEG_GRACE_SECONDS = 30;

    private final Scenario scenario;
    private final Path resultsRoot;
    private final PrintStream out;
    private List<String> jvmOptions;
    private final Verifier verifier;
    private final Progress progress;
    private volatile boolean interrupted;
    /** Made once the children's JVM options are known; null before. */
    private volatile Preparer preparation;
    /** The cells after the one running, to start the next one's JVMs ahead. */
    private List<CellPlan> nextCells = List.of();
    /** The measured cell's JVMs, for Ctrl-C; null between cells. */
    private volatile CellProcesses running;

    /** Told of each cell's phases as they begin, with the server's PID (progress display, fault tests). */
    @FunctionalInterface
    public interface PhaseListener {
        void onPhase(CellPlan cell, String phase, long serverPid);
    }

    private volatile PhaseListener phaseListener = (cell, phase, pid) -> { };

    /** The cluster the roles run on; null on one machine. */
    private volatile dev.pushbench.runner.cluster.ClusterController cluster;

    /** Runs the cells' roles on a cluster's agents instead of this machine's JVMs. */
    public ScenarioRunner onCluster(dev.pushbench.runner.cluster.ClusterController controller) {
        this.cluster = controller;
        return this;
    }

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

    /** The options every child JVM (server, load generator) starts with. */
    public static final List<String> CHILD_JVM_OPTIONS =
            List.of("-Xms256m", "-Xmx2g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData");

    public ScenarioRunner(Scenario scenario, Path resultsRoot, PrintStream out, Verifier verifier) {
        this(scenario, resultsRoot, out, verifier, CHILD_JVM_OPTIONS);
    }

    public ScenarioRunner(Scenario scenario, Path resultsRoot, PrintStream out, Verifier verifier, List<String> jvmOptions) {
        this.scenario = scenario;
        this.resultsRoot = resultsRoot;
        this.out = out;
        this.verifier = verifier;
        this.jvmOptions = List.copyOf(jvmOptions);
        int cellCount = Math.max(1, cells().size());
        this.progress = new Progress(out, out == System.out && System.console() != null,
                scenario.estimatedRunTime(OVERHEAD_PER_CELL).dividedBy(cellCount),
                scenario.timing().warmup(), scenario.timing().duration(), scenario.timing().drain());
    }

    /**
     * What a cell takes beside its ramp and phases: the memory points after the window and the part of
     * the next cell's preparation (JVM starts, clock check, verify, warm-up) they do not hide, and a ramp
     * longer than planned; 1.3 to 3.5 s (median 2.0 s) for quick's cells in a CI run on the 2-core
     * machine, TLS cells the longest. The ramp's five memory points add about 2 s more (0.2 to 1 s from
     * one to the next in quick's cells, leg included, TLS the longest): nothing hides them.
     */
    public static final Duration OVERHEAD_PER_CELL = Duration.ofSeconds(5);

    public List<CellPlan> cells() {
        List<CellPlan> cells = new ArrayList<>();
        int repeats = scenario.timing().repeats();
        boolean hints = scenario.transports().sseProxyHints();
        for (String stack : scenario.matrix().stacks()) {
            for (Transport transport : scenario.matrix().transports()) {
                for (Protocol protocol : scenario.matrix().protocols()) {
                    for (NetworkPath path : scenario.matrix().paths()) {
                        for (NetworkLink link : scenario.matrix().links()) {
                            for (int r = 1; r <= repeats; r++) {
                                cells.add(new CellPlan(stack, transport, protocol, path, hints, link, r, repeats));
                            }
                            if (Scenario.runsWithoutHints(transport, path, hints)) {
                                for (int r = 1; r <= repeats; r++) {
                                    cells.add(new CellPlan(stack, transport, protocol, path, false, link, r, repeats));
                                }
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }

    /**
     * Fails up front, naming the limit, when a proxy the scenario names is not installed, this machine cannot
     * hold the scenario's connections or its children's heaps cannot hold it.
     */
    public void checkLimits() throws BadInputException {
        for (dev.pushbench.runner.proxy.ProxyKind proxy : scenario.proxies()) {
            if (proxy.executable().isEmpty()) {
                throw new BadInputException(scenario.source() + ": path.proxy names " + proxy.id() + ", which is not installed"
                        + " on this machine; install the Debian package " + proxy.debianPackage() + " (apt-get install "
                        + proxy.debianPackage() + ") or leave " + proxy.id() + " out of path.proxy");
            }
        }
        int connections = scenario.clients().connections();
        if (cluster != null) {
            ClusterPreparation.checkLimits(scenario, cluster);
        }
        long maxFiles = cluster != null ? -1 : ProcessStats.maxOpenFiles();
        if (maxFiles > 0 && connections + FILE_MARGIN > maxFiles) {
            throw new BadInputException(scenario.source() + ": clients.connections is " + connections
                    + ", but each connection needs an open file in the server and in the load generator, and this"
                    + " machine allows " + maxFiles + " open files per process (ulimit -n) with about " + FILE_MARGIN
                    + " needed besides; use at most " + (maxFiles - FILE_MARGIN) + " connections or raise the limit");
        }
        // a topic's history holds its published messages too: its events are sized by the larger payload
        dev.pushbench.core.FeedSpec feed = scenario.feed();
        if (scenario.publish() != null && scenario.publish().payloadBytes() > feed.payloadBytes()) {
            feed = new dev.pushbench.core.FeedSpec(feed.topics(), feed.ratePerSecond(), scenario.publish().payloadBytes(),
                    feed.historyEvents());
        }
        HeapBudget.check(String.valueOf(scenario.source()), feed, connections, scenario.clients().engine(),
                scenario.matrix().transports().stream().anyMatch(Transport::isPolling), jvmOptions,
                ChildProcess.extraOptions("server"), ChildProcess.extraOptions("loadgen"));
    }

    /** Runs every cell; returns the exit code (0 all ok or unsupported, 1 some cell failed). */
    public int run() throws IOException, BadInputException {
        checkLimits();
        List<CellPlan> cells = cells();
        Path runDir = createRunDir();
        RunManifestFile manifest = new RunManifestFile(runDir, scenario, cells);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            CellProcesses measured = running;
            if (measured != null) {
                measured.kill();
            }
            Preparer p = preparation;
            if (p != null) {
                p.kill();
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
            ClockCheck.Result clock;
            if (cluster == null) {
                List<String> withArchive = new ArrayList<>(jvmOptions);
                withArchive.addAll(ClassDataArchive.jvmOptions(out));
                jvmOptions = List.copyOf(withArchive);
                manifest.childJvmOptions(jvmOptions);
                preparation = new CellPreparation(scenario, jvmOptions, verifier);
                clock = ClockCheck.run(jvmOptions, runDir.resolve("clock.log"));
                manifest.clockCheck(clock);
            } else {
                // the agents' own JVM options; each load agent's clock is estimated per cell (agents[].clock)
                preparation = new ClusterPreparation(scenario, cluster, verifier);
                manifest.cluster(ClusterPreparation.placement(cluster));
                clock = new ClockCheck.Result(true, "cluster", "each load agent's clock is estimated against the serving agent's per cell: agents[].clock");
                manifest.clockCheck(clock);
            }
            if (!clock.ok()) {
                manifest.finish(RunManifest.FAILED);
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
                CellResult result = runCell(runDir, cell, i);
                anyFailed |= result.status() == CellStatus.FAILED;
                Reports.write(runDir, null);
                String fatal = preparation.fatal();
                if (fatal != null) {
                    out.println("run stopped after cell " + cell.name() + ": " + fatal);
                    anyFailed = true;
                    break;
                }
            }
            manifest.finish(interrupted ? RunManifest.INTERRUPTED : RunManifest.COMPLETE);
            Path report = Reports.write(runDir, out);
            Reports.writeIndex(resultsRoot);
            out.println(report);
            return anyFailed || interrupted ? 1 : 0;
        } finally {
            Preparer p = preparation;
            if (p != null) {
                p.close(); // the run stopped before the cell prepared ahead
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

    private CellResult runCell(Path runDir, CellPlan cell, int index) throws IOException {
        Path cellDir = runDir.resolve("cells").resolve(cell.name());
        Files.createDirectories(cellDir);
        progress.cellStarted(index, cell.name());
        long started = System.nanoTime();
        CellResult written;
        if (scenario.search() != null && scenario.unsupported(cell.stack(), cell.transport(), cell.protocol(), cell.path(),
                cell.link()).isEmpty()) {
            written = new CapacityCell(scenario, jvmOptions, verifier, progress, this::measure, () -> interrupted)
                    .run(cell, cellDir, started);
        } else {
            // a search's steps are prepared when their value is known; other cells prepare the next one ahead
            Runnable windowOver = scenario.search() != null ? () -> { }
                    : () -> preparation.startAhead(nextCells, runDir.resolve("cells"));
            CellResultBuilder result = measure(scenario, preparation, cell, cellDir, windowOver);
            result.durationSeconds((System.nanoTime() - started) / 1e9);
            written = result.write(cellDir.resolve("summary.json"));
        }
        progress.cellFinished(CellLine.of(written));
        return written;
    }

    /**
     * Measures one cell of {@code s}: prepared by {@code prep} (ahead, or now), its load generator throttled when the
     * scenario says so, every failure turned into the result's reason.
     */
    CellResultBuilder measure(Scenario s, Preparer prep, CellPlan cell, Path cellDir, Runnable windowOver) {
        CellResultBuilder result = new CellResultBuilder(cell);
        try {
            Optional<String> unsupported = s.unsupported(cell.stack(), cell.transport(), cell.protocol(), cell.path(), cell.link());
            if (unsupported.isPresent()) {
                result.unsupported(unsupported.get());
            } else {
                CellPreparation.Prepared prepared = prep.take(cell, cellDir);
                result = prepared.result;
                if (prepared.ready) {
                    running = prepared.processes;
                    result.generatorCpuShare(s.clients().cpuShare());
                    // a ramp the server (or a busy machine) cannot follow may run each of its four legs up to 30 s
                    // past its plan before it gives up (Ramp); the memory points and the end need the 90 s
                    Duration loadBudget = s.clients().rampTime().plus(s.timing().phases())
                            .plusSeconds(90 + RAMP_LEGS * RAMP_LEG_GRACE_SECONDS);
                    try (Throttle ignored = Throttle.start(prepared.processes.loadgen.pid(), s.clients().cpuShare(),
                            dev.pushbench.runner.scenario.Clients.THROTTLE_PERIOD)) {
                        new CellMeasurement(prepared, loadBudget, progress, phaseListener, windowOver).run();
                    }
                }
            }
        } catch (ChildException e) {
            result.failed(e.getMessage());
        } catch (InterruptedException e) {
            result.failed("interrupted");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            result.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            running = null;
        }
        if (interrupted && result.status() != CellStatus.OK && result.status() != CellStatus.UNSUPPORTED) {
            // the shutdown hook ended the cell's JVMs: what failed then (a child gone, a verify cut short) is no finding
            result.interrupted("stopped by the user (Ctrl-C or SIGTERM) while the cell ran; what it had measured is incomplete"
                    + " (then: " + result.reason() + ")");
        }
        return result;
    }
}
