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
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, String.join("\n",
                "name: long",
                "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1, h2c]}",
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
                if (line.contains("jetty-sse-h2c") && line.contains(" measure ")) {
                    children = runner.toHandle().descendants().collect(Collectors.toList());
                    runner.toHandle().destroy(); // SIGTERM, in the second cell's measurement
                }
            }
        }
        assertTrue(runner.waitFor(60, TimeUnit.SECONDS), "the runner ends");
        assertTrue(!children.isEmpty(), "the server and load generator were running");
        for (ProcessHandle child : children) {
            assertTrue(child.onExit().toCompletableFuture().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() != null
                    || !child.isAlive(), "child " + child.pid() + " ended");
        }

        Path runDir;
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertEquals(RunManifest.INTERRUPTED, RunFiles.run(runDir).status(), console.toString());
        assertEquals(CellStatus.OK, RunFiles.summary(runDir.resolve("cells/jetty-sse-http1.1")).status());
        CellResult second = RunFiles.summary(runDir.resolve("cells/jetty-sse-h2c"));
        assertEquals(CellStatus.INTERRUPTED, second.status(), "stopped by the user, not failed");
        assertTrue(String.valueOf(second.reason()).startsWith("stopped by the user"), second.reason());
        assertTrue(Files.size(runDir.resolve("report.html")) > 0, "a report of the partial run");
    }
}
