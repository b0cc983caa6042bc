package dev.pushbench.runner.run;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.proxy.ProxyProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Gathers one cell's {@link CellResult} ({@code summary.json}) from what the runner, the server and
 * the load generator reported, as the cell goes, and completes the cost ledger from both sides when
 * it is written. A cell is {@code failed} ("did not finish") until it is told otherwise.
 *
 * <pre>
 *   CellResultBuilder cell = new CellResultBuilder(plan);
 *   cell.clock(...); cell.verify(failures); cell.serverIdle(idle); cell.load(loadResult); cell.ok();
 *   CellResult written = cell.write(cellDir.resolve("summary.json"));
 * </pre>
 */
final class CellResultBuilder {
    private final CellPlan plan;
    private final String startedAt = Instant.now().toString();
    private CellStatus status = CellStatus.FAILED;
    private String reason = "did not finish";
    private CellResult.Clock clock;
    private CellResult.Verify verify;
    private String serverDescription;
    private ProcessSnapshot serverIdle;
    private ProcessSnapshot serverMeasureStart;
    private ProcessSnapshot serverMeasureEnd;
    private ControlMessage.Stats serverEnd;
    private final MemorySweep memory;
    private LoadResult load;
    private String finishedAt;
    private Double durationSeconds;
    /** One topic's interval between events, for the publisher-lag part of the saturation rule. */
    private Double eventIntervalMicros;
    private CellResult.PathInfo pathInfo;
    /** The proxy's processes, read like the server's; empty on a direct path. */
    final PathProcess proxy = new PathProcess();
    /** The link relay's process; empty without a relay. */
    final PathProcess relay = new PathProcess();
    private CellResult.Link link;
    private final List<CellResult.Fault> faults = new java.util.ArrayList<>();
    private boolean serverRestarted;
    private Long reconnectPeakPerSecond;
    private Long lostInOutage;

    CellResultBuilder(CellPlan plan) {
        this.plan = plan;
        this.memory = new MemorySweep(plan.transport());
    }

    void feedRate(double eventsPerSecondPerTopic) {
        eventIntervalMicros = eventsPerSecondPerTopic > 0 ? 1e6 / eventsPerSecondPerTopic : null;
    }

    void unsupported(String why) {
        status = CellStatus.UNSUPPORTED;
        reason = why;
    }

    void failed(String why) {
        status = CellStatus.FAILED;
        reason = why;
    }

    /** The user stopped the run (Ctrl-C, SIGTERM) while this cell ran: whatever failed then is not the stack's doing. */
    void interrupted(String why) {
        status = CellStatus.INTERRUPTED;
        reason = why;
    }

    void ok() {
        status = CellStatus.OK;
        reason = null;
    }

    CellStatus status() {
        return status;
    }

    String reason() {
        return reason;
    }

    void clock(CellResult.Clock check) {
        clock = check;
    }

    void verify(List<String> failures) {
        verify = new CellResult.Verify(failures.isEmpty(), List.copyOf(failures));
    }

    /** The proxy the cell runs through, as configured and started. */
    void path(CellResult.PathInfo info) {
        pathInfo = info;
    }

    /** The emulated link the cell's connections crossed. */
    void link(CellResult.Link crossed) {
        link = crossed;
    }

    /** A fault applied, in order. */
    synchronized void fault(CellResult.Fault applied) {
        faults.add(applied);
    }

    /** The server was stopped and started again during the window: its CPU over it spans two processes, not reported. */
    void serverRestarted() {
        serverRestarted = true;
    }

    /** The server's side of resilience: the most new subscriptions in a second after the ramp, events never published. */
    void serverResilience(Long peakPerSecond, Long outageLoss) {
        reconnectPeakPerSecond = peakPerSecond;
        lostInOutage = outageLoss;
    }

    void serverDescription(String description) {
        serverDescription = description;
    }

    /** The server read after GC before the ramp. */
    void serverIdle(ProcessSnapshot idle) {
        serverIdle = idle;
    }

    void serverMeasureStart(ProcessSnapshot reading) {
        serverMeasureStart = reading;
    }

    void serverMeasureEnd(ProcessSnapshot reading) {
        serverMeasureEnd = reading;
    }

    void serverEnd(ControlMessage.Stats stats) {
        serverEnd = stats;
    }

    /** The cell's memory points, read while ramping and after its window. */
    MemorySweep memory() {
        return memory;
    }

    /** The server read after GC before the ramp (the memory sweep's baseline too). */
    ProcessSnapshot serverIdle() {
        return serverIdle;
    }

    /** A cluster's cell: each load agent's share and its own result (the load result is their merge), the server's host. */
    private volatile List<CellResult.AgentShare> agents;
    private volatile List<LoadResult> agentLoads;
    private volatile String serverHost;

    void agents(List<CellResult.AgentShare> shares, List<LoadResult> loads, String server) {
        agents = List.copyOf(shares);
        agentLoads = List.copyOf(loads);
        serverHost = server;
    }

    /** The load generator's result: connections, delivery, latency, polling, window, its health and its side of the costs. */
    void load(LoadResult result) {
        load = result;
    }

    /**
     * A cell whose subscribers did not all connect, or that was owed no event at all, measured
     * something else than the scenario asked for: it is failed, with its figures kept for diagnosis.
     */
    void checkValidity() {
        CellResult.Connections c = load == null ? null : load.connections();
        CellResult.Delivery d = load == null ? null : load.delivery();
        if (c == null || d == null) {
            failed("the load generator reported no connection or delivery figures");
            return;
        }
        if (c.connected() < c.target()) {
            String error = load.loadgen() == null ? null : load.loadgen().lastError();
            failed("only " + c.connected() + " of " + c.target() + " subscribers were live by the end of the ramp ("
                    + c.connectFailures() + " connect failures" + (error == null ? "" : "; last: " + error) + ")"
                    + (c.connectFailures() == 0 ? heldNote(pathInfo) : "")
                    + openFilesNote(memory.points(), dev.pushbench.core.ProcessStats.maxOpenFiles()));
            return;
        }
        if (d.expected() == 0) {
            failed("no event was owed to any subscriber in the measured window: the feed rate or the duration is too low to measure");
        }
    }

    /**
     * "; the server held 19990 open files at a memory point, its limit is 20000 (ulimit -n): …" when a side
     * came within {@link #OPEN_FILES_NEAR_LIMIT} of the per-process limit: a socket it could not open or
     * accept is why subscribers are missing. Empty otherwise, or when the limit is not known.
     */
    static String openFilesNote(List<CellResult.MemoryPoint> points, long maxOpenFiles) {
        if (maxOpenFiles <= 0) {
            return "";
        }
        long server = 0;
        long loadgen = 0;
        for (CellResult.MemoryPoint p : points) {
            server = Math.max(server, p.server() == null || p.server().openFiles() == null ? 0 : p.server().openFiles());
            loadgen = Math.max(loadgen, p.loadgen() == null || p.loadgen().openFiles() == null ? 0 : p.loadgen().openFiles());
        }
        String side = server >= loadgen ? "server" : "load generator";
        long most = Math.max(server, loadgen);
        if (most < maxOpenFiles - OPEN_FILES_NEAR_LIMIT) {
            return "";
        }
        return "; the " + side + " held " + most + " open files at a memory point, its limit is " + maxOpenFiles
                + " (ulimit -n): lower clients.connections or raise the limit";
    }

    /**
     * Why subscriptions that connected without a failure may never have gone live: their stream's start (SSE's
     * first lines) or first answer never reached the client, held on the way; through a proxy, it is named.
     */
    static String heldNote(CellResult.PathInfo path) {
        return "; the others' connections were open, but no stream start or answer came back within the ramp's timeout"
                + (path == null ? "" : ": " + path.proxy() + " (" + path.profile() + ") held it (its buffering? see proxy.log)");
    }

    /** Open files this close to the limit mean a socket may have been refused (the JVM holds some of its own). */
    static final long OPEN_FILES_NEAR_LIMIT = 16;

    void durationSeconds(double seconds) {
        finishedAt = Instant.now().toString();
        durationSeconds = Math.round(seconds * 10) / 10.0;
    }

    /** Writes {@code summary.json} and returns what it wrote. */
    CellResult write(Path file) {
        CellResult result = build();
        JsonFiles.write(file, result);
        return result;
    }

    CellResult build() {
        LoadResult l = load;
        CellResult.Cell cell = new CellResult.Cell(plan.stack(), plan.transport().id(), plan.protocol().id(), plan.path().id(),
                plan.transport() == dev.pushbench.core.Transport.SSE ? plan.sseProxyHints() : null, plan.link().id());
        CellResult.Resilience resilience = l == null ? null : l.resilience();
        if (resilience != null && (reconnectPeakPerSecond != null || lostInOutage != null)) {
            resilience = resilience.withServer(reconnectPeakPerSecond, lostInOutage);
        }
        List<CellResult.Fault> applied;
        synchronized (this) {
            applied = faults.isEmpty() ? null : List.copyOf(faults);
        }
        CellResult.Costs costs = status == CellStatus.OK || l != null ? costs() : null;
        List<CellResult.MemoryPoint> points = memory.points().isEmpty() ? null : memory.points();
        CellResult result = new CellResult(cell, plan.name(), plan.repeat(), status, reason, startedAt, clock, verify,
                l == null ? null : l.connections(), l == null ? null : l.delivery(),
                l == null ? null : l.latencyMicros(), l == null ? null : l.latencyActualMicros(),
                l == null ? null : l.connectMicros(), l == null ? null : l.tcpConnectMicros(),
                l == null ? null : l.connectCallMicros(),
                l == null ? null : l.tlsHandshakeMicros(), l == null ? null : l.pollMicros(),
                l == null ? null : l.polling(), l == null ? null : l.window(), loadgen(),
                finishedAt, durationSeconds, costs, points, server(), pathInfo, resilience, link, applied, upstream());
        List<CellResult.AgentShare> shares = agentsJudged();
        return shares == null ? result : result.withAgents(shares);
    }

    /** A cluster's load agents, each judged on its own; null on one machine. */
    private List<CellResult.AgentShare> agentsJudged() {
        List<CellResult.AgentShare> shares = agents;
        List<LoadResult> loads = agentLoads;
        return shares == null || loads == null ? shares
                : generators().agents(shares, loads, serverHost, serverCpuPercent());
    }

    private GeneratorJudgement generators() {
        return new GeneratorJudgement(eventIntervalMicros, generatorCpuShare);
    }

    /**
     * Two-way cells: the load generator's upstream figures with the server's CPU in the window per message published
     * and per message delivered beside them; null for a one-way cell.
     */
    private CellResult.Upstream upstream() {
        CellResult.Upstream up = load == null ? null : load.upstream();
        if (up == null) {
            return null;
        }
        Long cpuNanos = serverWindowCpuNanos();
        Long delivered = load.delivery() == null ? null : load.delivery().delivered();
        return up.withServerCpu(perMessageMicros(cpuNanos, up.published()), perMessageMicros(cpuNanos, delivered));
    }

    /** CPU micros per message, to thousandths; null without the CPU or a message. */
    static Double perMessageMicros(Long cpuNanos, Long messages) {
        return cpuNanos == null || messages == null || messages <= 0 ? null : round3(cpuNanos / 1000.0 / messages);
    }

    /** The server's CPU over the measured window; null without both readings, or when a restart split it over two JVMs. */
    private Long serverWindowCpuNanos() {
        if (serverRestarted || serverMeasureStart == null || serverMeasureEnd == null || serverMeasureStart.cpuNanos() == null
                || serverMeasureEnd.cpuNanos() == null) {
            return null;
        }
        return serverMeasureEnd.cpuNanos() - serverMeasureStart.cpuNanos();
    }

    /** The share of the time the runner let the load generator run ({@code clients.cpuShare}); 1: unthrottled. */
    private double generatorCpuShare = 1;

    void generatorCpuShare(double share) {
        this.generatorCpuShare = share;
    }

    /**
     * The load generator's health, with the server's CPU beside it and the runner's judgement of saturation. A
     * cluster's cell is judged per load agent ({@link #agentsJudged}): its load is saturated when an agent's is.
     */
    private CellResult.Loadgen loadgen() {
        if (load == null || load.loadgen() == null) {
            return null;
        }
        Double serverPercent = serverCpuPercent();
        // the machine's CPU for the saturation rule: a proxy or a relay on the same cores competes like the server
        Double othersPercent = serverPercent;
        for (Double pathPercent : java.util.Arrays.asList(proxy.cpuPercent(), relay.cpuPercent())) {
            if (othersPercent != null && pathPercent != null) {
                othersPercent = othersPercent + pathPercent;
            }
        }
        CellResult.Loadgen merged = generators().judged(load, serverPercent, othersPercent);
        List<CellResult.AgentShare> judgedAgents = agentsJudged();
        if (judgedAgents == null || merged.cpuPercent() == null) {
            return merged;
        }
        List<String> because = new java.util.ArrayList<>();
        for (CellResult.AgentShare a : judgedAgents) {
            if (a.loadgen() != null && Boolean.TRUE.equals(a.loadgen().saturated())) {
                because.add(a.agent() + ": " + a.loadgen().saturatedBecause());
            }
        }
        return merged.withMachine(merged.serverCpuPercent(), null, !because.isEmpty(),
                because.isEmpty() ? null : String.join("; ", because));
    }

    /** The server's CPU over the measured window, 100 per core; null without both readings. */
    private Double serverCpuPercent() {
        Long cpuNanos = serverWindowCpuNanos();
        double wall = cpuNanos == null ? 0 : serverMeasureEnd.nanoTime() - serverMeasureStart.nanoTime();
        return wall <= 0 ? null : 100.0 * cpuNanos / wall;
    }

    /**
     * The cost ledger: CPU per delivered message for each process over the measured window, memory
     * per connection from the {@link MemorySweep}, and the wire and polling figures the load
     * generator counted at its sockets.
     */
    private CellResult.Costs costs() {
        Long delivered = load == null || load.delivery() == null ? null : load.delivery().delivered();
        Double serverCpu = perMessageMicros(serverWindowCpuNanos(), delivered);
        CellResult.Costs loadCosts = load == null ? null : load.costs();
        Double loadgenCpu = loadCosts == null || loadCosts.loadgen() == null ? null : loadCosts.loadgen().cpuMicrosPerMessage();
        MemorySweep.Figures m = memory.figures(serverIdle, load == null ? null : load.idle());
        return new CellResult.Costs(withCpu(m.server(), serverCpu), withCpu(m.loadgen(), loadgenCpu),
                loadCosts == null ? null : loadCosts.wire(), loadCosts == null ? null : loadCosts.polling(),
                null).withProxy(proxy.costs(delivered, connected())).withRelay(relay.costs(delivered, connected()));
    }

    private Long connected() {
        return load == null || load.connections() == null ? null : load.connections().connected();
    }

    private static CellResult.ProcessCosts withCpu(CellResult.ProcessCosts memory, Double cpuMicrosPerMessage) {
        return memory.withCpu(cpuMicrosPerMessage);
    }

    private CellResult.Server server() {
        CellResult.ServerReadings readings = serverIdle == null && serverMeasureStart == null && serverMeasureEnd == null
                && serverEnd == null ? null
                : new CellResult.ServerReadings(serverIdle, serverMeasureStart, serverMeasureEnd,
                        serverEnd == null ? null : serverEnd.process());
        if (serverDescription == null && readings == null && serverEnd == null) {
            return null;
        }
        ControlMessage.Stats end = serverEnd;
        return new CellResult.Server(serverDescription, end == null ? null : end.published(),
                end == null ? null : end.publisherLagMicros(), end == null ? null : end.counters(),
                end == null ? null : end.listenerFailures(), readings);
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
