package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.cluster.ClusterController;
import dev.pushbench.runner.cluster.ClusterNode;
import dev.pushbench.runner.run.CellPlan;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on loopback: three {@code pushbench agent} JVMs (one serves, two generate the load) and
 * the controller in this JVM. One load agent's clock is skewed by a known amount
 * ({@code -Dpushbench.clock.skewNanos}); its estimate must find the skew and its corrected latencies
 * must match those of the agent on the server's own clock. Killing a load agent mid-cell fails that cell
 * with the agent named, the next cell runs on the one left, and no JVM of the dead agent stays behind.
 */
class ClusterEndToEndTest {
    /** load-2's host reads its clock this far ahead of the others'. */
    private static final long SKEW_NANOS = 3_000_000_000L;

    private final List<Process> agents = new ArrayList<>();

    @AfterEach
    void stopAgents() throws InterruptedException {
        for (Process p : agents) {
            p.destroy();
        }
        for (Process p : agents) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void twoLoadAgentsMergeTheirHistogramsAndOneSkewedClockIsCorrected(@TempDir Path dir) throws Exception {
        Cluster cluster = startCluster(dir, SKEW_NANOS);
        Scenario scenario = scenario(dir, "cluster-merge", 200, List.of("sse"), List.of("http1.1"), "6s");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        int exit;
        try (ClusterController controller = cluster.connect(scenario, out)) {
            exit = new ScenarioRunner(scenario, dir.resolve("results"), out, dev.pushbench.runner.cli.Verification::quick)
                    .onCluster(controller).run();
        }
        assertEquals(0, exit, "console:\n" + console);
        Path runDir = onlyRun(dir.resolve("results"));
        Path cellDir = runDir.resolve("cells/jetty-sse-http1.1");
        CellResult cell = RunFiles.summary(cellDir);
        assertEquals(CellStatus.OK, cell.status(), cell.reason());
        assertNotNull(cell.agents());
        assertEquals(2, cell.agents().size());

        long delivered = 0;
        long expected = 0;
        long latencyCount = 0;
        for (CellResult.AgentShare a : cell.agents()) {
            assertEquals(100L, a.subscribers(), "an even split of 200 subscribers");
            assertNotNull(a.loadgen().saturated(), a.agent() + "'s load generator is judged on its own");
            assertEquals(0L, a.delivery().lost(), a.agent() + " lost nothing");
            assertEquals(a.delivery().expected(), a.delivery().delivered(), a.agent() + " delivered everything it was owed");
            delivered += a.delivery().delivered();
            expected += a.delivery().expected();
            latencyCount += a.latencyMicros().count();
            assertTrue(Files.isRegularFile(cellDir.resolve("agents").resolve(a.agent()).resolve("latency.hlog")),
                    "the agent's own hlog is copied beside the merged one");
        }
        assertEquals(cell.agents().stream().anyMatch(a -> a.loadgen().saturated()), cell.loadgen().saturated(),
                "the cell's load is saturated when an agent's is, each judged on its own: " + cell.agents());
        assertEquals(expected, cell.delivery().expected(), "expected is the sum of the agents'");
        assertEquals(delivered, cell.delivery().delivered(), "delivered is the sum of the agents'");
        assertEquals(latencyCount, cell.latencyMicros().count(), "the merged latency counts every agent's events");

        CellResult.AgentShare same = share(cell, "load-1");
        CellResult.AgentShare skewed = share(cell, "load-2");
        CellResult.AgentClock c1 = same.clock();
        CellResult.AgentClock c2 = skewed.clock();
        System.out.printf("load-1 clock %s%nload-2 clock %s%nlatency p50 load-1 %.0f µs, load-2 %.0f µs, merged %.0f µs%n",
                c1, c2, same.latencyMicros().p50(), skewed.latencyMicros().p50(), cell.latencyMicros().p50());
        // the server's clock reads 0 ahead of load-1's and SKEW behind load-2's: within each estimate's error bound
        assertTrue(Math.abs(c1.offsetMicros()) <= c1.errorMicros(), "one host, one clock: " + c1);
        assertTrue(Math.abs(c2.offsetMicros() + SKEW_NANOS / 1000.0) <= c2.errorMicros(), "the injected skew is found: " + c2);
        assertTrue(c2.errorMicros() < 1_000, "on loopback the bound is well under a millisecond: " + c2);
        // corrected, the skewed agent's latencies are those of the agent on the server's clock (uncorrected they
        // would be 3 s longer): the same within the two runs' noise
        double p50Same = same.latencyMicros().p50();
        double p50Skewed = skewed.latencyMicros().p50();
        assertTrue(Math.abs(p50Skewed - p50Same) <= Math.max(2_000, 0.5 * p50Same) + c2.errorMicros(),
                "corrected p50 " + p50Skewed + " µs against the same-clock agent's " + p50Same + " µs");
        RunManifest.Cluster placement = RunFiles.run(runDir).cluster();
        assertEquals("server-1", placement.server().agent(), "run.json says where the roles ran");
        assertEquals(List.of("load-1", "load-2"), placement.load().stream().map(RunManifest.Agent::agent).toList());
        for (RunManifest.Agent agent : List.of(placement.server(), placement.load().get(0), placement.load().get(1))) {
            assertEquals(System.getProperty("java.version"), agent.jdk().version(), agent.agent() + ": its children's JDK");
            assertTrue(agent.childJvmOptions().contains("-XX:+UseG1GC"), agent.agent() + ": its children's options "
                    + agent.childJvmOptions());
        }
        assertTrue(placement.load().get(1).childJvmOptions().stream().anyMatch(o -> o.contains("skewNanos")),
                "load-2's children run with its skewed clock, and run.json says so: " + placement.load().get(1).childJvmOptions());
        assertTrue(placement.load().get(0).childJvmOptions().stream().noneMatch(o -> o.contains("skewNanos")),
                "load-1's do not: " + placement.load().get(0).childJvmOptions());
        assertEquals(0, PushbenchCli.execute("validate", runDir.toString()), "the run's files validate");
    }

    @Test
    void aKilledLoadAgentFailsItsCellTheNextRunsOnTheOtherAndNoJvmStays(@TempDir Path dir) throws Exception {
        Cluster cluster = startCluster(dir, 0);
        Process load2 = cluster.load2();
        Scenario scenario = scenario(dir, "cluster-kill", 100, List.of("sse"), List.of("http1.1", "h2c"), "6s");
        AtomicBoolean killed = new AtomicBoolean();
        List<ProcessHandle> children = new ArrayList<>();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        int exit;
        try (ClusterController controller = cluster.connect(scenario, out)) {
            exit = new ScenarioRunner(scenario, dir.resolve("results"), out, dev.pushbench.runner.cli.Verification::quick)
                    .onCluster(controller)
                    .onPhase((CellPlan cell, String phase, long serverPid) -> {
                        if (phase.equals("measure") && killed.compareAndSet(false, true)) {
                            load2.descendants().forEach(children::add);
                            load2.destroyForcibly();
                        }
                    }).run();
        }
        assertTrue(killed.get(), "load-2 was killed in the first cell's window");
        assertEquals(1, exit, "a failed cell makes the run exit 1; console:\n" + console);
        Path runDir = onlyRun(dir.resolve("results"));
        CellResult first = RunFiles.summary(runDir.resolve("cells/jetty-sse-http1.1"));
        assertEquals(CellStatus.FAILED, first.status());
        assertTrue(String.valueOf(first.reason()).contains("load-2") && first.reason().contains("left the cluster"),
                "the reason names the agent: " + first.reason());
        CellResult second = RunFiles.summary(runDir.resolve("cells/jetty-sse-h2c"));
        assertEquals(CellStatus.OK, second.status(), "the next cell ran on load-1: " + second.reason());
        assertEquals(1, second.agents().size());
        assertEquals("load-1", second.agents().get(0).agent());
        assertEquals(100L, second.agents().get(0).subscribers(), "all the subscribers on the agent left");
        assertEquals(0L, second.delivery().lost());
        assertEquals(RunManifest.COMPLETE, RunFiles.run(runDir).status());
        assertTrue(!children.isEmpty(), "load-2 had started its load generator");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), "the dead agent's JVMs ended with it: " + children);
    }

    /** Three agents on loopback ports (server-1, load-1, and load-2 with its clock skewed), joined; the controller's port. */
    private record Cluster(String members, int controllerPort, Process load2) {
        ClusterController connect(Scenario scenario, PrintStream out) throws Exception {
            return ClusterController.connect(new ClusterNode.Options("127.0.0.1", controllerPort, 0, List.of(members.split(",")),
                    "pushbench"), scenario.cluster(), out);
        }
    }

    private Cluster startCluster(Path dir, long load2SkewNanos) throws Exception {
        int[] ports = freePorts(4);
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        startAgent(dir, "server-1", ports[0], members, 0);
        startAgent(dir, "load-1", ports[1], members, 0);
        Process load2 = startAgent(dir, "load-2", ports[2], members, load2SkewNanos);
        awaitAgents(dir, "server-1", "load-1", "load-2");
        return new Cluster(members, ports[3], load2);
    }

    private static CellResult.AgentShare share(CellResult cell, String agent) {
        return cell.agents().stream().filter(a -> a.agent().equals(agent)).findFirst().orElseThrow();
    }

    private static Scenario scenario(Path dir, String name, int connections, List<String> transports, List<String> protocols,
                                     String duration) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n",
                "name: " + name,
                "matrix: {stacks: [jetty], transports: [" + String.join(", ", transports) + "], protocols: ["
                        + String.join(", ", protocols) + "]}",
                "clients: {connections: " + connections + ", rampRate: 400/s}",
                "feed: {topics: 10, rate: 20/s, payload: 64B}",
                "timing: {warmup: 1s, duration: " + duration + ", drain: 2s}",
                "cluster: {server: server-1, load: [load-1, load-2]}",
                ""));
        return ScenarioLoader.load(file, Set.of("jetty"));
    }

    private Process startAgent(Path dir, String name, int port, String members, long skewNanos) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m"));
        if (skewNanos != 0) {
            command.add("-Dpushbench.clock.skewNanos=" + skewNanos);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pushbench.runner.cli.PushbenchCli", "agent",
                "--name", name, "--port", String.valueOf(port), "--cluster", members, "--dir", dir.resolve("agents").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        agents.add(p);
        return p;
    }

    private static void awaitAgents(Path dir, String... names) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (String name : names) {
            Path log = dir.resolve(name + ".log");
            while (!(Files.exists(log) && Files.readString(log).contains("waiting for a controller"))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("agent " + name + " did not join: " + (Files.exists(log) ? Files.readString(log) : "no log"));
                }
                Thread.sleep(100);
            }
        }
    }

    private static Path onlyRun(Path results) throws IOException {
        try (Stream<Path> runs = Files.list(results)) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }
}
