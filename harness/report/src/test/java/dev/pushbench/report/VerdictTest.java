package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the report opens with: best configuration per criterion, the margin, and when not to trust it. */
class VerdictTest {
    @TempDir
    Path results;

    /** One cell's summary; {@code costs} is the JSON of a costs object, or null for none. */
    private record Cell(String name, double p99Micros, long lost, boolean saturated, String costs, String status) {
        Cell(String name, double p99Micros) {
            this(name, p99Micros, 0, false, null, "ok");
        }

        String json() {
            String[] parts = CellRow.splitName(CellRow.configurationOf(name));
            return """
                    {"cell":{"stack":"%s","transport":"%s","protocol":"%s"},"name":"%s","status":"%s",
                     "delivery":{"expected":1000,"delivered":%d,"lost":%d,"duplicated":0,"reordered":0},
                     "latencyMicros":{"count":1000,"p50":500,"p90":800,"p99":%s,"p999":%s,"max":%s},
                     "loadgen":{"cpuPercent":%s,"saturated":%s,"cpuSecondsInWindow":0.5},
                     "server":{"process":{"measureStart":{"cpuNanos":1000000000},"measureEnd":{"cpuNanos":1300000000}}}
                     %s}
                    """.formatted(parts[0], parts[1], parts[2], name, status, 1000 - lost, lost, p99Micros,
                    p99Micros, p99Micros, saturated ? "97.0" : "20.0", saturated,
                    costs == null ? "" : ",\"costs\":" + costs);
        }
    }

    private RunReport run(Cell... cells) throws IOException {
        Path runDir = results.resolve("run-" + System.nanoTime());
        List<String> names = new ArrayList<>();
        for (Cell cell : cells) {
            names.add("\"" + cell.name() + "\"");
            ResultsTree.write(runDir, "cells/" + cell.name() + "/summary.json", cell.json());
        }
        ResultsTree.write(runDir, "run.json", "{\"status\":\"complete\",\"scenario\":{\"name\":\"v\"},\"cells\":["
                + String.join(",", names) + "]}");
        return RunReport.read(runDir);
    }

    private static Verdict.Finding finding(RunReport report, Verdict.Criterion criterion) {
        return report.verdict().findings().stream().filter(f -> f.criterion() == criterion).findFirst().orElseThrow();
    }

    @Test
    void namesTheBestOnLatencyWithTheMarginToTheRunnerUp() throws IOException {
        RunReport report = run(new Cell("jetty-sse-http1.1", 4000), new Cell("jetty-websocket-http1.1", 3000),
                new Cell("jetty-long-polling-h2c", 9000));

        Verdict.Finding latency = finding(report, Verdict.Criterion.LATENCY);

        assertEquals("jetty-websocket-http1.1", latency.best().configuration());
        assertEquals("jetty-sse-http1.1", latency.runnerUp().configuration());
        assertEquals("+33 %", latency.margin());
        assertEquals(List.of(), latency.warnings());
        assertEquals("lowest p99: jetty-websocket-http1.1 3.00 ms; runner-up jetty-sse-http1.1 4.00 ms (+33 %)",
                report.verdict().oneLine());
    }

    @Test
    void aMarginUnderTenPercentIsWithinNoise() throws IOException {
        RunReport report = run(new Cell("jetty-sse-http1.1", 3100), new Cell("jetty-websocket-http1.1", 3000));

        Verdict.Finding latency = finding(report, Verdict.Criterion.LATENCY);

        assertEquals(List.of("within noise: the margin is 3.3 %, under 10 %"), latency.warnings());
        assertTrue(report.verdict().oneLine().startsWith("\u26a0 lowest p99"), report.verdict().oneLine());
    }

    @Test
    void repeatsCountByTheirMedianAndOverlappingSpreadsAreNoise() throws IOException {
        RunReport report = run(
                new Cell("jetty-sse-http1.1-r1", 2000), new Cell("jetty-sse-http1.1-r2", 3000),
                new Cell("jetty-sse-http1.1-r3", 5000),
                new Cell("jetty-websocket-http1.1-r1", 3500), new Cell("jetty-websocket-http1.1-r2", 4000),
                new Cell("jetty-websocket-http1.1-r3", 4500));

        Verdict.Finding latency = finding(report, Verdict.Criterion.LATENCY);

        assertEquals("jetty-sse-http1.1", latency.best().configuration());
        assertEquals(3000, latency.best().value(), "the median of 2, 3 and 5 ms");
        assertEquals(3, latency.best().repeats());
        assertEquals("+33 %", latency.margin());
        assertEquals(List.of("within noise: run-to-run spreads overlap (jetty-sse-http1.1 2.00 ms \u2013 5.00 ms"
                + " over 3 repeats, jetty-websocket-http1.1 3.50 ms \u2013 4.50 ms)"), latency.warnings());
    }

    @Test
    void aWinnerThatLostEventsOrSaturatedItsGeneratorIsFlagged() throws IOException {
        RunReport report = run(new Cell("jetty-sse-http1.1", 2000, 5, true, null, "ok"),
                new Cell("jetty-websocket-http1.1", 4000));

        Verdict.Finding latency = finding(report, Verdict.Criterion.LATENCY);

        assertEquals(List.of("jetty-sse-http1.1 lost events: delivered 995 of 1,000, lost 5",
                "jetty-sse-http1.1: saturated (see its row for the cause), so its figures may not describe the server"
                        + " alone"), latency.warnings());
        assertTrue(report.verdict().notes().contains("cells that lost events: jetty-sse-http1.1"));
        assertTrue(report.verdict().notes().contains("saturated cells (the cause is under each row): jetty-sse-http1.1"));
    }

    @Test
    void failedCellsDoNotCompete() throws IOException {
        RunReport report = run(new Cell("jetty-sse-http1.1", 1000, 0, false, null, "failed"),
                new Cell("jetty-websocket-http1.1", 4000));

        Verdict.Finding latency = finding(report, Verdict.Criterion.LATENCY);

        assertEquals("jetty-websocket-http1.1", latency.best().configuration());
        assertNull(latency.runnerUp());
        assertEquals(List.of("not in the verdict (failed): jetty-sse-http1.1"), report.verdict().notes());
    }

    @Test
    void withoutCostsCpuIsDerivedFromProcessSnapshotsAndSaysSo() throws IOException {
        RunReport report = run(new Cell("jetty-sse-http1.1", 4000), new Cell("jetty-websocket-http1.1", 3000));

        Verdict.Finding cpu = finding(report, Verdict.Criterion.CPU);
        Verdict.Finding memory = finding(report, Verdict.Criterion.MEMORY);

        // 0.3 s of server CPU + 0.5 s of load generator CPU over 1,000 events: 800 µs each
        assertEquals(800, cpu.best().value(), 1e-9);
        assertTrue(cpu.figure().startsWith("CPU per delivered message, derived"), cpu.figure());
        assertEquals(List.of("within noise: the margin is 0.0 %, under 10 %"), cpu.warnings());
        assertNull(memory.best());
        assertEquals("not measured in this run: no cell has costs.server.heapBytesPerConnection", memory.unavailable());
    }

    @Test
    void withCostsCpuAndMemoryComeFromThem() throws IOException {
        RunReport report = run(
                new Cell("jetty-sse-http1.1", 4000, 0, false, """
                        {"server":{"cpuMicrosPerMessage":20,"heapBytesPerConnection":4096},
                         "loadgen":{"cpuMicrosPerMessage":30},"wire":{"bytesDownPerMessage":180}}""", "ok"),
                new Cell("jetty-websocket-http1.1", 3000, 0, false, """
                        {"server":{"cpuMicrosPerMessage":10,"heapBytesPerConnection":8192},
                         "loadgen":{"cpuMicrosPerMessage":15},"polling":{"requestsPerMessage":1.5}}""", "ok"));

        Verdict.Finding cpu = finding(report, Verdict.Criterion.CPU);
        Verdict.Finding memory = finding(report, Verdict.Criterion.MEMORY);

        assertEquals("jetty-websocket-http1.1", cpu.best().configuration());
        assertEquals(25, cpu.best().value(), 1e-9, "server + load generator");
        assertEquals("+100 %", cpu.margin());
        assertTrue(cpu.figure().startsWith("CPU per delivered message (costs.server + costs.loadgen"), cpu.figure());
        assertEquals("jetty-sse-http1.1", memory.best().configuration());
        assertEquals("jetty-sse-http1.1 4.0 KiB; runner-up jetty-websocket-http1.1 8.0 KiB (+100 %)", memory.summary());
    }

    @Test
    void theReportRendersCostsWhenPresentAndNeverCrashesWhenAbsent() throws IOException {
        RunReport withCosts = run(
                new Cell("jetty-sse-http1.1", 4000, 0, false, """
                        {"server":{"cpuMicrosPerMessage":20,"heapBytesPerConnection":4096,"rssBytesPerConnection":9000},
                         "loadgen":{"cpuMicrosPerMessage":30},"wire":{"bytesDownPerMessage":180,"bytesUpPerMessage":2},
                         "polling":{"requestsPerMessage":1.5,"emptyResponseRatio":0.25}}""", "ok"),
                new Cell("jetty-websocket-http1.1", 3000, 0, false, "{\"server\":{}}", "ok"));
        Path withDir = results.resolve(withCosts.runId());
        RunReport without = run(new Cell("jetty-sse-http1.1", 4000));

        String html = Files.readString(ReportWriter.write(withDir), StandardCharsets.UTF_8);
        ChartSet charts = ChartSet.read(withDir, withCosts.cells());
        String plain = Files.readString(ReportWriter.write(results.resolve(without.runId())), StandardCharsets.UTF_8);

        assertTrue(html.contains("data-k=\"heap\""), "a heap column");
        assertTrue(html.contains("data-k=\"bytes-down\""), "a bytes column");
        assertTrue(html.contains("data-k=\"requests\""), "a requests column");
        assertTrue(html.contains("empty poll answers 25.0 %"), "context line");
        assertEquals(List.of("cost-cpu", "cost-bytes", "cost-memory", "cost-requests"),
                charts.charts().stream().map(ChartSet.Chart::id).toList(), "no hlogs here: cost charts only");
        assertTrue(plain.contains("Memory per connection"), plain);
        assertTrue(plain.contains("not measured in this run"), plain);
        assertTrue(plain.contains("data-k=\"cpu-server\""), "derived CPU still has a column");
    }
}
