package dev.pushbench.report;

import static dev.pushbench.report.ResultsTree.QUICK_RUN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    private static final Pattern CELL_BODY = Pattern.compile("<tbody class=\"cell\" id=\"cell-([^\"]*)\">(.*?)</tbody>",
            Pattern.DOTALL);

    @TempDir
    Path results;

    @Test
    void writesOneRowGroupPerListedCellInRunJsonOrder() throws IOException {
        Path runDir = ResultsTree.copyFixture(QUICK_RUN, results);

        Path written = ReportWriter.write(runDir);

        assertEquals(runDir.resolve("report.html"), written);
        List<String> cells = new ArrayList<>();
        Matcher body = CELL_BODY.matcher(read(written));
        while (body.find()) {
            cells.add(body.group(1));
        }
        assertEquals(List.of("jetty-sse-http1.1", "jetty-long-polling-h2c", "vertx-websocket-h2c",
                "jetty-short-polling-http1.1"), cells);
    }

    @Test
    void showsFiguresForOkCellsAndReasonsForTheOthers() throws IOException {
        Path runDir = ResultsTree.copyFixture(QUICK_RUN, results);

        String html = read(ReportWriter.write(runDir));

        String ok = cellBody(html, "jetty-sse-http1.1");
        assertTrue(ok.contains("<span class=\"status ok\">ok</span>"), ok);
        assertTrue(ok.contains(">4,998 / 5,000</td>"), "delivered / expected: " + ok);
        assertTrue(ok.contains("title=\"99.96 % delivered\""), ok);
        assertEquals("2", figure(ok, "lost"));
        assertTrue(figureTag(ok, "lost").contains("class=\"num bad"), "lost shown as bad: " + ok);
        // intended: p50 p90 p99 p99.9 max, each humane with the stored value on hover and for sorting
        assertEquals(List.of("700 µs", "1.10 ms", "2.90 ms", "4.10 ms", "5.20 ms"),
                figures(ok, "p50", "p90", "p99", "p999", "max"));
        assertTrue(figureTag(ok, "p90").contains("data-v=\"1100\" title=\"1100 µs\""), ok);
        assertTrue(ok.indexOf(">intended</td>") < ok.indexOf("data-k=\"p50\""), ok);
        assertEquals(List.of("610 µs", "950 µs", "2.30 ms", "3.40 ms", "4.80 ms"),
                figures(ok, "actual-p50", "actual-p90", "actual-p99", "actual-p999", "actual-max"));
        assertTrue(ok.indexOf(">actual send</td>") < ok.indexOf("data-k=\"actual-p50\""), ok);
        assertEquals(List.of("980 µs", "3.90 ms"), figures(ok, "connect-p50", "connect-p99"), "connect p50, p99");
        assertTrue(ok.contains("subscribers that lost events: 1"), ok);

        String failed = cellBody(html, "jetty-long-polling-h2c");
        assertTrue(failed.contains("<span class=\"status failed\">failed</span>"), failed);
        assertTrue(failed.contains("verify failed: hold timeout answered 200 with a body, expected an empty batch"),
                failed);

        String unsupported = cellBody(html, "vertx-websocket-h2c");
        assertTrue(unsupported.contains("<span class=\"status unsupported\">unsupported</span>"), unsupported);
        assertTrue(unsupported.contains("this stack offers no WebSocket over h2c (RFC 8441 extended CONNECT)"),
                unsupported);

        String missing = cellBody(html, "jetty-short-polling-http1.1");
        assertTrue(missing.contains("<span class=\"status not-run\">not run</span>"), missing);
        assertTrue(missing.contains("<b>short-polling</b><div class=\"stack\">http1.1 \u00b7 jetty</div>"), missing);
        assertTrue(missing.contains("not run: no summary.json"), missing);
    }

    @Test
    void linksRawFilesRelativelyAndOnlyWhenTheyExist() throws IOException {
        Path runDir = ResultsTree.copyFixture(QUICK_RUN, results);

        String html = read(ReportWriter.write(runDir));

        String ok = cellBody(html, "jetty-sse-http1.1");
        for (String file : List.of("summary.json", "latency.hlog", "server.log", "loadgen.log")) {
            assertTrue(ok.contains("href=\"cells/jetty-sse-http1.1/" + file + "\""), file + " in " + ok);
        }
        String failed = cellBody(html, "jetty-long-polling-h2c");
        assertTrue(failed.contains("href=\"cells/jetty-long-polling-h2c/server.log\""), failed);
        assertFalse(failed.contains("latency.hlog"), failed);
        assertFalse(cellBody(html, "jetty-short-polling-http1.1").contains("href="));
        assertTrue(html.contains("<a href=\"scenario.yaml\">scenario.yaml</a>"));
        assertTrue(html.contains("<a href=\"run.json\">run.json</a>"));
    }

    @Test
    void isSelfContained() throws IOException {
        Path runDir = ResultsTree.copyFixture(ResultsTree.MINI_RUN, results);

        String html = read(ReportWriter.write(runDir));

        // Only the page's own inline scripts: uPlot, the report's script, and the chart data block.
        assertEquals(3, count(html, "<script"), "scripts");
        assertTrue(html.contains("<script>" + Assets.uplotJs() + "</script>"), "uPlot inlined");
        assertTrue(html.contains("<script>" + Assets.reportJs() + "</script>"), "report.js inlined");
        assertTrue(html.contains("<script type=\"application/json\" id=\"chart-data\">{\"charts\":["));
        assertTrue(html.contains("script-src " + Assets.cspHash(Assets.uplotJs()) + " "
                + Assets.cspHash(Assets.reportJs()) + ";"), "the CSP allows exactly these two scripts");
        assertFalse(html.contains("unsafe-eval") || html.contains("script-src 'unsafe-inline'"));
        String ownText = html.replace(Assets.uplotJs(), "").replace(Assets.uplotCss(), "")
                .replace(Assets.reportJs(), "");
        assertFalse(ownText.contains("<link"), "no stylesheets or fonts fetched");
        assertFalse(ownText.contains("src=\""), "no embedded resources fetched");
        assertFalse(ownText.contains("url("), "no CSS fetches");
        assertFalse(ownText.contains("//"), "no absolute or protocol-relative address");
        assertTrue(html.contains("<style>"));
        assertTrue(html.contains("default-src 'none'"), "a CSP forbids every fetch, as a second line of defence");
        assertTrue(html.contains("thead { position: sticky; top: 0;"), "the header stays in view");
        assertTrue(html.contains("@media print"), "printing drops the sticky header and keeps cells whole");
    }

    @Test
    void aFailedCellWithFiguresShowsThemAndItsReasonBeneath() throws IOException {
        Path runDir = results.resolve("20261125-190000-midway");
        ResultsTree.write(runDir, "run.json", """
                {"status":"complete","scenario":{"name":"midway"},"cells":["jetty-short-polling-h2c"]}
                """);
        ResultsTree.write(runDir, "cells/jetty-short-polling-h2c/summary.json", """
                {"cell":{"stack":"jetty","transport":"short-polling","protocol":"h2c"},"status":"failed",
                 "reason":"server exited with code 137 during measurement",
                 "connections":{"target":50,"connected":40,"connectFailures":10,"reconnects":3},
                 "delivery":{"expected":1000,"delivered":400,"lost":600,"duplicated":0,"reordered":0},
                 "latencyMicros":{"p50":250000,"p90":450000,"p99":495000,"p999":499000,"max":1500000},
                 "loadgen":{"cpuPercent":99.1,"saturated":true}}
                """);

        String row = cellBody(read(ReportWriter.write(runDir)), "jetty-short-polling-h2c");

        assertTrue(row.contains("<span class=\"status failed\">failed</span>"), row);
        assertTrue(row.contains("<div class=\"reason\">failed: server exited with code 137 during measurement</div>"),
                row);
        assertTrue(row.contains(">staleness</td>"), row);
        assertEquals("250 ms", figure(row, "p50"));
        assertEquals("1.50 s", figure(row, "max"));
        assertEquals("40 / 50", figure(row, "connected"));
        assertTrue(figureTag(row, "connected").contains("class=\"num bad\""), row);
        assertTrue(figureTag(row, "connected").contains("title=\"connect failures 10, reconnects 3\""), row);
        assertTrue(row.contains("the load generator was saturated (CPU 99.1 %)"), row);
        assertTrue(row.contains("failed connection attempts: 10"), row);
        assertTrue(row.contains("only 40 of 50 connections were established"), row);
    }

    @Test
    void marksAnInterruptedRunAsPartial() throws IOException {
        Path runDir = ResultsTree.copyFixture(QUICK_RUN, results);

        String html = read(ReportWriter.write(runDir));

        assertTrue(html.contains("<span class=\"status interrupted\">interrupted (partial)</span>"));
        assertTrue(html.contains("<p class=\"banner partial\">Partial results: this run was interrupted."
                + " 3 of 4 cells have results"));
    }

    @Test
    void marksARunningRunAndAStatuslessRunAsPartial() throws IOException {
        Path running = writeRun("running-run", "\"status\":\"running\",");
        Path statusless = writeRun("statusless-run", "");

        String runningHtml = read(ReportWriter.write(running));
        String statuslessHtml = read(ReportWriter.write(statusless));

        assertTrue(runningHtml.contains("running (partial)"));
        assertTrue(runningHtml.contains("class=\"banner partial\">Partial results: this run was still running"));
        assertTrue(statuslessHtml.contains("unknown (partial)"));
        assertTrue(statuslessHtml.contains("class=\"banner partial\">Partial results: run.json records no status"));
    }

    @Test
    void aCompleteRunWithEveryCellHasNoBanner() throws IOException {
        Path runDir = writeRun("complete-run", "\"status\":\"complete\",");

        String html = read(ReportWriter.write(runDir));

        assertTrue(html.contains("<span class=\"status complete\">complete</span>"));
        assertFalse(html.contains("class=\"banner"));
    }

    @Test
    void aCompleteRunMissingACellSaysSo() throws IOException {
        Path runDir = writeRun("complete-run", "\"status\":\"complete\",");
        Files.delete(runDir.resolve("cells/jetty-sse-http1.1/summary.json"));

        String html = read(ReportWriter.write(runDir));

        assertTrue(html.contains("complete (partial)"));
        assertTrue(html.contains("Incomplete: run.json says complete, but 1 of 1 cells have no summary.json."));
    }

    @Test
    void escapesEveryTextThatComesFromFiles() throws IOException {
        Path runDir = results.resolve("20261125-160000-evil");
        ResultsTree.write(runDir, "run.json", """
                {"runId":"20261125-160000-<i>evil</i>","status":"<b>odd</b>",
                 "scenario":{"name":"<script>alert(1)</script>","description":"a & b <img src=x onerror=alert(2)>",
                   "file":"\\"><script>alert(3)</script>","resolved":{"k":"</pre><script>alert(4)</script>"}},
                 "git":{"commit":"<u>c</u>"},"libraries":{"<x>":"1 & 2"},
                 "clockCheck":{"ok":false,"method":"'quoted'","detail":"<detail>"},
                 "cells":["jetty-sse-http1.1","jetty-sse-h2c","\\"><script>alert(5)</script>","../../etc"]}
                """);
        ResultsTree.write(runDir, "cells/jetty-sse-http1.1/summary.json", """
                {"cell":{"stack":"<s>jetty</s>","transport":"sse","protocol":"http1.1"},"status":"failed",
                 "reason":"<script>alert(6)</script>"}
                """);
        ResultsTree.write(runDir, "cells/jetty-sse-h2c/summary.json", """
                {"cell":{"stack":"jetty","transport":"sse","protocol":"h2c"},"status":"<blink>weird</blink>",
                 "latencyMicros":{"p50":"<i>fast</i>"}}
                """);
        ResultsTree.write(runDir, "cells/jetty-sse-h2c/<odd>&name.log", "x");

        String html = read(ReportWriter.write(runDir));

        String fromFiles = html.substring(0, html.indexOf("</main>"));
        for (String raw : List.of("<script", "<img", "<b>odd", "<i>evil", "<i>fast", "<u>c", "<s>jetty",
                "<blink>", "<x>", "<detail>", "</pre><script")) {
            assertFalse(fromFiles.contains(raw), raw + " must appear only escaped");
        }
        assertTrue(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; \u00b7 20261125-160000-&lt;i&gt;evil"));
        assertTrue(html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
        assertTrue(html.contains("a &amp; b &lt;img src=x onerror=alert(2)&gt;"));
        assertTrue(html.contains("\"&gt;&lt;script&gt;alert(3)&lt;/script&gt;"), "scenario file");
        assertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;"), "resolved scenario");
        assertTrue(html.contains("&lt;b&gt;odd&lt;/b&gt; (partial)"), "run status");
        assertTrue(html.contains("<code>&lt;u&gt;c&lt;/u&gt;</code>"), "commit");
        assertTrue(html.contains("&lt;x&gt; 1 &amp; 2"), "libraries");
        assertTrue(html.contains("'quoted' \u00b7 &lt;detail&gt;"), "clock check");
        assertTrue(html.contains("&lt;s&gt;jetty&lt;/s&gt;"), "stack");
        assertTrue(html.contains(">&lt;script&gt;alert(6)&lt;/script&gt;</td>"), "reason");
        assertTrue(html.contains("&lt;blink&gt;weird&lt;/blink&gt;"), "unknown cell status");
        assertTrue(html.contains("latencyMicros.p50 should be a number, found \"&lt;i&gt;fast&lt;/i&gt;\"; shown as absent"),
                "mistyped field note");

        // In an attribute jte escapes " ' & < (a > cannot end a quoted value).
        String scriptCell = cellBody(html, "&#34;>&lt;script>alert(5)&lt;/script>");
        assertTrue(scriptCell.contains("cell name is not a plain directory name"), scriptCell);
        String escapingCell = cellBody(html, "../../etc");
        assertTrue(escapingCell.contains("cell name is not a plain directory name"), escapingCell);
        assertFalse(escapingCell.contains("href="), "no link out of cells/: " + escapingCell);
        assertTrue(html.contains("<a href=\"cells/jetty-sse-h2c/%3Codd%3E%26name.log\">&lt;odd&gt;&amp;name.log</a>"),
                "an odd file name is percent-encoded in the link and escaped in the text");
    }

    @Test
    void aMalformedSummaryMarksOnlyItsOwnRow() throws IOException {
        Path runDir = results.resolve("20261125-170000-broken");
        ResultsTree.write(runDir, "run.json", """
                {"status":"complete","scenario":{"name":"broken"},
                 "cells":["jetty-sse-http1.1","jetty-sse-h2c","jetty-websocket-http1.1","jetty-websocket-h2c"]}
                """);
        ResultsTree.write(runDir, "cells/jetty-sse-http1.1/summary.json", "{\"status\": \"ok\", \"delivery\": {");
        ResultsTree.write(runDir, "cells/jetty-sse-h2c/summary.json", "");
        ResultsTree.write(runDir, "cells/jetty-websocket-http1.1/summary.json", "[1, 2]");
        ResultsTree.write(runDir, "cells/jetty-websocket-h2c/summary.json",
                ResultsTree.okSummary("jetty", "websocket", "h2c", 1234));

        String html = read(ReportWriter.write(runDir));

        String truncated = cellBody(html, "jetty-sse-http1.1");
        assertTrue(truncated.contains("<span class=\"status unreadable\">unreadable</span>"), truncated);
        assertTrue(truncated.contains("unreadable summary: Unexpected end-of-input"), truncated);
        assertTrue(truncated.contains("at line 1, column"), "says where: " + truncated);
        assertTrue(truncated.contains("href=\"cells/jetty-sse-http1.1/summary.json\""), "the broken file stays linked");
        assertTrue(cellBody(html, "jetty-sse-h2c").contains("unreadable summary: the file is empty"));
        assertTrue(cellBody(html, "jetty-websocket-http1.1")
                .contains("unreadable summary: expected a JSON object, found an array"));
        String intact = cellBody(html, "jetty-websocket-h2c");
        assertTrue(intact.contains("<span class=\"status ok\">ok</span>"), intact);
        assertTrue(intact.contains("title=\"1234 µs\">1.23 ms</td>"), intact);
    }

    @Test
    void mistypedFieldsBecomeNotesNotDefaults() throws IOException {
        Path runDir = results.resolve("20261125-173000-mistyped");
        ResultsTree.write(runDir, "run.json", """
                {"status":"complete","scenario":{"name":"mistyped"},"cores":"two","cells":["jetty-sse-http1.1"]}
                """);
        ResultsTree.write(runDir, "cells/jetty-sse-http1.1/summary.json", """
                {"cell":"jetty-sse-http1.1","status":"ok","delivery":5,"connections":{"target":"fifty"},
                 "latencyMicros":[700],"latencyActualMicros":{"p50":610,"p99":null},
                 "loadgen":{"saturated":"yes","cpuPercent":99.5}}
                """);

        RunReport report = RunReport.read(runDir);
        String html = read(ReportWriter.write(runDir));

        CellRow cell = report.cells().get(0);
        // in the document's order
        assertEquals(List.of(
                "summary.json: cell should be an object, found \"jetty-sse-http1.1\"; shown as absent",
                "summary.json: delivery should be an object, found 5; shown as absent",
                "summary.json: connections.target should be a number, found \"fifty\"; shown as absent",
                "summary.json: latencyMicros should be an object, found an array; shown as absent",
                "summary.json: loadgen.saturated should be true or false, found \"yes\"; shown as absent"), cell.notes());
        assertEquals(List.of("run.json: cores should be a number, found \"two\"; shown as absent"), report.notes());
        assertEquals("jetty", cell.stack(), "the directory name stands in for an unreadable cell object");
        assertNull(cell.delivery());
        assertNull(cell.latency());
        assertEquals("610", Format.plain(cell.latencyActual().p50()));
        assertNull(cell.latencyActual().p99(), "null is absent, not zero");
        String row = cellBody(html, "jetty-sse-http1.1");
        assertTrue(row.contains("delivery should be an object, found 5"), row);
        assertEquals("610 µs", figure(row, "actual-p50"));
    }

    @Test
    void anUnreadableRunJsonStillListsTheCellsItFinds() throws IOException {
        Path runDir = results.resolve("20261125-180000-lost");
        ResultsTree.write(runDir, "run.json", "{\"status\": ");
        ResultsTree.write(runDir, "cells/jetty-sse-http1.1/summary.json",
                ResultsTree.okSummary("jetty", "sse", "http1.1", 900));

        RunReport report = RunReport.read(runDir);
        String html = read(ReportWriter.write(runDir));

        assertEquals("20261125-180000-lost", report.runId(), "the directory names the run");
        assertTrue(report.notes().get(0).startsWith("run.json is unreadable: Unexpected end-of-input"),
                report.notes().toString());
        assertTrue(html.contains("unknown (partial)"));
        assertTrue(html.contains("<h1>unnamed scenario</h1>"));
        assertTrue(cellBody(html, "jetty-sse-http1.1").contains(">900 µs</td>"));
    }

    @Test
    void cellsFoundButNotListedAreShownAfterTheListedOnes() throws IOException {
        Path runDir = writeRun("extra-run", "\"status\":\"complete\",");
        ResultsTree.write(runDir, "cells/jetty-sse-h2c/summary.json", ResultsTree.okSummary("jetty", "sse", "h2c", 1));

        String html = read(ReportWriter.write(runDir));

        assertTrue(html.indexOf("id=\"cell-jetty-sse-http1.1\"") < html.indexOf("id=\"cell-jetty-sse-h2c\""));
        assertTrue(cellBody(html, "jetty-sse-h2c").contains("not listed in run.json"));
    }

    @Test
    void rejectsADirectoryThatIsNotARun() throws IOException {
        Path empty = Files.createDirectories(results.resolve("not-a-run"));

        IllegalArgumentException noManifest = assertThrows(IllegalArgumentException.class,
                () -> ReportWriter.write(empty));
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> ReportWriter.write(results.resolve("absent")));

        assertTrue(noManifest.getMessage().contains("runDir must hold run.json, none in " + empty),
                noManifest.getMessage());
        assertTrue(absent.getMessage().contains("does not exist"), absent.getMessage());
    }

    private Path writeRun(String directory, String statusField) throws IOException {
        Path runDir = results.resolve(directory);
        ResultsTree.write(runDir, "run.json", "{" + statusField
                + "\"scenario\":{\"name\":\"tiny\"},\"cells\":[\"jetty-sse-http1.1\"]}");
        ResultsTree.write(runDir, "cells/jetty-sse-http1.1/summary.json",
                ResultsTree.okSummary("jetty", "sse", "http1.1", 500));
        return runDir;
    }

    /** The shown text of the figure {@code key} (its {@code data-k}) in a row group. */
    static String figure(String body, String key) {
        Matcher m = Pattern.compile("<td[^>]*data-k=\"" + Pattern.quote(key) + "\"[^>]*>(.*?)</td>").matcher(body);
        assertTrue(m.find(), "no figure " + key + " in " + body);
        return m.group(1);
    }

    static List<String> figures(String body, String... keys) {
        List<String> shown = new ArrayList<>();
        for (String key : keys) {
            shown.add(figure(body, key));
        }
        return shown;
    }

    /** The opening tag of the figure {@code key}, with its classes, sort value and title. */
    static String figureTag(String body, String key) {
        Matcher m = Pattern.compile("<td[^>]*data-k=\"" + Pattern.quote(key) + "\"[^>]*>").matcher(body);
        assertTrue(m.find(), "no figure " + key + " in " + body);
        return m.group();
    }

    static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    static String cellBody(String html, String cell) {
        Matcher body = CELL_BODY.matcher(html);
        while (body.find()) {
            if (body.group(1).equals(cell)) {
                return body.group(2);
            }
        }
        throw new AssertionError("no row group for cell " + cell);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
