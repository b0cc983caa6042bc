package dev.pushbench.runner.run;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.relay.LinkShape;
import dev.pushbench.relay.RelayConfig;
import dev.pushbench.runner.link.RelayProcess;
import dev.pushbench.runner.proxy.ProxyConfig;
import dev.pushbench.runner.proxy.ProxyConfigs;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.proxy.ProxySetup;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.scenario.NetworkLink;
import dev.pushbench.runner.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Makes cells ready to ramp: starts a cell's two JVMs, checks the server shares the runner's clock,
 * verifies it, and lets the load generator warm its client up meanwhile. The next measured cell is
 * prepared ahead, on its own thread, while the current one takes its memory points.
 *
 * <pre>
 *   CellPreparation preparation = new CellPreparation(scenario, jvmOptions, verifier);
 *   Prepared p = preparation.take(cell, cellDir);          // prepared ahead, or now
 *   preparation.startAhead(nextCells, cellsDir);            // once this cell's window is over
 * </pre>
 *
 * <p>Never during a measured window: the JVM starts, the verify and the warm-up cost CPU that would
 * disturb it. Starting two JVMs and a server (and its certificate for TLS), verifying it and warming
 * the client up take two seconds or more, which the current cell's memory points hide: memory after
 * GC is not disturbed by another process's CPU use. The next cell's ramp, its first measured moment,
 * still waits for the current cell to end.
 */
final class CellPreparation implements Preparer {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Scenario scenario;
    private final List<String> jvmOptions;
    private final ScenarioRunner.Verifier verifier;
    /** The next cell, being prepared ahead; null when none is. */
    private volatile Ahead ahead;
    private volatile boolean stopped;
    /** The load generators' memory sweep ({@link LoadSpec#memorySweep()}): off for a capacity search's steps. */
    private final boolean memorySweep;

    CellPreparation(Scenario scenario, List<String> jvmOptions, ScenarioRunner.Verifier verifier) {
        this(scenario, jvmOptions, verifier, true);
    }

    CellPreparation(Scenario scenario, List<String> jvmOptions, ScenarioRunner.Verifier verifier, boolean memorySweep) {
        this.scenario = scenario;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.verifier = verifier;
        this.memorySweep = memorySweep;
    }

    /**
     * A cell made ready to ramp: its two JVMs up, the same-clock check and the quick verify done,
     * the load generator's client warm. {@code ready} is false when a check failed; the result says
     * which, and the JVMs are closed.
     */
    static final class Prepared {
        final CellPlan cell;
        final Path cellDir;
        final CellResultBuilder result;
        final CellProcesses processes;
        /** The faults to apply in its window; null when the scenario has none. */
        FaultInjector faults;
        boolean ready;

        Prepared(CellPlan cell, Path cellDir, CellProcesses processes) {
            this(cell, cellDir, processes, new CellResultBuilder(cell));
        }

        Prepared(CellPlan cell, Path cellDir, CellProcesses processes, CellResultBuilder result) {
            this.cell = cell;
            this.cellDir = cellDir;
            this.result = result;
            this.processes = processes;
        }
    }

    /** A cell being prepared ahead, on its own thread. */
    private static final class Ahead {
        final CellPlan cell;
        final CompletableFuture<Prepared> prepared = new CompletableFuture<>();
        volatile CellProcesses processes;

        Ahead(CellPlan cell) {
            this.cell = cell;
        }
    }

    /** The cell prepared ahead for it, if there is one, else prepared now. */
    @Override
    public Prepared take(CellPlan cell, Path cellDir) throws Exception {
        Ahead a = ahead;
        ahead = null;
        if (a != null && a.cell.equals(cell)) {
            try {
                return a.prepared.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception) {
                    throw (Exception) e.getCause();
                }
                throw e;
            }
        }
        if (a != null) {
            close(a);
        }
        return prepare(cell, cellDir, processes -> { });
    }

    /** Starts preparing the first measured cell of {@code nextCells}, unless one is being prepared already. */
    @Override
    public void startAhead(List<CellPlan> nextCells, Path cellsDir) {
        if (ahead != null || stopped) {
            return;
        }
        for (CellPlan next : nextCells) {
            if (scenario.unsupported(next.stack(), next.transport(), next.protocol(), next.path(), next.link()).isEmpty()) {
                Ahead a = new Ahead(next);
                ahead = a;
                Thread t = new Thread(() -> {
                    try {
                        a.prepared.complete(prepare(next, cellsDir.resolve(next.name()), processes -> a.processes = processes));
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

    /** Ends the JVMs of a cell being prepared ahead at once (Ctrl-C); prepares no more. */
    @Override
    public void kill() {
        stopped = true;
        Ahead a = ahead;
        CellProcesses p = a == null ? null : a.processes;
        if (p != null) {
            p.kill();
        }
    }

    /** Closes the JVMs of a cell prepared ahead that will not run (the run stopped before it). */
    @Override
    public void close() {
        stopped = true;
        Ahead a = ahead;
        ahead = null;
        if (a != null) {
            close(a);
        }
    }

    private static void close(Ahead a) {
        CellProcesses p = a.processes;
        if (p != null) {
            p.close();
        }
    }

    private Prepared prepare(CellPlan cell, Path cellDir, Consumer<CellProcesses> started) throws Exception {
        ServerConfig serverConfig = scenario.serverConfig(cell.transport(), cell.serverProtocol(), ScenarioRunner.HOST)
                .withSseProxyHints(cell.sseProxyHints());
        FeedSpec feed = scenario.feed();
        Files.createDirectories(cellDir);
        Path serverJson = cellDir.resolve("server.json");
        JsonFiles.write(serverJson, ChildSpecs.ServeFile.of(cell.stack(), serverConfig, feed));
        CellProcesses processes = CellProcesses.start(jvmOptions, serverJson, cellDir);
        started.accept(processes);
        Prepared prepared = new Prepared(cell, cellDir, processes);
        prepared.result.feedRate(scenario.feed().ratePerSecond());
        CellResultBuilder result = prepared.result;
        boolean ok = false;
        try {
            Child server = processes.server();
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, START_TIMEOUT, ignored -> { });
            String certificatePem = certificatePem(listening, cell.serverProtocol());
            result.serverDescription(listening.description());
            Entry entry = cell.path().proxied()
                    ? startProxy(cell, cellDir, serverConfig, listening.port(), processes, result)
                    : new Entry(listening.port(), certificatePem, Duration.ZERO);
            if (cell.link().relayed() || scenario.recovery().needsRelay()) {
                entry = startRelay(cell, cellDir, entry, processes, result);
            }

            CellResult.Clock clock = ClockCheck.ofServer(server, CellMeasurement.ASK_TIMEOUT);
            result.clock(clock);
            if (!clock.ok()) {
                result.failed("clock check failed: the server's System.nanoTime() " + clock.serverNanos()
                        + " is not between the runner's " + clock.runnerBeforeNanos() + " and " + clock.runnerAfterNanos());
                return prepared;
            }

            // the load generator warms its client up (throw-away subscriptions) while the server is verified
            Schedule schedule = new Schedule(listening.t0Nanos(), feed.topics(), feed.ratePerSecond());
            LoadSpec load = loadSpec(cell, serverConfig, entry, schedule, cellDir);
            if (!scenario.recovery().faults().isEmpty()) {
                prepared.faults = new FaultInjector(scenario.recovery().faults(), scenario.timing().duration(), processes,
                        restarter(cell, cellDir, serverConfig.withPort(listening.port()), listening.t0Nanos()), result,
                        schedule, scenario.clients().connections());
            }
            Path loadJson = cellDir.resolve("load.json");
            JsonFiles.write(loadJson, ChildSpecs.LoadFile.of(load));
            processes.loadgen.send(new ControlMessage.Go(loadJson.toString()));
            // the server's conformance, straight to it: what a proxy does to the transport is measured, not verified
            List<String> failures = verifier.verify(cell.stack(), ScenarioRunner.HOST, listening.port(), cell.serverProtocol(),
                    cell.transport(), feed, certificatePem);
            result.verify(failures);
            if (!failures.isEmpty()) {
                result.failed("verify failed: " + String.join("; ", failures));
                return prepared;
            }
            processes.loadgen.await(ControlMessage.Ready.class, START_TIMEOUT, ignored -> { });
            prepared.ready = true;
            ok = true;
            return prepared;
        } finally {
            if (!ok) {
                processes.close();
            }
        }
    }

    /** The certificate the server made at start, for a TLS cell; null for cleartext. */
    private static String certificatePem(ControlMessage.Listening listening, Protocol protocol) throws ChildException {
        if (protocol.isTls() && listening.certificatePem() == null) {
            throw new ChildException("the server's listening message has no certificatePem for TLS protocol " + protocol);
        }
        return protocol.isTls() ? listening.certificatePem() : null;
    }

    /** Where the load generator connects: the server, or the proxy in front of it, and the certificate it trusts there. */
    private record Entry(int port, String certificatePem, Duration idleTimeout) {
    }

    /**
     * Starts the cell's proxy in front of the server (its configuration written into the cell's directory) and
     * records what it is; it is ended with the cell's JVMs.
     */
    private Entry startProxy(CellPlan cell, Path cellDir, ServerConfig serverConfig, int serverPort, CellProcesses processes,
                             CellResultBuilder result) throws java.io.IOException {
        ProxySetup setup = new ProxySetup(cell.path().proxy(), cell.path().profile(), cell.protocol(), cell.transport(),
                ScenarioRunner.HOST, freePort(), serverPort, serverConfig.heartbeatInterval(), serverConfig.longPollHold(),
                scenario.clients().connections(), cellDir);
        ProxyConfig config = ProxyConfigs.write(setup);
        ProxyProcess proxy = ProxyProcess.start(setup, config, START_TIMEOUT);
        processes.proxy(proxy);
        result.path(new CellResult.PathInfo(setup.kind().id(), setup.profile().id(), proxy.version(),
                config.file().getFileName().toString(), cell.protocol().id(), config.upstreamProtocol(),
                config.idleTimeout().toMillis()));
        return new Entry(setup.listenPort(), config.certificatePem(), config.idleTimeout());
    }

    /**
     * Starts the cell's link relay in front of the server or its proxy ({@code relay.json} written into the cell's
     * directory) and records the link; the load generator connects to the relay from then on.
     */
    private Entry startRelay(CellPlan cell, Path cellDir, Entry target, CellProcesses processes, CellResultBuilder result)
            throws java.io.IOException, ChildException, InterruptedException {
        NetworkLink link = cell.link().relayed() ? cell.link() : NetworkLink.LOOPBACK;
        RelayConfig config = new RelayConfig(ScenarioRunner.HOST, 0, ScenarioRunner.HOST, target.port(),
                new LinkShape(link.rtt().toNanos(), link.jitter().toNanos(), link.downBitsPerSecond(), link.upBitsPerSecond(),
                        link.stallEvery().toNanos(), link.stallFor().toNanos(), link.mtu()),
                cell.name().hashCode());
        Path relayJson = cellDir.resolve("relay.json");
        JsonFiles.write(relayJson, config);
        RelayProcess relay = RelayProcess.start(jvmOptions, relayJson, cellDir, START_TIMEOUT);
        processes.relay(relay);
        result.link(link.toResult());
        return new Entry(relay.port(), target.certificatePem(), target.idleTimeout());
    }

    /**
     * How a restart fault brings the server back: a new {@code pushbench serve} on the same port with the same
     * t0 ({@code server-2.json}, {@code server-2.log}, … beside the first), listening within the start timeout.
     */
    private FaultInjector.Restarter restarter(CellPlan cell, Path cellDir, ServerConfig config, long t0Nanos) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger(1);
        return () -> {
            int n = count.incrementAndGet();
            Path json = cellDir.resolve("server-" + n + ".json");
            JsonFiles.write(json, ChildSpecs.ServeFile.of(cell.stack(), config, scenario.feed()).withT0(t0Nanos));
            ChildProcess server = ChildProcess.start("server", jvmOptions, List.of("serve", "--config", json.toString()),
                    cellDir.resolve("server-" + n + ".log"));
            try {
                server.await(ControlMessage.Listening.class, START_TIMEOUT, ignored -> { });
                return server;
            } catch (ChildException | InterruptedException | RuntimeException e) {
                server.kill();
                throw e;
            }
        };
    }

    /** A port free on the loopback now, for the proxy to listen on (it binds it a moment later). */
    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, ScenarioRunner.serverAddress())) {
            return socket.getLocalPort();
        }
    }

    private LoadSpec loadSpec(CellPlan cell, ServerConfig server, Entry entry, Schedule schedule, Path cellDir) {
        return new LoadSpec(ScenarioRunner.HOST, entry.port(), cell.protocol(), cell.transport(),
                scenario.clients().connections(), scenario.clients().rampPerSecond(),
                scenario.clients().eventsPerConnection(), schedule,
                scenario.timing().warmup(), scenario.timing().duration(), scenario.timing().drain(),
                scenario.transports().shortPollInterval(), server.longPollHold(), server.heartbeatInterval(),
                server.sseRetry(), cellDir.resolve("latency.hlog"), entry.certificatePem(), scenario.clients().engine(),
                scenario.clients().sourceAddressesFor(ScenarioRunner.serverAddress()), entry.idleTimeout(), cell.path().proxied(),
                new ReconnectPolicy(scenario.recovery().reconnectInitial(), scenario.recovery().reconnectMax(),
                        scenario.recovery().reconnectJitter()),
                scenario.recovery().deadAfter(server.heartbeatInterval()), scenario.publish(), memorySweep);
    }
}
