package dev.pushbench.runner.run;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.cluster.AgentInfo;
import dev.pushbench.runner.cluster.AgentMerge;
import dev.pushbench.runner.cluster.ClockSync;
import dev.pushbench.runner.cluster.ClusterController;
import dev.pushbench.runner.cluster.ClusterNode.ClusterException;
import dev.pushbench.runner.cluster.LoadGroup;
import dev.pushbench.runner.cluster.RemoteChild;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.scenario.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a cell ready on a cluster: the server on the serving agent, each load agent's clock estimated
 * against it, a load generator on each load agent with its share of the subscribers (its schedule in
 * its own clock, the server's timestamps corrected by its offset), the server verified from the
 * controller, every load generator warm. The cell then runs as on one machine ({@link CellMeasurement}),
 * its load generators joined into one by a {@link LoadGroup}; when their results are in, each agent's
 * clock is estimated again (drift), its figures become {@code agents[]} and its files are copied into
 * {@code agents/<agent>/} in the cell's directory.
 *
 * <pre>
 *   Preparer p = new ClusterPreparation(scenario, controller, verifier);
 *   CellPreparation.Prepared ready = p.take(cell, cellDir);
 * </pre>
 */
final class ClusterPreparation implements Preparer {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Exchanges per carrier per clock estimate. */
    static final int CLOCK_SAMPLES = 100;

    private final Scenario scenario;
    private final ClusterController cluster;
    private final ScenarioRunner.Verifier verifier;
    private volatile String fatal;

    ClusterPreparation(Scenario scenario, ClusterController cluster, ScenarioRunner.Verifier verifier) {
        this.scenario = scenario;
        this.cluster = cluster;
        this.verifier = verifier;
    }

    /**
     * Fails up front when an agent cannot hold its role's connections: the server all of them, each load agent its
     * share (its open-file limit less {@link ScenarioRunner#FILE_MARGIN}).
     */
    static void checkLimits(Scenario scenario, ClusterController cluster) throws BadInputException {
        int connections = scenario.clients().connections();
        AgentInfo server = cluster.server();
        if (server.maxOpenFiles() > 0 && connections + ScenarioRunner.FILE_MARGIN > server.maxOpenFiles()) {
            throw new BadInputException(scenario.source() + ": clients.connections is " + connections + ", but the serving agent "
                    + server.name() + " allows " + server.maxOpenFiles() + " open files per process with about "
                    + ScenarioRunner.FILE_MARGIN + " needed besides; use at most " + (server.maxOpenFiles() - ScenarioRunner.FILE_MARGIN)
                    + " connections or raise its limit (ulimit -n before pushbench agent)");
        }
        List<AgentInfo> loads = cluster.loads();
        int[] shares = cluster.spec().split(connections, loads.size());
        for (int i = 0; i < loads.size(); i++) {
            AgentInfo a = loads.get(i);
            if (a.maxOpenFiles() > 0 && shares[i] + ScenarioRunner.FILE_MARGIN > a.maxOpenFiles()) {
                throw new BadInputException(scenario.source() + ": load agent " + a.name() + " would run " + shares[i]
                        + " subscribers, but it allows " + a.maxOpenFiles() + " open files per process; add load agents"
                        + " (cluster.load) or lower clients.connections");
            }
        }
    }

    /** Where the roles run, for {@code run.json}. */
    static RunManifest.Cluster placement(ClusterController cluster) {
        return new RunManifest.Cluster(cluster.spec().name(), agent(cluster.server()),
                cluster.loads().stream().map(ClusterPreparation::agent).toList());
    }

    private static RunManifest.Agent agent(AgentInfo a) {
        return new RunManifest.Agent(a.name(), a.host(), a.cores(), a.maxOpenFiles(), a.jdk(), a.childJvmOptions());
    }

    @Override
    public String fatal() {
        return fatal;
    }

    @Override
    public CellPreparation.Prepared take(CellPlan cell, Path cellDir) throws Exception {
        AgentInfo serverAgent = cluster.server();
        if (!cluster.isMember(serverAgent)) {
            fatal = "the serving agent " + serverAgent.name() + " left the cluster at " + cluster.leftAt(serverAgent)
                    + "; no agent is left to serve";
            throw new ChildException(fatal);
        }
        List<AgentInfo> loads = cluster.loads();
        if (loads.isEmpty()) {
            fatal = "every load agent has left the cluster; no agent is left to generate the load";
            throw new ChildException(fatal);
        }
        int connections = scenario.clients().connections();
        int[] shares = cluster.spec().split(connections, loads.size());
        for (int i = 0; i < loads.size(); i++) {
            AgentInfo a = loads.get(i);
            if (a.maxOpenFiles() > 0 && shares[i] + ScenarioRunner.FILE_MARGIN > a.maxOpenFiles()) {
                fatal = "load agent " + a.name() + " would run " + shares[i] + " subscribers (" + loads.size() + " of "
                        + cluster.loadAgentsWanted() + " load agents left), more than its open-file limit of " + a.maxOpenFiles();
                throw new ChildException(fatal);
            }
        }
        ServerConfig serverConfig = scenario.serverConfig(cell.transport(), cell.serverProtocol(), serverAgent.host())
                .withSseProxyHints(cell.sseProxyHints());
        FeedSpec feed = scenario.feed();
        Files.createDirectories(cellDir);
        Path serverJson = cellDir.resolve("server.json");
        JsonFiles.write(serverJson, ChildSpecs.ServeFile.of(cell.stack(), serverConfig, feed));
        RemoteChild server = cluster.start(serverAgent, "server", cell.name(), Files.readString(serverJson));
        List<RemoteChild> started = new ArrayList<>();
        boolean ok = false;
        CellProcesses processes = null;
        try {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, START_TIMEOUT, ignored -> { });
            String certificatePem = cell.serverProtocol().isTls() ? listening.certificatePem() : null;
            Map<String, ClockSync.Estimate[]> before = new LinkedHashMap<>();
            long beforeNanos = System.nanoTime();
            for (AgentInfo a : loads) {
                before.put(a.name(), cluster.sync(a, serverAgent, CLOCK_SAMPLES));
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < loads.size(); i++) {
                AgentInfo a = loads.get(i);
                names.add(a.name());
                long offset = best(before.get(a.name())).offsetNanos();
                // the schedule in the agent's own clock; the server's timestamps are moved by the offset as they arrive
                Schedule schedule = new Schedule(listening.t0Nanos() - offset, feed.topics(), feed.ratePerSecond());
                LoadSpec load = loadSpec(cell, serverConfig, serverAgent.host(), listening.port(), certificatePem, schedule)
                        .share(shares[i], scenario.clients().rampPerSecond() * shares[i] / connections)
                        .onAgent(offset, Path.of("latency.hlog"));
                Path agentDir = Files.createDirectories(cellDir.resolve("agents").resolve(a.name()));
                Path loadJson = agentDir.resolve("load.json");
                JsonFiles.write(loadJson, ChildSpecs.LoadFile.of(load));
                started.add(cluster.start(a, "loadgen", cell.name(), Files.readString(loadJson)));
            }
            CellResultBuilder result = new CellResultBuilder(cell);
            result.feedRate(feed.ratePerSecond());
            result.serverDescription(listening.description());
            AgentMerge merge = new AgentMerge(names, cellDir.resolve("latency.hlog"));
            LoadGroup group = new LoadGroup(started, merge,
                    byAgent -> finish(byAgent, started, shares, before, beforeNanos, merge, server, cellDir, result));
            processes = new CellProcesses(server, group);
            CellPreparation.Prepared prepared = new CellPreparation.Prepared(cell, cellDir, processes, result);
            List<String> failures = verifier.verify(cell.stack(), serverAgent.host(), listening.port(), cell.serverProtocol(),
                    cell.transport(), feed, certificatePem);
            result.verify(failures);
            if (!failures.isEmpty()) {
                result.failed("verify failed: " + String.join("; ", failures));
                return prepared;
            }
            group.await(ControlMessage.Ready.class, START_TIMEOUT, ignored -> { });
            prepared.ready = true;
            ok = true;
            return prepared;
        } catch (ClusterException e) {
            throw new ChildException(e.getMessage());
        } finally {
            if (!ok) {
                server.close();
                for (RemoteChild c : started) {
                    c.close();
                }
            }
        }
    }

    private static ClockSync.Estimate best(ClockSync.Estimate[] busAndTcp) {
        return ClockSync.best(busAndTcp[0], busAndTcp[1]);
    }

    /**
     * Every agent's result is in: its clock again (drift), its share of the figures, its files copied; a streamed
     * histogram that does not add up to the agent's own totals fails the cell.
     */
    private void finish(Map<String, LoadResult> byAgent, List<RemoteChild> members, int[] shares,
                        Map<String, ClockSync.Estimate[]> before, long beforeNanos, AgentMerge merge, RemoteChild server,
                        Path cellDir, CellResultBuilder result) throws ChildException, InterruptedException {
        List<String> problems = merge.problems(byAgent);
        if (!problems.isEmpty()) {
            throw new ChildException("the load agents' streamed histograms do not add up: " + String.join("; ", problems));
        }
        List<CellResult.AgentShare> agents = new ArrayList<>();
        double seconds = (System.nanoTime() - beforeNanos) / 1e9;
        for (int i = 0; i < members.size(); i++) {
            RemoteChild member = members.get(i);
            AgentInfo a = member.agent();
            LoadResult own = byAgent.get(a.name());
            ClockSync.Estimate[] after;
            try {
                after = cluster.sync(a, cluster.server(), CLOCK_SAMPLES);
            } catch (ClusterException e) {
                throw new ChildException("agent " + a.name() + " did not estimate its clock after the window: " + e.getMessage());
            }
            Double p50 = own.latencyMicros() == null ? null : own.latencyMicros().p50();
            ClockSync.Estimate[] b = before.get(a.name());
            CellResult.AgentClock clock = ClockSync.clock(best(b), best(after), seconds, b[0], 4 * CLOCK_SAMPLES, p50);
            agents.add(merge.share(a.name(), a.host(), shares[i], own, clock));
            copy(member, "loadgen.log", cellDir.resolve("agents").resolve(a.name()));
            copy(member, "latency.hlog", cellDir.resolve("agents").resolve(a.name()));
        }
        copy(server, "server.log", cellDir);
        List<LoadResult> loads = new ArrayList<>();
        for (RemoteChild member : members) {
            loads.add(byAgent.get(member.agent().name()));
        }
        result.agents(agents, loads, cluster.server().host());
    }

    /** One of a child's files from its agent into {@code dir}; a failure to fetch is written in its place. */
    private void copy(RemoteChild child, String name, Path dir) throws InterruptedException {
        try {
            String content = cluster.fetch(child, name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), content == null ? "" : content, StandardCharsets.UTF_8);
        } catch (ClusterException | java.io.IOException e) {
            try {
                Files.writeString(dir.resolve(name), "pushbench: could not copy " + name + " from agent " + child.agent().name()
                        + ": " + e.getMessage() + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (java.io.IOException ignored) {
                // the cell's directory is not writable: its summary says more
            }
        }
    }

    private LoadSpec loadSpec(CellPlan cell, ServerConfig server, String host, int port, String certificatePem, Schedule schedule) {
        return new LoadSpec(host, port, cell.protocol(), cell.transport(),
                scenario.clients().connections(), scenario.clients().rampPerSecond(),
                scenario.clients().eventsPerConnection(), schedule,
                scenario.timing().warmup(), scenario.timing().duration(), scenario.timing().drain(),
                scenario.transports().shortPollInterval(), server.longPollHold(), server.heartbeatInterval(),
                server.sseRetry(), Path.of("latency.hlog"), certificatePem, scenario.clients().engine(),
                List.of(), Duration.ZERO, false,
                new ReconnectPolicy(scenario.recovery().reconnectInitial(), scenario.recovery().reconnectMax(),
                        scenario.recovery().reconnectJitter()),
                scenario.recovery().deadAfter(server.heartbeatInterval()), null, true);
    }

    @Override
    public void startAhead(List<CellPlan> nextCells, Path cellsDir) {
        // the agents' JVMs start when their cell's values (the server's port, the clocks) are known
    }

    @Override
    public void kill() {
    }

    @Override
    public void close() {
    }
}
