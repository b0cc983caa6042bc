package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Matrix;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.io.FileInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite, for real: {@code pushbench run benchmarks/scenarios/quick.yaml} with real server
 * and load-generator JVMs on loopback, then every cell's files are checked. One run, one assertion
 * set applied to every cell of the matrix.
 */
class QuickScenarioEndToEndTest {
    static final Path QUICK = Repo.root().resolve("benchmarks/scenarios/quick.yaml");

    @TempDir
    static Path results;
    static int exitCode;
    static Path runDir;

    /**
     * quick.yaml's workload, on the eight cells of the first stack over cleartext: the whole file (both
     * stacks, four protocols) is CI's smoke run, which checks that no cell failed; here every figure
     * of these cells is checked.
     */
    @BeforeAll
    static void runQuickScenario() throws Exception {
        Scenario file = ScenarioLoader.load(QUICK, Set.of("jetty", "vertx"));
        Scenario quick = new Scenario(file.name(), file.description(), file.source(),
                new Matrix(List.of("jetty"), file.matrix().transports(), List.of(Protocol.HTTP_1_1, Protocol.H2C)),
                file.clients(), file.feed(), file.timing(), file.transports(), file.server());
        exitCode = new ScenarioRunner(quick, results, System.out, dev.pushbench.runner.cli.Verification::quick).run();
        try (Stream<Path> dirs = Files.list(results)) {
            runDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCellDeliversEverythingOnce() throws IOException {
        assertEquals(0, exitCode, "pushbench run exit code");
        RunManifest run = RunFiles.run(runDir);
        assertEquals(RunManifest.COMPLETE, run.status());
        assertEquals(Boolean.TRUE, run.clockCheck().ok());
        assertTrue(Files.isRegularFile(runDir.resolve("report.html")));
        assertTrue(Files.isRegularFile(results.resolve("index.html")));
        List<String> cells = run.cells();
        assertEquals(8, cells.size(), "jetty x 4 transports x 2 protocols");
        List<DynamicTest> tests = new ArrayList<>();
        for (String cell : cells) {
            tests.add(DynamicTest.dynamicTest(cell, () -> checkCell(runDir.resolve("cells").resolve(cell))));
        }
        return tests.stream();
    }

    /** The run's files are what docs/schema publishes: pushbench validate finds nothing to say. */
    @Test
    void theRunsFilesValidateAgainstThePublishedSchemas() {
        assertEquals(0, PushbenchCli.execute("validate", runDir.toString()), "pushbench validate " + runDir);
    }

    /** The report, rendered from this real run's files, shows each cell's own figures. */
    @Test
    void theReportShowsEachCellsFigures() throws IOException {
        String html = Files.readString(runDir.resolve("report.html"));
        for (String cell : RunFiles.run(runDir).cells()) {
            CellResult s = RunFiles.summary(runDir.resolve("cells").resolve(cell));
            String p99 = new BigDecimal(String.valueOf(s.latencyMicros().p99())).stripTrailingZeros().toPlainString();
            assertTrue(html.contains("title=\"" + p99 + " µs\""), cell + ": p99 " + p99 + " µs in the report");
            String delivered = String.format(Locale.ROOT, "%,d / %,d", s.delivery().delivered(), s.delivery().expected());
            assertTrue(html.contains(delivered), cell + ": " + delivered + " in the report");
        }
    }

    static void checkCell(Path cellDir) throws IOException {
        CellResult s = RunFiles.summary(cellDir);
        assertEquals(CellStatus.OK, s.status(), () -> "status of " + cellDir.getFileName() + ": " + s.reason());
        CellResult.Delivery d = s.delivery();
        long expected = d.expected();
        assertTrue(expected > 0, "expected > 0");
        assertEquals(expected, d.delivered(), "delivered == expected");
        assertEquals(0, d.lost(), "lost");
        assertEquals(0, d.duplicated(), "duplicated");
        assertEquals(0, d.scheduleMismatches(), "events carry their scheduled intended time");
        assertEquals(expected, s.latencyMicros().count(), "one latency sample per delivered event");
        assertTrue(s.latencyMicros().p50() > 0);
        assertTrue(s.latencyActualMicros().p50() > 0);
        assertTrue(s.connectMicros().count() > 0);
        // the interval log is HdrHistogram's own format: its reader takes it
        long events = 0;
        try (FileInputStream in = new FileInputStream(cellDir.resolve("latency.hlog").toFile())) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if ("latency".equals(h.getTag())) {
                    events += ((org.HdrHistogram.Histogram) h).getTotalCount();
                }
            }
        }
        assertEquals(expected, events, "latency samples in latency.hlog");
    }

    @TestFactory
    Stream<DynamicTest> shortPollingShowsItsStalenessAndPushDoesNot() throws IOException {
        double intervalMicros = 500_000; // quick.yaml: short-polling.interval 500ms
        List<DynamicTest> tests = new ArrayList<>();
        for (String cell : List.of("jetty-%s-http1.1", "jetty-%s-h2c")) {
            tests.add(DynamicTest.dynamicTest(cell.replace("%s-", ""), () -> {
                double shortPoll = p50(cell, "short-polling");
                assertTrue(shortPoll >= 0.3 * intervalMicros, "short-polling p50 " + shortPoll + " us >= 0.3 x interval");
                for (String push : List.of("sse", "websocket")) {
                    double p = p50(cell, push);
                    assertTrue(p < 0.1 * intervalMicros, push + " p50 " + p + " us is far below the poll interval");
                }
            }));
        }
        return tests.stream();
    }

    /**
     * Short polling's staleness: mean latency = half the interval + the poll's round trip (within 15 %).
     * The round trip is the polls' median: their mean is pulled far up by the first polls, which carry
     * the connect, and on a busy machine by a few slow ones (87 ms mean against a few ms median seen).
     */
    @TestFactory
    Stream<DynamicTest> shortPollingStalenessIsHalfTheIntervalPlusTheRoundTrip() {
        double halfInterval = 250_000; // quick.yaml: short-polling.interval 500ms
        List<DynamicTest> tests = new ArrayList<>();
        for (String cell : List.of("jetty-short-polling-http1.1", "jetty-short-polling-h2c")) {
            tests.add(DynamicTest.dynamicTest(cell, () -> {
                CellResult s = RunFiles.summary(runDir.resolve("cells").resolve(cell));
                double mean = s.latencyMicros().mean();
                double roundTrip = s.pollMicros().p50();
                double expected = halfInterval + roundTrip;
                assertTrue(Math.abs(mean - expected) <= 0.15 * expected,
                        "mean latency " + mean + " us vs interval/2 + median poll round trip " + expected + " us");
            }));
        }
        return tests.stream();
    }

    static double p50(String cellPattern, String transport) throws IOException {
        return RunFiles.summary(runDir.resolve("cells").resolve(String.format(cellPattern, transport))).latencyMicros().p50();
    }

    static String list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.joining(", "));
        }
    }
}
