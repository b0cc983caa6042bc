package dev.pushbench.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pushbench compare} as CI uses it: two run directories written here, the same two cells in each;
 * in run B the SSE cell's p99 is 20 % higher and the WebSocket cell lost 3 events.
 */
class CompareCommandTest {
    @TempDir
    Path results;

    record Outcome(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    private Outcome pushbench(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int exit = PushbenchCli.execute(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    private Path run(String id, long sseP99Micros, long websocketLost) throws IOException {
        Path dir = results.resolve(id);
        write(dir.resolve("run.json"), """
                {"runId":"%s","status":"complete","scenario":{"name":"gate"},
                 "cells":["jetty-sse-http1.1","jetty-websocket-h2c"]}
                """.formatted(id));
        write(dir.resolve("cells/jetty-sse-http1.1/summary.json"), summary("sse", "http1.1", sseP99Micros, 0));
        write(dir.resolve("cells/jetty-websocket-h2c/summary.json"), summary("websocket", "h2c", 3000, websocketLost));
        return dir;
    }

    private static String summary(String transport, String protocol, long p99Micros, long lost) {
        return """
                {"cell":{"stack":"jetty","transport":"%s","protocol":"%s"},"status":"ok",
                 "delivery":{"expected":1200,"delivered":%d,"lost":%d,"duplicated":0,"reordered":0},
                 "latencyMicros":{"count":1200,"p50":1000,"p90":2000,"p99":%d,"p999":%d,"max":%d},
                 "connectMicros":{"count":20,"p50":10000,"p99":30000}}
                """.formatted(transport, protocol, 1200 - lost, lost, p99Micros, p99Micros + 500, p99Micros + 900);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void aThresholdCrossedExitsOneAndSaysWhich() throws IOException {
        Path a = run("20261125-100000-gate", 4000, 0);
        Path b = run("20261125-110000-gate", 4800, 3);

        Outcome o = pushbench("compare", a.toString(), b.toString(), "--threshold", "p99=+10%",
                "--threshold", "lost=0");

        assertEquals(1, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("jetty-sse-http1.1 p99=+10%: 4.00 ms \u2192 4.80 ms"), o.out());
        assertTrue(o.out().contains("jetty-websocket-h2c lost=0: 0 \u2192 3"), o.out());
        assertTrue(o.out().contains("+20.0 %"), o.out());
        assertTrue(o.out().contains("WORSE"), "a 20 % rise is beyond the 10 % noise: " + o.out());
        Path html = b.resolve("compare.html");
        assertEquals(html.toString(), o.lastLine(), "the HTML diff's path is printed last");
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("Thresholds exceeded."), page);
        assertTrue(page.contains("exceeds p99=+10%"), page);
    }

    @Test
    void thresholdsMetExitZero() throws IOException {
        Path a = run("20261125-100000-gate", 4000, 0);
        Path b = run("20261125-110000-gate", 4200, 0);
        Path html = results.resolve("diff.html");

        Outcome o = pushbench("compare", a.toString(), b.toString(), "--threshold", "p99=+10%",
                "--threshold", "lost=0", "--output", html.toString());

        assertEquals(0, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("thresholds: all met"), o.out());
        assertFalse(o.out().contains("WORSE"), "a 5 % rise is within the 10 % noise: " + o.out());
        assertEquals(html.toString(), o.lastLine());
        assertTrue(Files.readString(html, StandardCharsets.UTF_8).contains("Thresholds met."));
    }

    @Test
    void aCellThatFailedInBExceedsItsThresholds() throws IOException {
        Path a = run("20261125-100000-gate", 4000, 0);
        Path b = run("20261125-110000-gate", 4000, 0);
        write(b.resolve("cells/jetty-sse-http1.1/summary.json"), """
                {"cell":{"stack":"jetty","transport":"sse","protocol":"http1.1"},"status":"failed",
                 "reason":"server exited with code 137"}
                """);

        Outcome o = pushbench("compare", a.toString(), b.toString(), "--threshold", "p99=+10%");

        assertEquals(1, o.exit(), o.out());
        assertTrue(o.out().contains("status changed: jetty-sse-http1.1: ok \u2192 failed"), o.out());
        assertTrue(o.out().contains("p99=+10% (no value in B)"), o.out());
    }

    @Test
    void badInputExitsTwoWithAMessageAndNoStackTrace() throws IOException {
        Path a = run("20261125-100000-gate", 4000, 0);
        Path b = run("20261125-110000-gate", 4000, 0);
        Path notARun = Files.createDirectories(results.resolve("scratch"));

        Outcome unknownMetric = pushbench("compare", a.toString(), b.toString(), "--threshold", "p98=+10%");
        Outcome badSyntax = pushbench("compare", a.toString(), b.toString(), "--threshold", "p99>10%");
        Outcome badUnit = pushbench("compare", a.toString(), b.toString(), "--threshold", "lost=+2ms");
        Outcome unsignedPercent = pushbench("compare", a.toString(), b.toString(), "--threshold", "p99=10%");
        Outcome notADirectory = pushbench("compare", a.toString(), notARun.toString());
        Outcome missing = pushbench("compare", results.resolve("absent").toString(), b.toString());
        Outcome badNoise = pushbench("compare", a.toString(), b.toString(), "--noise", "lots");

        for (Outcome o : List.of(unknownMetric, badSyntax, badUnit, unsignedPercent, notADirectory, missing, badNoise)) {
            assertEquals(2, o.exit(), o.err());
            assertTrue(o.err().startsWith("pushbench: "), o.err());
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        }
        assertTrue(unknownMetric.err().contains("unknown metric \"p98\"") && unknownMetric.err().contains("known: p50, p99"),
                unknownMetric.err());
        assertTrue(badSyntax.err().contains("must look like METRIC=LIMIT"), badSyntax.err());
        assertTrue(badUnit.err().contains("unit \"ms\" does not fit lost"), badUnit.err());
        assertTrue(unsignedPercent.err().contains("a percentage needs a sign"), unsignedPercent.err());
        assertTrue(notADirectory.err().contains("RUN_B must be a run directory") && notADirectory.err().contains("no run.json"),
                notADirectory.err());
        assertTrue(missing.err().contains("RUN_A must be a run directory") && missing.err().contains("does not exist"),
                missing.err());
        assertTrue(badNoise.err().contains("--noise must be a percentage"), badNoise.err());
    }
}
