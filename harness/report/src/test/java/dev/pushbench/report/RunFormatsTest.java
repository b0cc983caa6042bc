package dev.pushbench.report;

import static dev.pushbench.report.ReportWriterTest.cellBody;
import static dev.pushbench.report.ReportWriterTest.figure;
import static dev.pushbench.report.ReportWriterTest.figureTag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report renders both formats a run directory can be in, and shows the figures its files hold: the
 * format of the commit before the results model (explicit nulls, {@code loadgen.saturated} decided by the
 * generator), copied from a real quick run, and the model's own (nulls left out), written here from
 * {@link CellResult} and {@link RunManifest} records with {@link JsonFiles}.
 */
class RunFormatsTest {
    /**
     * Four cells of a real quick run (20261129-051938, commit 1b84592), files as written; only run.json's
     * {@code cells} is cut down to the four copied: ok SSE, a saturated long-polling cell, an unsupported
     * one, and short polling over TLS.
     */
    static final String OLD_FORMAT_RUN = "20261129-051938-quick-old-format";

    @TempDir
    Path results;

    @Test
    void aRunWrittenInTheOldFormatShowsItsFigures() throws IOException {
        Path runDir = ResultsTree.copyFixture(OLD_FORMAT_RUN, results);

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        String sse = cellBody(html, "jetty-sse-http1.1");
        assertEquals("6.41 ms", figure(sse, "p99"), "latencyMicros.p99 6414.3");
        assertTrue(figureTag(sse, "p99").contains("title=\"6414.3 µs\""), sse);
        assertEquals("2,000 / 2,000", figure(sse, "delivered"));
        assertEquals("3.7 KiB", figure(sse, "heap"), "costs.server.heapBytesPerConnection 3793");
        assertTrue(figureTag(sse, "heap").contains("data-v=\"3793\""), sse);
        assertEquals("155 µs", figure(sse, "cpu-server"));
        assertEquals("45.0 ms", figure(sse, "connect-p50"), "connectMicros.p50 45023.2");
        assertTrue(sse.contains("publisher lag p99 36.9 ms"), sse);

        String saturated = cellBody(html, "jetty-long-polling-h2");
        assertEquals("146 ms", figure(saturated, "p99"), "latencyMicros.p99 145621.0");
        assertTrue(saturated.contains("saturated: server and load generator together used 197 % CPU of 200 % (2 cores):"
                + " the generator competed for CPU; these figures may not describe the server alone"),
                "the runner's cause of saturation is shown, not a CPU figure that was not the cause: " + saturated);

        String unsupported = cellBody(html, "vertx-websocket-h2c");
        assertTrue(unsupported.contains("<span class=\"status unsupported\">unsupported</span>"), unsupported);
        assertTrue(unsupported.contains("its HTTP/2 server has no RFC 8441 extended CONNECT"), unsupported);

        assertEquals("506 ms", figure(cellBody(html, "vertx-short-polling-https1.1"), "p99"));
        assertTrue(html.contains("<span class=\"status complete\">complete</span>"), "the cut-down run is whole");
        assertTrue(html.contains("<dt>commit</dt><dd><code>1b84592c3b64679d74cdc21f4b604a74e3e69538</code></dd>"));
        assertTrue(html.contains("<div class=\"plot\" id=\"chart-latency\">"), "charts from the copied hlogs");
        assertFalse(html.contains("should be"), "no field of the old format reads as mistyped");
    }

    @Test
    void aRunWrittenFromTheModelShowsItsFiguresAndItsAbsences() throws IOException {
        Path runDir = results.resolve("20261129-060000-new-format");
        String name = "vertx-sse-h2";
        Files.createDirectories(runDir.resolve("cells").resolve(name));
        JsonFiles.write(runDir.resolve("run.json"), manifest(name));
        JsonFiles.write(runDir.resolve("cells").resolve(name).resolve("summary.json"), cell(name));
        String summary = Files.readString(runDir.resolve("cells").resolve(name).resolve("summary.json"));
        assertFalse(summary.contains("null"), "the model's files leave absent figures out: " + summary);

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        String row = cellBody(html, name);
        assertEquals("2.35 ms", figure(row, "p99"));
        assertTrue(figureTag(row, "p99").contains("title=\"2345.6 µs\""), row);
        assertEquals("1,999 / 2,000", figure(row, "delivered"));
        assertEquals("1", figure(row, "lost"));
        assertEquals("4.9 KiB", figure(row, "heap"), "heapBytesPerConnection 5000");
        assertEquals("361 B", figure(row, "bytes-down"));
        assertEquals(Format.ABSENT, figure(row, "connect-p50"), "no connectMicros: absent, not zero");
        assertEquals(Format.ABSENT, figure(row, "actual-p99"), "no latencyActualMicros");
        assertTrue(row.contains("subscribers that lost events: 1"), row);
        assertTrue(row.contains("server heap per connection ramping up 4.9 KiB, closing down 4.7 KiB (the larger is shown)"), row);
        assertTrue(row.contains("⚠ " + LOADGEN_MEMORY_NOTE), "an inconclusive figure says why: " + row);
        assertTrue(html.contains("<p class=\"workload\"><b>Workload:</b> 50 connections · 5 topics × 20 events/s"
                + " · 256 B payload · measured 2.00 s after 500 ms warm-up</p>"), html);
        assertTrue(html.contains("<dt>libraries</dt><dd>vertx 5.0.7</dd>"));
        assertFalse(html.contains("should be"), "the model's own files read without a problem");
    }

    private static RunManifest manifest(String cell) {
        Map<String, Object> resolved = Map.of(
                "clients", Map.of("connections", 50),
                "feed", Map.of("topics", 5, "ratePerSecond", 20.0, "payloadBytes", 256),
                "timing", Map.of("warmupMillis", 500, "durationMillis", 2000, "repeats", 1));
        return new RunManifest("20261129-060000-new-format", RunManifest.COMPLETE, "2026-11-29T06:00:00Z",
                "2026-11-29T06:00:10Z", new RunManifest.ScenarioInfo("new-format", null, "quick.yaml", resolved),
                new RunManifest.Git("0123456789abcdef", false), new RunManifest.Jdk("17.0.15", "Debian", "OpenJDK", null),
                new RunManifest.Os("Linux", "6.18", "amd64"), 2, 25_276_026_880L, 20_000L, Map.of("vertx", "5.0.7"), "jetty",
                "Jetty HttpClient/WebSocketClient 12.1.14", List.of(cell), null,
                new RunManifest.ClockCheck(true, "nanoTime bracket", "yes"), null, null);
    }

    /** What the load generator's costs say of a figure whose slope came out negative (absent from the file). */
    private static final String LOADGEN_MEMORY_NOTE = "load generator direct memory per connection on the way down not"
            + " measurable here: the median slope of its points was negative (-834601 B per connection), so what a"
            + " connection holds is below the noise of these readings";

    private static CellResult cell(String name) {
        return new CellResult(new CellResult.Cell("vertx", "sse", "h2"), name, 1, CellStatus.OK, null,
                "2026-11-29T06:00:01Z", null, null,
                new CellResult.Connections(50L, 50L, 0L, 0L, 0L, 50L, 50L, 0.14),
                new CellResult.Delivery(2000L, 1999L, 1L, 0L, 0L, 0L, 1L, 0L),
                new HistogramSummary(1999L, 900.0, 800.0, 1500.0, 2345.6, 4000.0, 5000.0),
                null, null, null, null, null, null, null,
                new CellResult.Window(null, null, 0.5, 2.0, 0.1, 0.5),
                new CellResult.Loadgen(0.4, 20.0, 2, false, 0L, 0L, null, "jetty", "Jetty", null, 15.0, 35.0, null, 50L, 0L, 10.0, 0.3),
                "2026-11-29T06:00:08Z", 6.7,
                new CellResult.Costs(new CellResult.ProcessCosts(150.0, 5000L, 5000L, 4800L, null, 170_000L, 30, null),
                        new CellResult.ProcessCosts(200.0, null, null, null, null, null, 17, LOADGEN_MEMORY_NOTE),
                        new CellResult.Wire(360.5, 0.0, 721_000L, 0L, null), null),
                null, new CellResult.Server("Vert.x 5.0.7", 566L, null, null, 0L, null));
    }
}
