package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capacity run ({@link CapacityRun}): the "Capacity" section shows only an SLO-bound search's value as a capacity and
 * every other bound as "≥", says which cell holds the most per transport, plots each cell's valid steps with a value
 * run several times at its worst run, links each step's directory when it is there, and is absent from a run without
 * a search.
 */
class CapacityReportTest {
    @TempDir
    Path results;

    private CapacitySection section() throws IOException {
        return RunReport.read(CapacityRun.write(results)).capacity();
    }

    private static CapacitySection.Entry entry(CapacitySection section, String cell) {
        return section.entries().stream().filter(e -> e.cell().name().equals(cell)).findFirst().orElseThrow();
    }

    @Test
    void onlyAnSloBoundIsACapacityEveryOtherBoundIsOpenEnded() throws IOException {
        CapacitySection section = section();
        assertEquals(List.of(CapacityRun.SSE_H1, CapacityRun.WS_H1, CapacityRun.VX_WS_H2C, CapacityRun.VX_SSE_H2C,
                CapacityRun.LP_H1, CapacityRun.SP_H2C), section.entries().stream().map(e -> e.cell().name()).toList());
        assertEquals(List.of("4,800", "\u2265 6,000 (generator-bound)", "\u2265 19,744 (limit: open files)",
                        "\u2265 20,000 (search maximum)", "\u2265 3,000 (time budget)",
                        "fails the SLO at the lowest value tried (1,000 subscribers)"),
                section.entries().stream().map(CapacitySection.Entry::display).toList());
        assertEquals(List.of(false, true, true, true, true, false),
                section.entries().stream().map(CapacitySection.Entry::open).toList());

        CapacitySection.BarChart bars = section.bars().get(0);
        assertEquals(List.of("jetty \u00b7 sse \u00b7 http1.1", "vertx \u00b7 sse \u00b7 h2c",
                "jetty \u00b7 websocket \u00b7 http1.1", "vertx \u00b7 websocket \u00b7 h2c",
                "jetty \u00b7 long-polling \u00b7 http1.1", "jetty \u00b7 short-polling \u00b7 h2c"), bars.categories(),
                "grouped by transport");
        assertEquals(Arrays.asList(4_800.0, 20_000.0, 6_000.0, 19_744.0, 3_000.0, null), bars.values());
        assertEquals(List.of(false, true, true, true, true, false), bars.open());
        assertEquals("subscribers", bars.axisLabel());
    }

    @Test
    void aBoundThisReportDoesNotKnowIsOpenAndAStepDirectoryOutsideTheCellIsNotLinked() throws IOException {
        Path runDir = CapacityRun.write(results);
        Path summary = runDir.resolve("cells").resolve(CapacityRun.SSE_H1).resolve("summary.json");
        Files.writeString(summary, Files.readString(summary, StandardCharsets.UTF_8)
                .replace("\"boundBy\" : \"slo\"", "\"boundBy\" : \"memory\"").replace("\"display\" : \"4,800\",", "")
                .replace("steps/01-1000", "../../../outside"), StandardCharsets.UTF_8);

        CapacitySection.Entry e = entry(RunReport.read(runDir).capacity(), CapacityRun.SSE_H1);
        assertTrue(e.open(), "an unknown bound is never read as a capacity");
        assertEquals("\u2265 4,800 (bound: memory)", e.display());
        assertEquals("../../../outside", e.steps().get(0).dir());
        assertNull(e.steps().get(0).link(), "a directory outside the cell is shown, not linked");
        assertEquals("cells/jetty-sse-http1.1/steps/02-2000/", e.steps().get(1).link());
    }

    @Test
    void aCapacityWithoutItsBoundOrWithAMistypedValueCostsNoMoreThanItsOwnFigures() throws IOException {
        Path runDir = CapacityRun.write(results);
        Path summary = runDir.resolve("cells").resolve(CapacityRun.WS_H1).resolve("summary.json");
        Files.writeString(summary, Files.readString(summary, StandardCharsets.UTF_8)
                .replace("\"boundBy\" : \"generator\",", "").replace("\"display\" : \"\u2265 6,000 (generator-bound)\",", "")
                .replace("\"value\" : 8000.0", "\"value\" : \"many\""), StandardCharsets.UTF_8);

        RunReport report = RunReport.read(runDir);
        CapacitySection.Entry e = entry(report.capacity(), CapacityRun.WS_H1);
        assertTrue(e.open(), "no bound recorded: never read as a capacity");
        assertEquals("\u2265 6,000 (bound not recorded)", e.display());
        assertEquals(Format.ABSENT, e.steps().get(3).value(), "the mistyped step value is absent");
        assertEquals(CellState.OK, report.cells().stream().filter(c -> c.name().equals(CapacityRun.WS_H1)).findFirst()
                .orElseThrow().state(), "the cell still reads");
        assertTrue(ReportWriter.render(report, ChartSet.read(runDir, report.cells())).contains("bound not recorded"));
    }

    @Test
    void theSummarySaysWhoHoldsTheMostAndWhichFiguresAreLowerBounds() throws IOException {
        assertEquals(List.of(
                "sse: vertx \u00b7 sse \u00b7 h2c holds the most of its 2 cells, at least 20,000 subscribers (the search's"
                        + " maximum).",
                "websocket: vertx \u00b7 websocket \u00b7 h2c holds the most of its 2 cells, at least 19,744 subscribers"
                        + " (limit: open files); not ruled out: jetty \u00b7 websocket \u00b7 http1.1 \u2265 6,000"
                        + " (generator-bound), a lower bound only.",
                "long-polling: jetty \u00b7 long-polling \u00b7 http1.1 holds the most (its one cell), at least 3,000"
                        + " subscribers (time budget).",
                "short-polling: its one cell met the SLO at no value tried.",
                "1 cell reached the open-file limit; its capacity is at least what it held, not a measured capacity:"
                        + " vertx \u00b7 websocket \u00b7 h2c \u2265 19,744 (limit: open files).",
                "1 cell was bound by the load generator, not the server; its capacity is at least what it held, not a"
                        + " measured capacity: jetty \u00b7 websocket \u00b7 http1.1 \u2265 6,000 (generator-bound).",
                "1 cell passed at the search's maximum; its capacity is at least what it held, not a measured capacity:"
                        + " vertx \u00b7 sse \u00b7 h2c \u2265 20,000 (search maximum).",
                "1 cell ran out of the search's time budget; its capacity is at least what it held, not a measured"
                        + " capacity: jetty \u00b7 long-polling \u00b7 http1.1 \u2265 3,000 (time budget).",
                "1 cell has no capacity: jetty \u00b7 short-polling \u00b7 h2c fails the SLO at the lowest value tried"
                        + " (1,000 subscribers).",
                "2 steps were not valid (the load generator did not deliver its plan): such a step says nothing about"
                        + " the server, and is hollow on the curves."), section().summary());
    }

    @Test
    void theCostPerUnitIsShownAsStored() throws IOException {
        CapacitySection.Entry sse = entry(section(), CapacityRun.SSE_H1);
        assertEquals(List.of("10,000 subscribers", "0.52 cores", "0.21 GiB", "0.09 GiB", "41.0 %"),
                List.of(sse.unit(), sse.serverCores(), sse.serverHeap(), sse.serverHeapMarginal(), sse.serverShare()));
        CapacitySection.Entry max = entry(section(), CapacityRun.VX_SSE_H2C);
        assertEquals(Format.ABSENT, max.serverHeapMarginal(), "no slope measured: no marginal heap");
    }

    @Test
    void theCurvesPlotValidStepsAtTheirWorstRunAndInvalidStepsApart() throws IOException {
        CapacitySection section = section();
        CapacitySection.Curve sse = section.curves().get(0);
        assertEquals(List.of(1_000.0, 2_000.0, 4_000.0, 4_800.0, 5_000.0, 6_000.0, 8_000.0), sse.xs(), "sorted by value");
        assertEquals(88.0, sse.p99().get(3), "4,800 ran three times (70, 88, 64 ms): its worst p99");
        assertEquals(4.2, sse.p50().get(3), "and that run's p50");
        assertEquals(100.0, sse.sloMillis());
        assertEquals("capacity 4,800", sse.capacityLabel());
        assertTrue(sse.yLog(), "3 ms to 450 ms calls for a log scale");

        CapacitySection.Curve ws = section.curves().get(1);
        assertEquals(Arrays.asList(1.5, 2.0, 4.0, 9.5, null), ws.p99(), "the saturated 8,000 step is not on the line");
        assertEquals(Arrays.asList(null, null, null, null, 30.0), ws.invalid(), "but a hollow point");
        assertEquals("\u2265 6,000", ws.capacityLabel(), "a lower bound is marked as one");
        assertEquals(List.of("8,000: the load generator was saturated (CPU 196 %)"),
                entry(section, CapacityRun.WS_H1).invalid());

        CapacitySection.Curve none = section.curves().get(5);
        assertNull(none.capacityX(), "no capacity point to mark");
    }

    @Test
    void eachStepLinksItsDirectoryWhenItIsThere() throws IOException {
        CapacitySection section = section();
        List<CapacitySection.Step> steps = entry(section, CapacityRun.SSE_H1).steps();
        assertEquals(9, steps.size(), "every step in the order run, the boundary three times");
        assertEquals(List.of("passed", "passed", "passed", "failed", "failed", "failed", "passed", "passed", "passed"),
                steps.stream().map(CapacitySection.Step::outcome).toList());
        assertEquals("cells/jetty-sse-http1.1/steps/07-4800/", steps.get(6).link());
        assertEquals("12", steps.get(5).lost());
        assertEquals("invalid", entry(section, CapacityRun.LP_H1).steps().get(3).outcome());
        assertEquals("40.0 ms", entry(section, CapacityRun.LP_H1).steps().get(3).stallP99());
        assertNull(entry(section, CapacityRun.SP_H2C).steps().get(0).link(), "its directory is missing");
    }

    @Test
    void thePageShowsTheSectionAndARunWithoutASearchDoesNot() throws IOException {
        String html = Files.readString(ReportWriter.write(CapacityRun.write(results)), StandardCharsets.UTF_8);
        assertTrue(html.contains("<section class=\"capacity\" id=\"capacity\">"), "the section is there");
        assertTrue(html.indexOf("id=\"capacity\"") < html.indexOf("id=\"verdict\""), "before the verdict");
        assertTrue(html.contains("<td class=\"capacity-figure\">\u2265 19,744 (limit: open files)</td>"));
        assertTrue(html.contains("<a href=\"cells/jetty-sse-http1.1/steps/01-1000/\">steps/01-1000</a>"));
        assertTrue(html.contains("id=\"chart-capacity-clients-connections\""));
        assertTrue(html.contains("\"xAxis\":\"CAPACITY\"") && html.contains("\"xAxis\":\"LOAD\""), "the charts' data");

        for (Path run : List.of(TwoWayRun.write(results), FaultRun.write(results),
                ResultsTree.copyFixture(ResultsTree.MINI_RUN, results))) {
            String page = Files.readString(ReportWriter.write(run), StandardCharsets.UTF_8);
            assertFalse(page.contains("id=\"capacity\""), run + ": no search, no section");
            assertFalse(page.contains("\"xAxis\":\"CAPACITY\""), run + ": and no capacity chart");
            assertTrue(RunReport.read(run).capacity().isEmpty());
        }
    }
}
