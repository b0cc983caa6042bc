package dev.pushbench.report;

import static dev.pushbench.report.ReportWriterTest.cellBody;
import static dev.pushbench.report.ReportWriterTest.figure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with faults and an emulated link ({@link FaultRun}): the "Recovery" section groups the faulted cells by
 * the faults they were given and ranks them by stale time per hit, with every figure as stored; the outage's loss
 * is said to be every transport's; the faults are marked on the latency-over-time chart at their time after the
 * window began; shaped cells show their link, and the relay's CPU is a cost column of its own. Runs without
 * faults or links show none of it.
 */
class RecoveryReportTest {
    @TempDir
    Path results;

    @Test
    void faultedCellsAreGroupedByTheirFaultsAndRankedByStaleTimePerHit() throws IOException {
        RunReport report = RunReport.read(FaultRun.write(results));
        Recovery recovery = report.recovery();

        assertEquals(List.of("cut (reset) + blackhole", "restart", "cut (drop)"),
                recovery.groups().stream().map(Recovery.Group::kinds).toList());
        assertEquals(List.of(FaultRun.SSE_4G, FaultRun.WS_4G), names(recovery.groups().get(0)),
                "SSE was stale 1.50 s per hit, WebSocket 16.0 s");
        assertEquals(List.of(FaultRun.LP_RESTART, FaultRun.SSE_RESTART), names(recovery.groups().get(1)),
                "long polling was stale 1.40 s per hit, SSE 4.00 s: ranked, not in the report's order");
        assertEquals(List.of(FaultRun.SP_CALM), recovery.unfaulted());
        assertTrue(recovery.anyOutage());

        Recovery.Row sse = recovery.groups().get(0).rows().get(0);
        assertEquals("1 × cut (reset), 1 × blackhole", sse.faults());
        assertEquals(List.of("cut (reset) at 3.02 s: 50 connections", "blackhole at 6.01 s: 50 connections"),
                sse.timeline(), "on the window's clock: atNanos − window.startNanos");
        assertEquals(List.of("100", "1.00 ms", "2.10 s", "2.40 s", "2.30 s", "4.00 s", "150 s", "1.50 s"),
                List.of(sse.hit(), sse.detectP50(), sse.detectP99(), sse.detectMax(), sse.resumeP50(), sse.resumeP99(),
                        sse.staleTotal(), sse.stalePerHit()));
        assertEquals(List.of("0", "0", "40", "—", "35 / s"),
                List.of(sse.lost(), sse.duplicated(), sse.late(), sse.lostInOutage(), sse.reconnectPeak()));
        Recovery.Row ws = recovery.groups().get(0).rows().get(1);
        assertEquals("12", ws.lost());
        assertTrue(ws.lostAny());
        assertEquals("30.0 s", ws.detectP99(), "a blackhole found only by a 30 s heartbeat");

        Recovery.Row lp = recovery.groups().get(1).rows().get(0);
        assertEquals(List.of("restart at 5.00 s: 100 connections, down 1.20 s, new server listening on the same port"),
                lp.timeline());
        assertEquals("2,400", lp.lostInOutage());
        assertTrue(lp.outageAny());
        assertEquals("100 / s", lp.reconnectPeak());

        Recovery.Row dropped = recovery.groups().get(2).rows().get(0);
        assertEquals(List.of("cut (drop) at 4.00 s (planned): 10 connections"), dropped.timeline(),
                "no atNanos: the planned time, said so");
        assertEquals("10", dropped.hit(), "no resilience: the runner's count");
        assertEquals("—", dropped.stalePerHit());
    }

    @Test
    void theSectionShowsEveryFigureAndSaysTheOutageIsEveryTransportsLoss() throws IOException {
        String html = Files.readString(ReportWriter.write(FaultRun.write(results)), StandardCharsets.UTF_8);

        assertTrue(html.indexOf("id=\"results\"") < html.indexOf("id=\"recovery\"")
                && html.indexOf("id=\"recovery\"") < html.indexOf("id=\"charts\""), "after the table, before the charts");
        String section = html.substring(html.indexOf("<section class=\"recovery\" id=\"recovery\">"));
        section = section.substring(0, section.indexOf("</section>"));
        assertTrue(section.contains("every transport loses them"), section);
        assertTrue(section.contains("This loss is every transport&#39;s and not the transport&#39;s fault"), section);
        for (String figure : List.of("Detect", "Resume", "Stale", "Lost, Dup., Late", "Lost in outage", "Reconnect peak",
                "Faults applied")) {
            assertTrue(section.contains("<dt>" + figure + "</dt><dd>"), "a paragraph on " + figure + ": " + section);
        }
        assertTrue(section.contains("<tr data-cell=\"" + FaultRun.SSE_4G + "\"><td><a href=\"#cell-" + FaultRun.SSE_4G
                + "\">jetty · sse · http1.1 · over 4g</a></td><td>1 × cut (reset), 1 × blackhole"
                + "<div class=\"detail by-kind\">cut-reset: 75 hit, detect p50 1.00 ms, max 2.40 s, stale 1.20 s per hit"
                + " · blackhole: 25 hit, detect p50 4.00 s, max 4.30 s, stale 2.40 s per hit</div><details class=\"detail\">"
                + "<summary>when</summary>cut (reset) at 3.02 s: 50 connections · blackhole at 6.01 s: 50 connections"
                + "</details></td>"
                + "<td class=\"num\">100</td><td class=\"num\">1.00 ms</td><td class=\"num\">2.10 s</td>"), section);
        assertTrue(section.contains("<td class=\"num bad\">12</td>"), "WebSocket's loss across reconnects is red: " + section);
        assertTrue(section.contains("<td class=\"num outage\">2,400</td>"), section);
        assertTrue(section.indexOf("data-cell=\"" + FaultRun.LP_RESTART + "\"")
                < section.indexOf("data-cell=\"" + FaultRun.SSE_RESTART + "\""), "ranked by stale time per hit");
        assertTrue(section.contains("No faults were applied in: " + FaultRun.SP_CALM + "."), section);
    }

    @Test
    void faultsAreMarkedOnTheLatencyOverTimeChartAtTheirTimeAfterTheWindowBegan() throws IOException {
        Path runDir = FaultRun.write(results);
        RunReport report = RunReport.read(runDir);
        ChartSet charts = ChartSet.read(runDir, report.cells());

        ChartSet.Chart overTime = charts.charts().stream().filter(c -> c.id().equals("latency-over-time"))
                .findFirst().orElseThrow();
        assertEquals(6, overTime.markers().size(), "two faults on each 4g cell, one restart on two cells: "
                + overTime.markers());
        ChartSet.Marker cut = overTime.markers().get(0);
        assertEquals(FaultRun.WINDOW_INTO_LOG_SECONDS + 3.02, cut.x(), 1e-9, "the window's start in the log + 3.02 s");
        assertEquals("cut", cut.label());
        assertEquals("blackhole", overTime.markers().get(1).label());
        assertEquals(8.01, overTime.markers().get(1).x(), 1e-9);
        assertEquals(List.of("cut", "blackhole", "cut", "blackhole", "restart", "restart"),
                overTime.markers().stream().map(ChartSet.Marker::label).toList());
        String sseColour = overTime.series().stream().filter(s -> s.label().equals("sse-http1.1-4g p99")).findFirst()
                .orElseThrow().color();
        assertEquals(sseColour, cut.color(), "a marker has its cell's colour");
        assertTrue(overTime.caption().contains("vertical dashed line"), overTime.caption());
        assertTrue(charts.problems().contains(FaultRun.SSE_H2C_FAILED + "'s faults are not marked on the"
                + " latency-over-time chart: it has no latency.hlog interval with latency samples to place the window's"
                + " start on"), charts.problems().toString());

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertTrue(html.contains("\"markers\":[{\"x\":5.02,\"label\":\"cut\",\"color\":\"" + sseColour + "\"}"), html);
    }

    @Test
    void aShapedCellShowsItsLinkAndTheRelaysCostIsItsOwnColumn() throws IOException {
        Path runDir = FaultRun.write(results);
        RunReport report = RunReport.read(runDir);
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        String figures = "rtt 150 ms ± 20.0 ms jitter · down 8 Mbit/s · up 2 Mbit/s · a stall of 500 ms every 30.0 s"
                + " (mean) · MTU 1500";
        assertEquals(List.of(new Links.Line("4g", figures, List.of(FaultRun.SSE_4G, FaultRun.WS_4G, FaultRun.SSE_H2C_FAILED))),
                report.links().lines());
        String sse = cellBody(html, FaultRun.SSE_4G);
        assertTrue(sse.contains("<div class=\"link\" title=\"" + figures + "\">over 4g</div>"), sse);
        assertTrue(sse.contains("over 4g: " + figures), "and in the notes beneath the row: " + sse);
        assertEquals("4.5 µs", figure(sse, "cpu-relay"));
        assertTrue(sse.contains("link relay CPU 4.5 µs per message, 7.5 % (the link's, neither the server's nor"
                + " the client's)"), sse);
        assertTrue(html.contains("title=\"the link relay&#39;s CPU time per delivered message (costs.relay): the emulated"
                + " link&#39;s, neither the server&#39;s nor the load generator&#39;s\">relay</th>"), "its own column");
        assertEquals("150 µs", figure(sse, "cpu-server"), "the server's CPU leaves the relay's out");

        String loopback = cellBody(html, FaultRun.SSE_RESTART);
        assertFalse(loopback.contains("class=\"link\""), "network none is loopback: " + loopback);
        assertEquals("—", figure(loopback, "cpu-relay"));
        assertTrue(html.contains("<li><b>4g</b>: " + figures), "the Links note");

        CellRow failed = report.cells().stream().filter(c -> c.name().equals(FaultRun.SSE_H2C_FAILED)).findFirst()
                .orElseThrow();
        assertEquals("jetty · sse · h2c · over 4g", failed.label());
    }

    @Test
    void runsWithoutFaultsOrLinksShowNoneOfIt() throws IOException {
        for (Path runDir : List.of(ProxyRun.write(results), ResultsTree.copyFixture(RunFormatsTest.OLD_FORMAT_RUN, results))) {
            RunReport report = RunReport.read(runDir);
            String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

            assertTrue(report.recovery().isEmpty(), runDir.toString());
            assertTrue(report.links().isEmpty(), runDir.toString());
            assertFalse(html.contains("id=\"recovery\""), "no section without faults");
            assertFalse(html.contains("id=\"links\""), "no links note without shaped cells");
            assertFalse(html.contains("data-k=\"cpu-relay\""), "no relay column without a relay");
            assertFalse(html.contains("\"markers\""), "no markers without faults");
        }
    }

    @Test
    void aNetworkInACellsNameIsItsNetworkNotItsPath() {
        assertArrayEquals(new String[] {"jetty", "sse", "http1.1", null, null, "4g"}, CellRow.splitName("jetty-sse-http1.1-4g"));
        assertArrayEquals(new String[] {"jetty", "long-polling", "h2c", "nginx-push", null, "3g"},
                CellRow.splitName("jetty-long-polling-h2c-nginx-push-3g"));
        assertArrayEquals(new String[] {"vertx", "sse", "http1.1", "nginx-stock", "false", "satellite"},
                CellRow.splitName("vertx-sse-http1.1-nginx-stock-satellite-nohints"));
    }

    private static List<String> names(Recovery.Group group) {
        return group.rows().stream().map(r -> r.cell().name()).toList();
    }
}
