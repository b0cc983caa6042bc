package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.run.CellPlan;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Killing the server JVM in the middle of a cell fails that cell, with a reason, and the run goes on. */
class ServerCrashTest {

    @Test
    void aKilledServerFailsItsCellAndTheNextCellStillRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("crash.yaml");
        Files.writeString(file, String.join("\n",
                "name: crash",
                "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1, h2c]}",
                "clients: {connections: 10, rampRate: 100/s}",
                "feed: {topics: 2, rate: 20/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 3s, drain: 1s}",
                ""));
        Scenario scenario = ScenarioLoader.load(file, Set.of("jetty"));
        AtomicBoolean killed = new AtomicBoolean();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ScenarioRunner runner = new ScenarioRunner(scenario, dir.resolve("results"),
                new PrintStream(console, true, StandardCharsets.UTF_8), dev.pushbench.runner.cli.Verification::quick)
                .onPhase((CellPlan cell, String phase, long serverPid) -> {
                    if (cell.protocol().id().equals("http1.1") && phase.equals("measure") && killed.compareAndSet(false, true)) {
                        ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                });
        int exit = runner.run();

        assertTrue(killed.get(), "the server was killed during the first cell");
        assertEquals(1, exit, "a failed cell makes the run exit 1; console:\n" + console);
        Path runDir;
        try (Stream<Path> runs = Files.list(dir.resolve("results"))) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        CellResult first = RunFiles.summary(runDir.resolve("cells/jetty-sse-http1.1"));
        assertEquals(CellStatus.FAILED, first.status());
        assertTrue(String.valueOf(first.reason()).contains("server"), "reason names the server: " + first.reason());
        CellResult second = RunFiles.summary(runDir.resolve("cells/jetty-sse-h2c"));
        assertEquals(CellStatus.OK, second.status(), "the next cell ran: " + second.reason());
        assertEquals(0, second.delivery().lost());
        RunManifest run = RunFiles.run(runDir);
        assertEquals(RunManifest.COMPLETE, run.status());
        assertTrue(Files.isRegularFile(runDir.resolve("report.html")));
        assertEquals(List.of("jetty-sse-http1.1", "jetty-sse-h2c"), run.cells());
        assertEquals(0, PushbenchCli.execute("report", runDir.toString()), "the report rebuilds from the files");
    }
}
