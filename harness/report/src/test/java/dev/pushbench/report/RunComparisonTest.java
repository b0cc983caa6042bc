package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's rules: noise with and without repeats, each threshold form, and their parsing. */
class RunComparisonTest {
    @TempDir
    Path results;

    private Path run(String id, long... p99PerRepeat) throws IOException {
        Path dir = results.resolve(id);
        StringBuilder cells = new StringBuilder();
        for (int r = 1; r <= p99PerRepeat.length; r++) {
            String name = "jetty-sse-http1.1" + (p99PerRepeat.length > 1 ? "-r" + r : "");
            cells.append(cells.length() == 0 ? "" : ",").append('"').append(name).append('"');
            ResultsTree.write(dir, "cells/" + name + "/summary.json", """
                    {"cell":{"stack":"jetty","transport":"sse","protocol":"http1.1"},"status":"ok","repeat":%d,
                     "delivery":{"expected":100,"delivered":100,"lost":0,"duplicated":0,"reordered":0},
                     "latencyMicros":{"p50":100,"p99":%d,"p999":%d,"max":%d}}
                    """.formatted(r, p99PerRepeat[r - 1], p99PerRepeat[r - 1], p99PerRepeat[r - 1]));
        }
        ResultsTree.write(dir, "run.json", "{\"status\":\"complete\",\"scenario\":{\"name\":\"c\"},\"cells\":["
                + cells + "]}");
        return dir;
    }

    private static RunComparison.Row p99(RunComparison diff) {
        return diff.rows().stream().filter(r -> r.metric().name().equals("p99")).findFirst().orElseThrow();
    }

    @Test
    void withoutRepeatsAChangeOverTheNoiseLevelIsBeyondNoise() throws IOException {
        RunComparison diff = RunComparison.compare(run("a", 1000), run("b", 1150), List.of(), 10);

        assertTrue(p99(diff).beyondNoise());
        assertTrue(p99(diff).worse());
        assertEquals("+15.0 %", p99(diff).change());
        assertFalse(RunComparison.compare(run("c", 1000), run("d", 1090), List.of(), 10).rows().stream()
                .anyMatch(RunComparison.Row::beyondNoise));
    }

    @Test
    void withRepeatsOverlappingSpreadsAreNoiseHoweverLargeTheMedianMoves() throws IOException {
        Path a = run("a", 900, 1000, 1600);
        Path overlapping = run("b", 1500, 1300, 1400);
        Path apart = run("c", 1700, 1800, 1900);

        RunComparison.Row within = p99(RunComparison.compare(a, overlapping, List.of(), 10));
        RunComparison.Row beyond = p99(RunComparison.compare(a, apart, List.of(), 10));

        assertEquals(1000, within.a().median());
        assertEquals(1400, within.b().median());
        assertFalse(within.beyondNoise(), "+40 %, but 1.3–1.5 ms overlaps 0.9–1.6 ms");
        assertTrue(beyond.beyondNoise(), "1.7–1.9 ms is above 0.9–1.6 ms");
    }

    @Test
    void eachThresholdFormAppliesItsRule() {
        assertTrue(RunComparison.Threshold.parse("p99=+10%").exceeded(1000.0, 1101));
        assertFalse(RunComparison.Threshold.parse("p99=+10%").exceeded(1000.0, 1100));
        assertTrue(RunComparison.Threshold.parse("delivered=-1%").exceeded(1000.0, 989));
        assertFalse(RunComparison.Threshold.parse("delivered=-1%").exceeded(1000.0, 990));
        assertTrue(RunComparison.Threshold.parse("p99=+2ms").exceeded(1000.0, 3001));
        assertFalse(RunComparison.Threshold.parse("p99=+2ms").exceeded(1000.0, 3000));
        assertTrue(RunComparison.Threshold.parse("lost=0").exceeded(0.0, 1));
        assertFalse(RunComparison.Threshold.parse("lost=0").exceeded(5.0, 0));
        assertTrue(RunComparison.Threshold.parse("p99=50ms").exceeded(null, 50_001));
        assertTrue(RunComparison.Threshold.parse("heap-per-connection=+1KiB").exceeded(4096.0, 5121));
        assertTrue(RunComparison.Threshold.parse("lost=+0%").exceeded(0.0, 1), "from zero any rise is a rise");
    }

    @Test
    void badThresholdsSayWhatIsWrong() {
        assertEquals("--threshold names an unknown metric \"latency\" in \"latency=+10%\"; known: "
                        + String.join(", ", RunComparison.metricNames()),
                assertThrows(IllegalArgumentException.class,
                        () -> RunComparison.Threshold.parse("latency=+10%")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunComparison.Threshold.parse("p99"))
                .getMessage().startsWith("--threshold must look like METRIC=LIMIT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunComparison.Threshold.parse("p99=+10KiB"))
                .getMessage().contains("unit \"KiB\" does not fit p99"));
    }

    @Test
    void eventsStillInFlightAtTheDrainsEndAreComparedAndGated() throws IOException {
        Path a = results.resolve("late-a");
        Path b = results.resolve("late-b");
        for (Path dir : List.of(a, b)) {
            long late = dir == a ? 0 : 7;
            ResultsTree.write(dir, "cells/jetty-websocket-h2c/summary.json", """
                    {"cell":{"stack":"jetty","transport":"websocket","protocol":"h2c"},"status":"ok","repeat":1,
                     "delivery":{"expected":100,"delivered":%d,"lost":0,"late":%d,"duplicated":0,"reordered":0}}
                    """.formatted(100 - late, late));
            ResultsTree.write(dir, "run.json", "{\"status\":\"complete\",\"scenario\":{\"name\":\"l\"},"
                    + "\"cells\":[\"jetty-websocket-h2c\"]}");
        }

        RunComparison diff = RunComparison.compare(a, b, List.of(RunComparison.Threshold.parse("late=0")), 10);

        RunComparison.Row late = diff.rows().stream().filter(r -> r.metric().name().equals("late")).findFirst().orElseThrow();
        assertEquals(0, late.a().median());
        assertEquals(7, late.b().median());
        assertTrue(late.worse());
        assertTrue(diff.thresholdsExceeded(), "late=0 is crossed by 7 events still in flight");
    }
}
