package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster run ({@link ClusterRun}): the "Load agents" section shows one row per load agent with its share, delivery,
 * latency, generator and clock, then the cell's merged figures; a flagged clock is marked, named in the section's
 * warnings, under its cell's row and in the verdict; a merged figure that is not the agents' sum is called out; the
 * charts read the merged tags of {@code latency.hlog} and never an agent's; a run on one machine has no section; and the
 * fixture's summaries validate against the published schema.
 */
class ClusterReportTest {
    @TempDir
    Path results;

    private static LoadAgentsSection.Group group(LoadAgentsSection section, String cell) {
        return section.groups().stream().filter(g -> g.cell().name().equals(cell)).findFirst().orElseThrow();
    }

    @Test
    void eachClusterCellShowsOneRowPerAgentAndItsMergedFigures() throws IOException {
        LoadAgentsSection section = RunReport.read(ClusterRun.write(results)).agents();
        assertEquals(List.of(ClusterRun.SSE_H1, ClusterRun.VX_WS_H2C, ClusterRun.LP_FAILED),
                section.groups().stream().map(g -> g.cell().name()).toList());

        LoadAgentsSection.Group sse = group(section, ClusterRun.SSE_H1);
        assertEquals(List.of("load-1", "load-2"), sse.rows().stream().map(LoadAgentsSection.Row::agent).toList());
        LoadAgentsSection.Row one = sse.rows().get(0);
        assertEquals(List.of("10.0.0.11", "9,500", "190,000 / 190,000", "0", "2.00 ms", "6.00 ms", "0", "21.0 %", "no"),
                List.of(one.host(), one.subscribers(), one.delivered(), one.lost(), one.p50(), one.p99(),
                        one.connectFailures(), one.loadgenCpu(), one.saturated()));
        assertEquals(List.of("+3.2 \u00b1 21", "+3.9 \u00b1 19.5", "+0.035", "64", "tcp", "event bus \u00b1 180 \u00b5s"),
                List.of(one.clock(), one.clockAfter(), one.drift(), one.samples(), one.via(), one.viaDetail()));
        assertEquals("", sse.outcome(), "measured");
        assertEquals("\u22124.1 \u00b1 18", sse.rows().get(1).clock(), "a negative offset with its sign");
        assertFalse(one.flagged());

        LoadAgentsSection.Row merged = sse.merged();
        assertEquals(List.of("19,000", "380,000 / 380,000", "0", "2.10 ms"),
                List.of(merged.subscribers(), merged.delivered(), merged.lost(), merged.p50()));
        assertEquals("", merged.clock(), "the merged row has no clock");
        assertEquals(List.of(), sse.mismatches(), "every merged figure is the agents' sum");
    }

    @Test
    void aFlaggedClockIsMarkedAndNoted() throws IOException {
        RunReport report = RunReport.read(ClusterRun.write(results));
        LoadAgentsSection.Row load2 = group(report.agents(), ClusterRun.VX_WS_H2C).rows().get(1);
        assertTrue(load2.flagged());
        assertEquals("\u22121,250,000 \u00b1 150", load2.clock(), "a large offset (another host's boot time) in full");
        assertEquals(List.of("event-bus", ""), List.of(load2.via(), load2.viaDetail()),
                "over the event bus: no second bound to compare");
        String note = "load agent load-2's clock offset is known only to \u00b1 150 \u00b5s, over 10 % of its latency"
                + " p50 (900 \u00b5s): its latencies are not trustworthy to that precision";
        assertEquals(note, load2.flag());
        assertEquals(List.of("vertx \u00b7 websocket \u00b7 h2c: " + note), report.agents().warnings());

        CellRow ws = report.cells().stream().filter(c -> c.name().equals(ClusterRun.VX_WS_H2C)).findFirst().orElseThrow();
        assertTrue(ws.notes().contains(note), "under its row in the results: " + ws.notes());
        assertTrue(report.verdict().notes().stream().anyMatch(n -> n.startsWith("cells whose load agents' clock offset")
                && n.endsWith(": " + ClusterRun.VX_WS_H2C)), report.verdict().notes().toString());
        assertTrue(report.verdict().findings().get(0).warnings().stream().anyMatch(w -> w.startsWith(ClusterRun.VX_WS_H2C
                + ": a load agent's clock")), "the latency winner's clock is flagged: " + report.verdict().findings().get(0));
        CellRow sse = report.cells().stream().filter(c -> c.name().equals(ClusterRun.SSE_H1)).findFirst().orElseThrow();
        assertFalse(sse.clockFlagged());
    }

    @Test
    void aFileWithoutTheFlagIsJudgedByTheSameRule() throws IOException {
        Path runDir = ClusterRun.write(results);
        Path summary = runDir.resolve("cells").resolve(ClusterRun.SSE_H1).resolve("summary.json");
        // load-1: p50 2,000 µs; an error bound of 250 µs after the window is over 10 % of it, load-2's 22 µs is not
        ObjectNode root = (ObjectNode) JsonFiles.mapper().readTree(summary.toFile());
        for (JsonNode agent : root.path("agents")) {
            ((ObjectNode) agent.path("clock")).remove("flagged");
        }
        ((ObjectNode) root.path("agents").path(0).path("clock")).put("errorAfterMicros", 250.0);
        Files.writeString(summary, JsonFiles.pretty(root), StandardCharsets.UTF_8);
        LoadAgentsSection.Group g = group(RunReport.read(runDir).agents(), ClusterRun.SSE_H1);
        assertEquals(List.of(true, false), g.rows().stream().map(LoadAgentsSection.Row::flagged).toList(),
                "the larger of the two bounds counts: " + g.rows());
    }

    @Test
    void aMergedFigureThatIsNotTheAgentsSumIsCalledOut() throws IOException {
        Path runDir = ClusterRun.write(results);
        Path summary = runDir.resolve("cells").resolve(ClusterRun.SSE_H1).resolve("summary.json");
        String json = Files.readString(summary, StandardCharsets.UTF_8);
        // the cell's own latency count: the first "count" in the file is latencyMicros's
        Files.writeString(summary, json.replaceFirst("\"count\" : 2400", "\"count\" : 1200"), StandardCharsets.UTF_8);
        LoadAgentsSection section = RunReport.read(runDir).agents();
        assertEquals(List.of("its latency count (1,200) is not the sum of its agents' (2,400)"),
                group(section, ClusterRun.SSE_H1).mismatches());
        assertTrue(section.warnings().contains("jetty \u00b7 sse \u00b7 http1.1: its latency count (1,200) is not the sum"
                + " of its agents' (2,400)"), section.warnings().toString());
    }

    @Test
    void anAgentThatLeftShowsWhatWasKnownOfIt() throws IOException {
        RunReport report = RunReport.read(ClusterRun.write(results));
        LoadAgentsSection.Group failed = group(report.agents(), ClusterRun.LP_FAILED);
        assertEquals("failed: load agent load-2 left the cluster at 2026-11-29T21:02:41Z, 12.0 s into the measured"
                + " window", failed.outcome());
        LoadAgentsSection.Row gone = failed.rows().get(1);
        assertEquals(List.of("500", Format.ABSENT, Format.ABSENT, Format.ABSENT, Format.ABSENT, "\u22123 \u00b1 24", ""),
                List.of(gone.subscribers(), gone.delivered(), gone.p50(), gone.loadgenCpu(), gone.drift(), gone.clock(),
                        gone.clockAfter()));
        assertEquals(List.of(), failed.mismatches(), "a figure some agent lacks is not compared");
    }

    @Test
    void theChartsReadTheMergedTagsAndNeverAnAgents() throws IOException {
        Path runDir = ClusterRun.write(results);
        Path log = runDir.resolve("cells").resolve(ClusterRun.SSE_H1).resolve(ChartSet.HLOG);
        // per-agent intervals at 50 ms, merged ones at 1 ms: a chart that read an agent's tag would show 50 ms
        writeLog(log, true);
        ChartSet.CellLog read = ChartSet.readLog(log);
        assertEquals(List.of("connect", "latency"), read.totals().keySet().stream().sorted().toList());
        assertEquals(12 * 200, read.totals().get("latency").getTotalCount(), "the merged tag only");
        assertEquals(1_000_000, read.totals().get("latency").getMaxValue(), 1_000);

        RunReport report = RunReport.read(runDir);
        ChartSet charts = ChartSet.read(runDir, report.cells());
        ChartSet.Chart latency = charts.charts().stream().filter(c -> c.id().equals("latency")).findFirst().orElseThrow();
        ChartSet.Series sse = latency.series().get(0);
        assertEquals("jetty-sse-http1.1", sse.label(), "one series per cell, not per agent");
        assertEquals(2, latency.series().size(), "the two cells with a log, the failed one has none");
        assertTrue(sse.ys().stream().filter(y -> y != null).allMatch(y -> y < 2), "the merged 1 ms, never 50 ms: " + sse.ys());
        assertTrue(charts.charts().stream().flatMap(c -> c.series().stream()).noneMatch(s -> s.label().contains("@")));
        assertEquals(List.of(), charts.problems());
    }

    @Test
    void aLogWithAgentsTagsButNoMergedOneSaysSoAndDrawsNothingForIt() throws IOException {
        Path runDir = ClusterRun.write(results);
        writeLog(runDir.resolve("cells").resolve(ClusterRun.SSE_H1).resolve(ChartSet.HLOG), false);
        RunReport report = RunReport.read(runDir);
        ChartSet charts = ChartSet.read(runDir, report.cells());
        assertEquals(List.of(ClusterRun.SSE_H1 + "/latency.hlog holds latency only per load agent (latency@\u2026), not"
                + " merged, so its charts lack this cell's latency"), charts.problems());
        assertTrue(charts.charts().stream().filter(c -> c.id().equals("latency")).findFirst().orElseThrow().series()
                .stream().noneMatch(s -> s.label().equals(ClusterRun.SSE_H1)));
    }

    /** Twelve intervals of two agents at 50 ms, their merged tag at 1 ms when {@code merged}; a connect interval too. */
    private static void writeLog(Path file, boolean merged) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputLogFormatVersion();
            log.outputStartTime(FaultRun.LOG_START_MILLIS);
            log.setBaseTime(FaultRun.LOG_START_MILLIS);
            log.outputLegend();
            Histogram connect = ClusterRun.interval("connect", FaultRun.LOG_START_MILLIS);
            connect.recordValueWithCount(2_000_000L, 50);
            log.outputIntervalHistogram(connect);
            for (int second = 2; second < 14; second++) {
                long start = FaultRun.LOG_START_MILLIS + second * 1000L;
                for (String agent : List.of("load-1", "load-2")) {
                    Histogram part = ClusterRun.interval("latency@" + agent, start);
                    part.recordValueWithCount(50_000_000L, 100);
                    log.outputIntervalHistogram(part);
                }
                if (merged) {
                    Histogram all = ClusterRun.interval("latency", start);
                    all.recordValueWithCount(1_000_000L, 200);
                    log.outputIntervalHistogram(all);
                }
            }
        }
    }

    @Test
    void thePageShowsTheSectionAndARunOnOneMachineDoesNot() throws IOException {
        String html = Files.readString(ReportWriter.write(ClusterRun.write(results)), StandardCharsets.UTF_8);
        assertTrue(html.contains("<section class=\"load-agents\" id=\"load-agents\">"), "the section is there");
        assertTrue(html.indexOf("id=\"results\"") < html.indexOf("id=\"load-agents\""), "after the results");
        assertTrue(html.contains("<tr class=\"agent flagged\">"), "the flagged agent's row");
        assertTrue(html.contains("added together (never their percentiles averaged)"), "the line on merging");
        assertEquals(3, html.split("<tbody class=\"agents\"", -1).length - 1, "one body per cluster cell");

        for (Path run : List.of(TwoWayRun.write(results), CapacityRun.write(results),
                ResultsTree.copyFixture(ResultsTree.MINI_RUN, results))) {
            String page = Files.readString(ReportWriter.write(run), StandardCharsets.UTF_8);
            assertFalse(page.contains("id=\"load-agents\""), run + ": no cluster, no section");
            assertTrue(RunReport.read(run).agents().isEmpty());
            assertTrue(RunReport.read(run).cells().stream().noneMatch(CellRow::clustered));
        }
    }

    /**
     * The cluster run's summaries validate against the published {@code docs/schema/summary.schema.json}, as
     * {@code pushbench validate} checks them, and one with a field the schema does not know in an agent's clock does not.
     */
    @Test
    void theClusterRunsSummariesValidateAgainstThePublishedSchema() throws IOException {
        // relative to the module directory, surefire's working directory
        String schema = Files.readString(Path.of("../../docs/schema/summary.schema.json"), StandardCharsets.UTF_8);
        Validator validator = Validator.create(JsonSchema.of(new JsonObject(schema)), new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012).setBaseUri("https://pushbench.dev/").setOutputFormat(OutputFormat.Basic));
        Path runDir = ClusterRun.write(results);
        for (String cell : List.of(ClusterRun.SSE_H1, ClusterRun.VX_WS_H2C, ClusterRun.LP_FAILED)) {
            JsonObject summary = new JsonObject(Files.readString(runDir.resolve("cells").resolve(cell)
                    .resolve("summary.json"), StandardCharsets.UTF_8));
            assertTrue(summary.getJsonArray("agents").size() == 2, cell);
            OutputUnit result = validator.validate(summary);
            assertTrue(result.getValid(), cell + ": " + result.getErrors());
            summary.getJsonArray("agents").getJsonObject(0).getJsonObject("clock").put("skew", 1);
            assertFalse(validator.validate(summary).getValid(), cell + ": a stray field in an agent's clock");
        }
    }

    /** The fixture's own arithmetic: every agent's latency count is what its log holds under its tag. */
    @Test
    void theFixturesLogHoldsEachAgentsCountUnderItsTag() throws IOException {
        Path runDir = ClusterRun.write(results);
        RunReport report = RunReport.read(runDir);
        CellRow sse = report.cells().get(0);
        long sum = sse.agents().stream().mapToLong(a -> a.latencyMicros().count()).sum();
        assertEquals(sse.latency().count(), sum);
        assertEquals(sum, ChartSet.readLog(runDir.resolve("cells").resolve(sse.name()).resolve(ChartSet.HLOG)).totals()
                .get("latency").getTotalCount());
        CellResult.AgentShare first = sse.agents().get(0);
        assertEquals("load-1", first.agent());
    }
}
