package dev.pushbench.report;

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
 * A two-way run ({@link TwoWayRun}): the "Two-way" section lists every cell with {@code upstream} and its figures as
 * stored, flags failed messages, and writes its comparisons from the numbers (the second HTTP/1.1 connection against
 * h2c, WebSocket in-band against SSE + POST) with the 10 % noise margin; one-way runs show none of it.
 */
class TwoWayReportTest {
    @TempDir
    Path results;

    @Test
    void everyTwoWayCellIsARowWithItsFiguresAsStored() throws IOException {
        TwoWay twoWay = RunReport.read(TwoWayRun.write(results)).twoWay();
        assertEquals(List.of(TwoWayRun.SSE_H1, TwoWayRun.SSE_H2C, TwoWayRun.WS_H1, TwoWayRun.WS_H2C, TwoWayRun.LP_H1),
                twoWay.rows().stream().map(r -> r.cell().name()).toList(), "short polling published nothing: no row");
        TwoWay.Row sse = twoWay.rows().get(0);
        assertEquals(List.of("post-separate-connection", "2", "1,300", "0", "900 µs", "2.70 ms", "1.60 ms", "5.00 ms",
                        "1.40 ms", "4.20 ms", "620 B", "52 µs", "2.60 µs", "12 µs"),
                List.of(sse.path(), sse.connectionsPerClient(), sse.published(), sse.failed(), sse.ackP50(), sse.ackP99(),
                        sse.echoP50(), sse.echoP99(), sse.deliveryP50(), sse.deliveryP99(), sse.bytesUp(),
                        sse.serverCpuPerPublished(), sse.serverCpuPerDelivered(), sse.loadgenCpu()));
        assertFalse(sse.failedAny());
        TwoWay.Row lp = twoWay.rows().get(4);
        assertTrue(lp.failedAny());
        assertEquals(List.of("jetty \u00b7 long-polling \u00b7 http1.1: 3 of 1,300 published messages failed (refused, or"
                + " never answered because their connection ended); its figures count only those that went through"),
                twoWay.warnings());
    }

    @Test
    void theComparisonsAreWrittenFromTheFigures() throws IOException {
        TwoWay twoWay = RunReport.read(TwoWayRun.write(results)).twoWay();
        assertEquals(List.of(
                "sse: echo p50 1.20 ms \u2013 1.60 ms, echo p99 3.90 ms \u2013 5.00 ms, server CPU per published 50 µs"
                        + " \u2013 52 µs, bytes up per message 410 B \u2013 620 B (2 cells)",
                "websocket: echo p50 800 µs \u2013 1.15 ms, echo p99 3.00 ms \u2013 4.00 ms, server CPU per published"
                        + " 49 µs \u2013 70 µs, bytes up per message 330 B \u2013 350 B (2 cells)",
                "long-polling: echo p50 2.20 ms, echo p99 9.00 ms, server CPU per published 80 µs, bytes up per message"
                        + " 900 B (1 cell)"), twoWay.perTransport());
        assertEquals(List.of("jetty \u00b7 sse: http1.1 holds 2 connections per client, h2c 1 connection; echo p50"
                + " 1.60 ms vs 1.20 ms (h2c lower by 25 %); echo p99 5.00 ms vs 3.90 ms (h2c lower by 22 %); server CPU"
                + " per published 52 µs vs 50 µs (within noise); bytes up per message 620 B vs 410 B (h2c lower by"
                + " 34 %); server heap per client 4.9 KiB vs 4.9 KiB (within noise)"), twoWay.extraConnection(),
                "long polling has no h2c twin: no line");
        assertEquals(List.of(
                "jetty \u00b7 http1.1: in-band wins (WebSocket lower on 3, higher on 0, within noise on 1 of 4 figures):"
                        + " echo p50 800 µs vs 1.60 ms (WebSocket lower by 50 %); echo p99 3.00 ms vs 5.00 ms (WebSocket"
                        + " lower by 40 %); server CPU per published 49 µs vs 52 µs (within noise); bytes up per"
                        + " message 330 B vs 620 B (WebSocket lower by 47 %)",
                "jetty \u00b7 h2c: mixed (WebSocket lower on 1, higher on 1, within noise on 2 of 4 figures): echo p50"
                        + " 1.15 ms vs 1.20 ms (within noise); echo p99 4.00 ms vs 3.90 ms (within noise); server CPU per"
                        + " published 70 µs vs 50 µs (SSE + POST lower by 29 %); bytes up per message 350 B vs 410 B"
                        + " (WebSocket lower by 15 %)"), twoWay.inBand());
    }

    @Test
    void thePageShowsTheSectionAndAOneWayRunDoesNot() throws IOException {
        String html = Files.readString(ReportWriter.write(TwoWayRun.write(results)), StandardCharsets.UTF_8);
        assertTrue(html.contains("<section class=\"two-way\" id=\"two-way\">"), "the section is there");
        assertTrue(html.contains("<tr data-cell=\"jetty-long-polling-http1.1\">"), "a row per two-way cell");
        assertTrue(html.contains("<td class=\"num bad\">3</td>"), "failed messages are flagged");
        assertTrue(html.contains("What HTTP/1.1&#39;s second connection costs"));
        assertTrue(html.contains("WebSocket in-band against SSE + POST"));

        String oneWay = Files.readString(ReportWriter.write(FaultRun.write(results)), StandardCharsets.UTF_8);
        assertFalse(oneWay.contains("id=\"two-way\""), "no publishers, no section");
        assertTrue(RunReport.read(results.resolve(FaultRun.RUN_ID)).twoWay().isEmpty());
    }
}
