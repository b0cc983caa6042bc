package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexWriterTest {
    @TempDir
    Path results;

    @Test
    void listsRunsNewestFirst() throws IOException {
        run("20261124-090000-early", "\"startedAt\":\"2026-11-24T09:00:00Z\",");
        // Its directory name sorts first, but run.json says it started latest.
        run("20261120-000000-renamed", "\"startedAt\":\"2026-11-26T08:00:00+01:00\",");
        run("20261125-120000-noStart", "");
        run("undated", "");
        ResultsTree.write(results, "20261125-130000-broken/run.json", "{not json");
        Files.createDirectories(results.resolve("scratch"));
        ResultsTree.write(results, "README.md", "results live here");

        List<String> order = IndexWriter.entries(results).stream().map(IndexWriter.Entry::directory).toList();

        assertEquals(List.of("20261120-000000-renamed", "20261125-130000-broken", "20261125-120000-noStart",
                "20261124-090000-early", "undated"), order);
    }

    @Test
    void showsEachRunsScenarioStatusCountsAndLink() throws IOException {
        Path quick = ResultsTree.copyFixture(ResultsTree.QUICK_RUN, results);
        ReportWriter.write(quick);
        run("20261126-100000-<b>&odd", "\"startedAt\":\"2026-11-26T10:00:00Z\",\"status\":\"complete\",");

        String html = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        String quickRow = row(html, ResultsTree.QUICK_RUN);
        assertTrue(quickRow.contains("<a href=\"20261125-153000-quick/report.html\">20261125-153000-quick</a>"),
                quickRow);
        assertTrue(quickRow.contains("<td>quick</td>"), quickRow);
        assertTrue(quickRow.contains("2026-11-25 15:30:00 UTC"), quickRow);
        assertTrue(quickRow.contains("<span class=\"status partial\">interrupted (partial)</span>"), quickRow);
        assertTrue(quickRow.endsWith("<td class=\"num\">4</td><td class=\"num\">1</td><td class=\"num bad\">1</td>"
                + "<td class=\"num\">1</td><td class=\"num bad\">1</td>"), "cells, ok, failed, unsupported, other: "
                + quickRow);

        String oddRow = row(html, "20261126-100000-&lt;b&gt;&amp;odd");
        assertTrue(oddRow.contains("(no report.html yet)"), oddRow);
        assertTrue(oddRow.contains("<span class=\"status complete\">complete</span>"), oddRow);
        assertFalse(html.contains("<b>odd"), "directory names are escaped");
        assertTrue(html.indexOf("&amp;odd") < html.indexOf(ResultsTree.QUICK_RUN), "newest first");
    }

    @Test
    void eachRunShowsItsVerdictInOneLine() throws IOException {
        ResultsTree.copyFixture(ResultsTree.MINI_RUN, results);

        String html = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        assertTrue(html.contains("<td class=\"verdict-line\">lowest p99: jetty-websocket-http1.1 3.01 ms; runner-up"
                + " jetty-websocket-h2c 3.71 ms (+23 %)</td>"), html);
    }

    @Test
    void aVerdictWithWarningsSaysWhatTheSignMeans() throws IOException {
        ResultsTree.copyFixture(ResultsTree.QUICK_RUN, results);

        String html = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        assertTrue(html.contains("<td class=\"verdict-line\" title=\"\u26a0 jetty-sse-http1.1 lost events: delivered"
                + " 4,998 of 5,000, lost 2\">\u26a0 lowest p99: jetty-sse-http1.1 2.90 ms"), "the warning on hover: " + html);
        assertTrue(html.contains("<p class=\"sub\">\u26a0 The latency verdict carries a warning:"), "a legend: " + html);
    }

    @Test
    void withoutWarningsThereIsNoLegend() throws IOException {
        ResultsTree.copyFixture(ResultsTree.MINI_RUN, results);

        String html = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        assertFalse(html.contains("\u26a0"), html);
    }

    @Test
    void anEmptyResultsDirectorySaysSo() throws IOException {
        String html = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        assertTrue(html.contains("No runs yet"));
    }

    @Test
    void rejectsAResultsPathThatIsNotADirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexWriter.write(results.resolve("absent")));

        assertTrue(e.getMessage().startsWith("resultsDir must be a directory"), e.getMessage());
    }

    @Test
    void readsTheTimeAtTheHeadOfARunId() {
        assertEquals(Instant.parse("2026-11-25T15:30:00Z"), IndexWriter.runIdTime("20261125-153000-quick"));
        assertNull(IndexWriter.runIdTime("quick"));
        assertNull(IndexWriter.runIdTime("2026112x-153000-quick"));
    }

    private void run(String directory, String fields) throws IOException {
        ResultsTree.write(results, directory + "/run.json",
                "{" + fields + "\"scenario\":{\"name\":\"s\"},\"cells\":[\"jetty-sse-http1.1\"]}");
        ResultsTree.write(results, directory + "/cells/jetty-sse-http1.1/summary.json",
                ResultsTree.okSummary("jetty", "sse", "http1.1", 10));
    }

    private static String row(String html, String directoryAsShown) {
        int at = html.indexOf(">" + directoryAsShown);
        assertTrue(at >= 0, "no row for " + directoryAsShown);
        int start = html.lastIndexOf("<tr>", at);
        int end = html.indexOf("</tr>", at);
        return html.substring(start, end);
    }
}
