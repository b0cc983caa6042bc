package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run directory holding JMH's jmh.json gets a micro-benchmarks table; one without it gets none. */
class MicroBenchmarksTest {
    /** As JMH 1.37 writes it with -rf json (trimmed): a single fork leaves scoreError "NaN". */
    private static final String JMH_JSON = """
            [
              {"jmhVersion":"1.37","benchmark":"dev.pushbench.micro.SseParserBench.parse","mode":"thrpt",
               "threads":1,"forks":2,"params":{"payloadBytes":"256","split":"<every byte>"},
               "primaryMetric":{"score":1234567.891,"scoreError":12345.6,"scoreUnit":"ops/s"}},
              {"jmhVersion":"1.37","benchmark":"dev.pushbench.micro.EventJsonBench.encode","mode":"avgt",
               "threads":1,"forks":1,
               "primaryMetric":{"score":0.0123456,"scoreError":"NaN","scoreUnit":"us/op"}},
              {"benchmark":"broken"},
              7
            ]
            """;

    @TempDir
    Path results;

    private Path microRun() throws IOException {
        Path runDir = results.resolve("20261126-080000-micro");
        ResultsTree.write(runDir, "run.json", """
                {"runId":"20261126-080000-micro","status":"complete","startedAt":"2026-11-26T08:00:00Z",
                 "scenario":{"name":"micro"},"cells":[]}
                """);
        ResultsTree.write(runDir, "jmh.json", JMH_JSON);
        return runDir;
    }

    @Test
    void readsJmhResultsAndNamesWhatItSkipped() throws IOException {
        MicroBenchmarks micro = MicroBenchmarks.read(microRun());

        assertEquals(2, micro.results().size());
        MicroBenchmarks.Result parse = micro.results().get(0);
        assertEquals("SseParserBench.parse", parse.shortName());
        assertEquals("payloadBytes=256, split=<every byte>", parse.paramsText());
        assertEquals("1234567.891", Format.plain(parse.score()));
        assertEquals("12345.6", Format.plain(parse.scoreError()));
        assertNull(micro.results().get(1).scoreError(), "NaN is no error estimate");
        assertEquals(List.of("jmh.json[2] has no benchmark name or no primaryMetric.score; skipped",
                "jmh.json[3] should be an object, found 7"), micro.problems());
        assertNull(MicroBenchmarks.read(results), "no jmh.json, no section");
    }

    @Test
    void aMicroRunShowsItsTableAndNoVerdict() throws IOException {
        Path runDir = microRun();

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        String index = Files.readString(IndexWriter.write(results), StandardCharsets.UTF_8);

        assertTrue(html.contains("<h2 id=\"micro\">Micro-benchmarks</h2>"), html);
        assertTrue(html.contains("<code>SseParserBench.parse</code>"), html);
        assertTrue(html.contains(">payloadBytes=256, split=&lt;every byte&gt;</td>"), "params escaped");
        assertTrue(html.contains(">1,234,568</td><td class=\"num\">\u00b1 12,346</td><td>ops/s</td>"), html);
        assertTrue(html.contains(">0.0123</td><td class=\"num\">\u2014</td><td>us/op</td>"), html);
        assertTrue(html.contains("jmh.json[3] should be an object, found 7"), html);
        assertFalse(html.contains("id=\"verdict\""), "no cells, no verdict");
        assertFalse(html.contains("id=\"chart-data\""), "no chart data");
        assertTrue(index.contains("micro-benchmarks: 2 results"), index);
    }

    @Test
    void aScenarioRunWithJmhJsonShowsBoth() throws IOException {
        Path runDir = ResultsTree.copyFixture(ResultsTree.MINI_RUN, results);
        ResultsTree.write(runDir, "jmh.json", JMH_JSON);

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        assertTrue(html.contains("id=\"verdict\""));
        assertTrue(html.indexOf("id=\"charts\"") < html.indexOf("id=\"micro\""), "micro-benchmarks after the charts");
    }
}
