package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity searches run for real (Jetty, child JVMs, loopback): a deliberately weak server setting lowers a cell's
 * capacity, and a load generator starved of CPU makes the result generator-bound instead of a lower capacity.
 */
class CapacityEndToEndTest {

    /** Runs {@code yaml} and returns its one cell's summary. */
    private static CellResult run(Path dir, String name, String yaml) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        Scenario scenario = ScenarioLoader.load(file, Set.of("jetty"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path results = dir.resolve("results-" + name);
        int exit = new ScenarioRunner(scenario, results, new PrintStream(console, true, StandardCharsets.UTF_8),
                dev.pushbench.runner.cli.Verification::quick).run();
        assertEquals(0, exit, "console:\n" + console);
        Path runDir;
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path cellDir;
        try (Stream<Path> cells = Files.list(runDir.resolve("cells"))) {
            cellDir = cells.findFirst().orElseThrow();
        }
        CellResult cell = RunFiles.summary(cellDir);
        assertEquals(CellStatus.OK, cell.status(), cell.reason());
        assertNotNull(cell.capacity(), "console:\n" + console);
        for (CellResult.CapacityStep step : cell.capacity().steps()) {
            assertTrue(Files.isRegularFile(cellDir.resolve(step.dir()).resolve("summary.json")), "every step's files are kept");
        }
        assertTrue(Files.isRegularFile(runDir.resolve("report.html")));
        assertEquals(0, dev.pushbench.runner.cli.PushbenchCli.execute("validate", runDir.toString()),
                "run.json, the cell's summary.json and every step's validate against the schemas");
        System.out.println(name + ": " + cell.capacity().display() + " (" + cell.capacity().boundBy() + "); "
                + cell.capacity().note());
        for (CellResult.CapacityStep step : cell.capacity().steps()) {
            System.out.printf("  %s passed %s valid %s p99 %s µs, generator stalls p99 %s µs%n", step.value(), step.passed(),
                    step.valid(), step.p99Micros(), step.loadgenDelayP99Micros());
        }
        return cell;
    }

    /**
     * Long polling at a rising feed rate: with {@code server.maxBatchEvents: 1} every answer carries one event, so each
     * event costs a poll and the subscribers fall behind at a rate the default batch (256) carries easily.
     */
    @Test
    void aWeakServerSettingLowersTheCapacity(@TempDir Path dir) throws Exception {
        String common = String.join("\n",
                "matrix: {stacks: [jetty], transports: [long-polling], protocols: [http1.1]}",
                "clients: {connections: 20, rampRate: 200/s}",
                "feed: {topics: 1, rate: 200/s, payload: 64B, history: 65536}",
                "timing: {warmup: 1s, duration: 2s, drain: 1s}",
                "search: {variable: feed.rate, max: 3200/s, resolution: 0.25, confirm: 2, budget: 3m, slo: {p99: 50ms}}",
                "");
        CellResult strong = run(dir, "strong", "name: strong\n" + common);
        CellResult weak = run(dir, "weak", "name: weak\n" + common + "server: {maxBatchEvents: 1}\n");

        CellResult.Capacity s = strong.capacity();
        CellResult.Capacity w = weak.capacity();
        assertEquals("slo", w.boundBy(), "the weak server is the limit: " + w.note());
        assertNotNull(w.value(), w.display());
        assertTrue(s.value() != null && s.value() > w.value(),
                "the default batch holds more: strong " + s.display() + " against weak " + w.display());
        assertEquals(2, w.confirmations());
        assertTrue(w.failedAt() != null && w.failedAt() > w.value());
    }

    /**
     * A generator let run 10 % of every 50 ms: its stalls (45 ms) alone break a 30 ms p99, so the step is not valid and
     * the result says generator-bound, where the same cell unthrottled passes.
     */
    @Test
    void aStarvedGeneratorIsGeneratorBoundNotALowerCapacity(@TempDir Path dir) throws Exception {
        String common = String.join("\n",
                "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1]}",
                "feed: {topics: 10, rate: 2/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 2s, drain: 1s}",
                "search: {variable: clients.connections, max: 400, confirm: 1, budget: 2m, slo: {p99: 30ms}}",
                "");
        CellResult fed = run(dir, "fed", "name: fed\n" + common + "clients: {connections: 200, rampRate: 1000/s}\n");
        CellResult starved = run(dir, "starved", "name: starved\n" + common
                + "clients: {connections: 200, rampRate: 1000/s, cpuShare: 0.1}\n");

        assertEquals("max", fed.capacity().boundBy(), "unthrottled, 400 subscribers pass: " + fed.capacity().note());
        CellResult.Capacity c = starved.capacity();
        assertEquals("generator", c.boundBy(), "the starved generator, not the server: " + c.note());
        CellResult.CapacityStep last = c.steps().get(c.steps().size() - 1);
        assertEquals(Boolean.FALSE, last.valid());
        assertTrue(last.loadgenDelayP99Micros() > 3_000, "its stalls were measured: " + last.loadgenDelayP99Micros());
        assertTrue(c.display().contains("generator-bound"), c.display());
    }
}
