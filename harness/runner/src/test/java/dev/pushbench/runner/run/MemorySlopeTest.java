package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.ProcessSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory per connection from the memory points (0, ¼N … N while ramping; N, ¾N … 0 after the window;
 * each after GC): the estimate must stay on what a connection holds when one reading is disturbed, or
 * when something no connection caused changes the heap once between two readings; it is the larger of
 * the two sweeps', and an inconclusive one (a negative slope) is absent with its reason, never negative.
 */
class MemorySlopeTest {
    private static final double PER_CONNECTION = 4_270;
    private static final double BASE = 12_800_000;
    /** What a one-off change is worth here: 1.2 MB, as much as 280 connections. */
    private static final double ONE_OFF = 1_200_000;

    /** The points as the sweep reads them: most connections first, each reading {@code base + c × per connection + extra}. */
    private static List<double[]> sweep(double... extra) {
        List<double[]> points = new ArrayList<>();
        int[] connections = {1000, 750, 500, 250, 0};
        for (int i = 0; i < connections.length; i++) {
            points.add(new double[] {connections[i], BASE + connections[i] * PER_CONNECTION + extra[i]});
        }
        return points;
    }

    @Test
    void aCleanSweepGivesThePerConnectionSlope() {
        assertEquals(PER_CONNECTION, MemorySweep.slope(sweep(0, 0, 0, 0, 0)), 1e-6);
    }

    @Test
    void oneDisturbedReadingAnywhereDoesNotMoveIt() {
        for (int bad = 0; bad < 5; bad++) {
            double[] extra = new double[5];
            extra[bad] = ONE_OFF;
            assertEquals(PER_CONNECTION, MemorySweep.slope(sweep(extra)), 1e-6, "reading " + bad + " high");
            extra[bad] = -ONE_OFF;
            assertEquals(PER_CONNECTION, MemorySweep.slope(sweep(extra)), 1e-6, "reading " + bad + " low");
        }
    }

    @Test
    void aOneOffChangeBetweenAnyTwoReadingsDoesNotMoveIt() {
        for (int step = 1; step < 5; step++) {
            double[] extra = new double[5];
            for (int i = 0; i < step; i++) {
                extra[i] = ONE_OFF; // freed after reading step - 1: every earlier reading carries it
            }
            assertEquals(PER_CONNECTION, MemorySweep.slope(sweep(extra)), 1e-6, "freed before reading " + step);
            if (step == 2) {
                double before = theilSen(sweep(extra));
                assertTrue(before > 1.2 * PER_CONNECTION, "the median of every pair's slope is more than 20 % high: " + before);
            }
        }
    }

    @Test
    void smallNoiseOnEveryReadingStaysSmall() {
        double slope = MemorySweep.slope(sweep(20_000, -15_000, 10_000, -20_000, 5_000));
        assertEquals(PER_CONNECTION, slope, 0.03 * PER_CONNECTION);
    }

    @Test
    void orderOfThePointsDoesNotMatterAndOneConnectionCountIsNoSlope() {
        List<double[]> reversed = new ArrayList<>(sweep(0, 0, ONE_OFF, 0, 0));
        Collections.reverse(reversed);
        assertEquals(PER_CONNECTION, MemorySweep.slope(reversed), 1e-6);
        assertNull(MemorySweep.slope(List.of(new double[] {10, 1}, new double[] {10, 2})));
        assertEquals(2.0, MemorySweep.slope(List.of(new double[] {0, 1}, new double[] {10, 21})), 1e-9);
    }

    @Test
    void pointsReadBeforeTheServerNoticedItsClosesAreLeftOutAndSaid(@TempDir Path dir) throws IOException {
        // the server had not noticed the closes of the last two steps: those points still hold 250 and 500 connections
        CellResult.ProcessCosts costs = costsOf(dir, new boolean[] {true, true, true, false, false}, new long[] {0, 0, 0, 250, 500});
        assertEquals(Math.round(PER_CONNECTION), costs.heapBytesPerConnection());
        assertTrue(String.valueOf(costs.memoryNote()).startsWith("2 of 5 memory points on the way down were read before the server"),
                costs.memoryNote());

        CellResult.ProcessCosts none = costsOf(dir, new boolean[] {true, false, false, false, false}, new long[5]);
        assertNull(none.heapBytesPerConnection(), "one settled point gives no slope");
        assertTrue(String.valueOf(none.memoryNote()).contains(
                "server heap per connection on the way down not measurable here: fewer than two of its 5 points were usable"),
                none.memoryNote());

        CellResult.ProcessCosts clean = costsOf(dir, new boolean[] {true, true, true, true, true}, new long[5]);
        assertNull(clean.memoryNote());
        assertEquals(Math.round(PER_CONNECTION), clean.heapBytesPerConnection());
        assertEquals(Math.round(PER_CONNECTION), clean.heapBytesPerConnectionDown());
        assertNull(clean.heapBytesPerConnectionUp(), "no point was taken on the way up");
    }

    /** The heap figure is the larger of the two sweeps': part of a connection's heap outlives its close. */
    @Test
    void theFigureIsTheLargerOfTheWayUpAndTheWayDown(@TempDir Path dir) throws IOException {
        CellResultBuilder result = builder();
        sweep(result, CellResult.MemoryPoint.UP, 5_500, 0, 0);
        sweep(result, CellResult.MemoryPoint.DOWN, 4_500, 0, 0);
        CellResult written = writeAndRead(result, dir);
        CellResult.ProcessCosts server = written.costs().server();
        assertEquals(5_500L, server.heapBytesPerConnectionUp());
        assertEquals(4_500L, server.heapBytesPerConnectionDown());
        assertEquals(5_500L, server.heapBytesPerConnection());
        assertNull(server.memoryNote());
        assertEquals(10, written.memoryPoints().size(), "both sweeps' points are kept");
    }

    /**
     * Points that give a negative slope (seen: the server's heap −229 B per connection, the load
     * generator's direct memory −834,601 B): the figure is absent, never negative, the note says why,
     * the points stay.
     */
    @Test
    void aNegativeSlopeIsNotMeasurableNeverANegativeCost(@TempDir Path dir) throws IOException {
        CellResultBuilder result = builder();
        sweep(result, CellResult.MemoryPoint.UP, 3_000, 0, 0);
        sweep(result, CellResult.MemoryPoint.DOWN, -229, -47, -834_601);
        CellResult written = writeAndRead(result, dir);
        CellResult.ProcessCosts server = written.costs().server();
        CellResult.ProcessCosts loadgen = written.costs().loadgen();
        assertNull(server.heapBytesPerConnectionDown());
        assertEquals(3_000L, server.heapBytesPerConnection(), "the way up still measured it");
        assertTrue(String.valueOf(server.memoryNote()).contains("server heap per connection on the way down not measurable"
                + " here: the median slope of its points was negative (-229 B per connection)"), server.memoryNote());
        assertEquals(0L, server.directBytesPerConnection(), "the way up's direct slope, 0, is the larger");
        assertEquals(0L, loadgen.directBytesPerConnection());
        assertEquals(10, written.memoryPoints().size());

        CellResultBuilder downOnly = builder();
        sweep(downOnly, CellResult.MemoryPoint.DOWN, -229, -47, -834_601);
        CellResult bad = writeAndRead(downOnly, dir);
        assertNull(bad.costs().server().heapBytesPerConnection());
        assertNull(bad.costs().server().directBytesPerConnection());
        assertNull(bad.costs().loadgen().directBytesPerConnection());
        assertTrue(String.valueOf(bad.costs().loadgen().memoryNote()).contains("load generator direct memory per connection"
                + " on the way down not measurable here: the median slope of its points was negative (-834601 B per connection)"),
                bad.costs().loadgen().memoryNote());
        assertTrue(String.valueOf(bad.costs().server().memoryNote()).contains("server direct memory per connection on the way"
                + " down not measurable here"), bad.costs().server().memoryNote());
        assertEquals(5, bad.memoryPoints().size(), "the raw points are kept");
        assertNoNegativeCost(bad.costs().server());
        assertNoNegativeCost(bad.costs().loadgen());
    }

    private static void assertNoNegativeCost(CellResult.ProcessCosts c) {
        for (Long figure : new Long[] {c.heapBytesPerConnection(), c.heapBytesPerConnectionUp(), c.heapBytesPerConnectionDown(),
                c.directBytesPerConnection(), c.rssBytesPerConnection()}) {
            assertTrue(figure == null || figure >= 0, "negative cost in " + c);
        }
    }

    private static CellResultBuilder builder() {
        CellResultBuilder result = new CellResultBuilder(new CellPlan("jetty", Transport.SSE, Protocol.HTTP_1_1, 1, 1));
        result.ok();
        return result;
    }

    /** Five settled points of one sweep, each process's readings growing by the given bytes per connection. */
    private static void sweep(CellResultBuilder result, String sweep, long heapPerConnection, long directPerConnection,
                              long loadgenDirectPerConnection) {
        int[] connections = {1000, 750, 500, 250, 0};
        for (int i = 0; i < 5; i++) {
            int c = sweep.equals(CellResult.MemoryPoint.UP) ? connections[4 - i] : connections[i];
            result.memory().add(new CellResult.MemoryPoint((long) c, true,
                    reading(Math.round(BASE) + c * heapPerConnection, 1_000_000_000L + c * directPerConnection),
                    10L, 5_000L, reading(50_000_000L, 1_000_000_000L + c * loadgenDirectPerConnection), sweep));
        }
    }

    private static CellResult writeAndRead(CellResultBuilder result, Path dir) throws IOException {
        Path file = dir.resolve("summary-" + System.nanoTime() + ".json");
        result.write(file);
        return JsonFiles.read(file, CellResult.class);
    }

    /**
     * A cell's {@code costs.server} from five memory points on the way down, each with a settled flag
     * and connections it still held, as written to and read back from {@code summary.json}.
     */
    private static CellResult.ProcessCosts costsOf(Path dir, boolean[] settled, long[] stillHeld) throws IOException {
        CellResultBuilder result = builder();
        int[] connections = {1000, 750, 500, 250, 0};
        for (int i = 0; i < 5; i++) {
            long heap = Math.round(BASE + (connections[i] + stillHeld[i]) * PER_CONNECTION);
            result.memory().add(new CellResult.MemoryPoint((long) connections[i], settled[i],
                    reading(heap, 0L), 10L, 5_000L, reading(1L, 0L), CellResult.MemoryPoint.DOWN));
        }
        return writeAndRead(result, dir).costs().server();
    }

    private static ProcessSnapshot reading(long heapUsedBytes, long directBytes) {
        return new ProcessSnapshot(null, true, null, heapUsedBytes, directBytes, null, null, null);
    }

    /** The estimator used before, for comparison: the median of the slopes between every two points. */
    private static double theilSen(List<double[]> xy) {
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < xy.size(); i++) {
            for (int j = i + 1; j < xy.size(); j++) {
                slopes.add((xy.get(j)[1] - xy.get(i)[1]) / (xy.get(j)[0] - xy.get(i)[0]));
            }
        }
        Collections.sort(slopes);
        return (slopes.get(4) + slopes.get(5)) / 2;
    }
}
