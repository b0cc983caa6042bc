package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (here SIGTERM, which runs the same shutdown path) in the middle of a run leaves a valid
 * partial run: finished cells intact, the current one failed with a reason, run.json marked
 * interrupted, a report, and no child process left behind.
 */
class InterruptTest {

    @Test
    void anInterruptedRunKeepsWhatItMeasured(@TempDir Path dir) throws Exception {
        interrupt(dir, "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1, h2c]}", "jetty-sse-http1.1",
                "jetty-sse-h2c");
    }

    /** Through proxies, the proxy of the cell stopped is a child of the runner too, and ends with it. */
    @Test
    void anInterruptedRunThroughAProxyLeavesNoProxyBehind(@TempDir Path dir) throws Exception {
        dev.pushbench.runner.proxy.Installed.assume(dev.pushbench.runner.proxy.ProxyKind.NGINX);
        dev.pushbench.runner.proxy.Installed.assume(dev.pushbench.runner.proxy.ProxyKind.HAPROXY);
        List<ProcessHandle> children = interrupt(dir, "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1]}\n"
                + "path: {proxy: [nginx, haproxy], profile: push}", "jetty-sse-http1.1-nginx-push", "jetty-sse-http1.1-haproxy-push");
        assertTrue(children.stream().anyMatch(c -> cmdline(c).contains("haproxy")),
                () -> "the proxy was among the runner's children when it was stopped: " + children);
    }

    /** What {@code /proc} says the process runs, read while it does. */
    private static String cmdline(ProcessHandle process) {
        return COMMANDS.getOrDefault(process.pid(), "");
    }

    private static final java.util.Map<Long, String> COMMANDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void remember(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            try {
                COMMANDS.put(p.pid(), new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' '));
            } catch (java.io.IOException gone) {
                // ended meanwhile
            }
        }
    }

    /**
     * Runs a two-cell scenario in a runner process, sends it SIGTERM in the second cell's measurement, and checks
     * what it left: every child process ended, the first cell ok, the second interrupted, a report.
     *
     * @return the runner's descendants when it was stopped
     */
    private static List<ProcessHandle> interrupt(Path dir, String matrix, String first, String second) throws Exception {
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, String.join("\n",
                "name: long",
                matrix,
                "clients: {connections: 10, rampRate: 100/s}",
                "feed: {topics: 2, rate: 20/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 3s, drain: 1s}",
                ""));
        Path results = dir.resolve("results");
        Process runner = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.pushbench.runner.cli.PushbenchCli",
                "run", "--results", results.toString(), file.toString())
                .redirectErrorStream(true).start();
        StringBuilder console = new StringBuilder();
        List<ProcessHandle> children = List.of();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                console.append(line).append('\n');
                if (line.contains(second + " ") && line.contains(" measure ")) {
                    children = runner.toHandle().descendants().collect(Collectors.toList());
                    remember(children);
                    runner.toHandle().destroy(); // SIGTERM, in the second cell's measurement
                }
            }
        }
        assertTrue(runner.waitFor(60, TimeUnit.SECONDS), "the runner ends");
        assertTrue(!children.isEmpty(), "the server and load generator were running");
        for (ProcessHandle child : children) {
            assertTrue(child.onExit().toCompletableFuture().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() != null
                    || !child.isAlive(), "child " + child.pid() + " (" + child.info().command().orElse("?") + ") ended");
        }

        Path runDir;
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertEquals(RunManifest.INTERRUPTED, RunFiles.run(runDir).status(), console.toString());
        assertEquals(CellStatus.OK, RunFiles.summary(runDir.resolve("cells/" + first)).status());
        CellResult stopped = RunFiles.summary(runDir.resolve("cells/" + second));
        assertEquals(CellStatus.INTERRUPTED, stopped.status(), "stopped by the user, not failed");
        assertTrue(String.valueOf(stopped.reason()).startsWith("stopped by the user"), stopped.reason());
        assertTrue(Files.size(runDir.resolve("report.html")) > 0, "a report of the partial run");
        return children;
    }
}
