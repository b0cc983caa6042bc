package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.runner.scenario.SearchSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The search's logic against made-up servers: a step's result is computed from its value, so every path (doubling,
 * halving, bisection, confirmation, each bound) is checked exactly; the real steps are checked end to end in
 * {@code CapacitySearchRunTest}.
 */
class CapacitySearchTest {
    private static final Duration SLO = Duration.ofMillis(100);

    private static SearchSpec spec(double start, double max, double resolution, int confirm, Duration budget) {
        return new SearchSpec(SearchSpec.Variable.CONNECTIONS, start, max, resolution, confirm, budget,
                new SearchSpec.Slo(SLO, 0, null));
    }

    /** A step that ran whole, with this p99 and generator stall p99 (µs). */
    static CellResult step(double p99Micros, double stallP99Micros, String saturatedBecause, long connections) {
        HistogramSummary latency = new HistogramSummary(1000L, p99Micros / 3, p99Micros / 3, p99Micros / 2, p99Micros,
                p99Micros, p99Micros);
        HistogramSummary stall = new HistogramSummary(1000L, 50.0, 50.0, 60.0, stallP99Micros, stallP99Micros, stallP99Micros);
        CellResult.Loadgen g = new CellResult.Loadgen(1.0, 30.0, 2, saturatedBecause != null, 0L, 0L, null, "nio", "nio",
                null, 60.0, 90.0, saturatedBecause, null, null, null, null, stall);
        return new CellResult(new CellResult.Cell("jetty", "sse", "http1.1"), "x", 1, CellStatus.OK, null, null, null, null,
                new CellResult.Connections(connections, connections, 0L, 0L, 0L, null, null, null, null, null, null, null,
                        null, null),
                new CellResult.Delivery(1000L, 1000L, 0L, 0L, 0L, 0L, 0L, 0L), latency, latency, null, null, null, null, null,
                null, new CellResult.Window(0L, 1L, 1.0, 2.0, 0.1, 1.0), g, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** Runs the search against {@code server} (value → step result) and records the values it tried. */
    private static CapacitySearch.Outcome search(SearchSpec spec, double fileCap, DoubleFunction<CellResult> server,
                                                 List<Double> tried, long[] clock, long nanosPerStep) throws Exception {
        return new CapacitySearch(spec, fileCap, (value, n) -> {
            tried.add(value);
            clock[0] += nanosPerStep;
            return new CapacitySearch.Step(server.apply(value), "steps/" + n, null);
        }, () -> clock[0]).run();
    }

    /** p99 grows past the SLO at 5,000 subscribers. */
    private static CellResult kneeAt5000(double v) {
        return step(v < 5000 ? 20_000 : 400_000, 500, null, (long) v);
    }

    @Test
    void doublesThenBisectsToTheResolutionAndConfirmsTheBoundary() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.Outcome o = search(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 19_744,
                CapacitySearchTest::kneeAt5000, tried, new long[1], 1);
        CellResult.Capacity c = o.capacity();
        assertEquals("slo", c.boundBy());
        assertTrue(c.value() < 5000 && c.value() >= 5000 / 1.05, "capacity " + c.value());
        assertEquals(List.of(1000.0, 2000.0, 4000.0, 8000.0, 6000.0), tried.subList(0, 5));
        assertTrue((c.failedAt() - c.value()) / c.value() <= 0.05);
        assertEquals(3, c.confirmations());
        assertEquals(3, tried.stream().filter(v -> v.equals(c.value())).count(), "the boundary ran 3 times: " + tried);
        assertEquals(tried.size(), c.steps().size());
        assertEquals(c.display(), String.format(java.util.Locale.ROOT, "%,d", Math.round(c.value())));
        assertTrue(o.point().result().connections().target() == Math.round(c.value()));
    }

    @Test
    void aFailedConfirmationMovesTheCapacityBelowIt() throws Exception {
        List<Double> tried = new ArrayList<>();
        int[] runsOf4844 = new int[1];
        // 4,844 passes the first time it runs and fails the second: a flaky boundary
        CapacitySearch.Outcome o = search(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9, v -> {
            if (v >= 4800 && v < 5000 && ++runsOf4844[0] == 2) {
                return step(300_000, 500, null, (long) v);
            }
            return kneeAt5000(v);
        }, tried, new long[1], 1);
        CellResult.Capacity c = o.capacity();
        assertEquals("slo", c.boundBy());
        assertTrue(c.value() < 4800, "below the value whose confirmation failed: " + tried);
        assertEquals(3, c.confirmations());
    }

    @Test
    void halvesWhileTheFirstStepsFailAndGivesUpAfterFourHalvings() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.Outcome o = search(spec(1600, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9,
                v -> step(500_000, 500, null, (long) v), tried, new long[1], 1);
        assertNull(o.capacity().value());
        assertEquals("slo", o.capacity().boundBy());
        assertEquals(List.of(1600.0, 800.0, 400.0, 200.0, 100.0), tried);
        assertEquals("< 100 (fails the SLO at the lowest value tried)", o.capacity().display());
    }

    @Test
    void reachingTheFileLimitIsALowerBoundNotACapacity() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.Outcome o = search(spec(5000, 1e6, 0.05, 3, Duration.ofHours(1)), 19_744,
                v -> step(20_000, 500, null, (long) v), tried, new long[1], 1);
        assertEquals("fileLimit", o.capacity().boundBy());
        assertEquals(19_744.0, o.capacity().value());
        assertEquals("≥ 19,744 (limit: open files)", o.capacity().display());
        assertEquals(List.of(5000.0, 10000.0, 19744.0), tried);
    }

    @Test
    void aGeneratorThatStallsOrFallsBehindEndsTheSearchGeneratorBound() throws Exception {
        List<Double> tried = new ArrayList<>();
        // from 4,000 on, the generator's own stalls' p99 is 40 ms: over 10 % of the 100 ms SLO
        CapacitySearch.Outcome o = search(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9,
                v -> step(v < 4000 ? 20_000 : 130_000, v < 4000 ? 500 : 40_000, null, (long) v), tried, new long[1], 1);
        assertEquals("generator", o.capacity().boundBy());
        assertEquals(2000.0, o.capacity().value());
        assertEquals("≥ 2,000 (generator-bound)", o.capacity().display());
        CellResult.CapacityStep last = o.capacity().steps().get(o.capacity().steps().size() - 1);
        assertEquals(Boolean.FALSE, last.valid());
        assertTrue(last.reason().contains("stalls"), last.reason());

        tried.clear();
        CapacitySearch.Outcome behind = search(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9,
                v -> step(20_000, 500, v < 2000 ? null
                        : "the load generator fell behind its own schedule: 40 of 2000 sends it planned", (long) v),
                tried, new long[1], 1);
        assertEquals("generator", behind.capacity().boundBy());
        assertEquals(1000.0, behind.capacity().value());
    }

    @Test
    void stallsFarSmallerThanTheFailureDoNotExcuseTheServer() throws Exception {
        CapacitySearch s = new CapacitySearch(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9, (v, n) -> null, () -> 0);
        assertNull(s.generatorFault(step(160_000, 11_500, null, 10), true), "160 ms less 11.5 ms still fails 100 ms");
        assertTrue(s.generatorFault(step(105_000, 11_500, null, 10), true) != null, "105 ms less 11.5 ms would pass");
        assertNull(s.generatorFault(step(60_000, 40_000, null, 10), false), "a step that passed despite stalls passed");
    }

    @Test
    void theMachineBeingBusyIsTheServersPartNotTheGenerators() throws Exception {
        CapacitySearch s = new CapacitySearch(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9, (v, n) -> null, () -> 0);
        assertNull(s.generatorFault(step(20_000, 500, "server and load generator together used 185 % CPU of 200 %", 10), false));
        assertTrue(s.generatorFault(step(20_000, 500, "the load generator used 175.0 % CPU of 2 cores", 10), false) != null);
        assertNull(s.generatorFault(step(20_000, 500, "the generator fell behind its plan: 7.2 % of connects (1368 of 19000)"
                + " started 10 ms or more late", 10), false), "the ramp ends before the window");
    }

    @Test
    void theBudgetEndsTheSearchWithALowerBound() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.Outcome o = search(spec(1000, 1e6, 0.05, 3, Duration.ofSeconds(25)), 1e9,
                CapacitySearchTest::kneeAt5000, tried, new long[1], Duration.ofSeconds(10).toNanos());
        assertEquals("budget", o.capacity().boundBy());
        assertEquals(List.of(1000.0, 2000.0, 4000.0), tried);
        assertEquals("≥ 4,000 (budget ran out)", o.capacity().display());
    }

    @Test
    void aValueTheScenarioCannotRunEndsTheSearchAtTheHighestPassed() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.Outcome o = new CapacitySearch(spec(1000, 1e6, 0.05, 3, Duration.ofHours(1)), 1e9, (v, n) -> {
            if (v > 3000) {
                throw new CapacitySearch.Refused("the children's heaps cannot hold it");
            }
            tried.add(v);
            return new CapacitySearch.Step(step(20_000, 500, null, (long) v), "steps/" + n, null);
        }, () -> 0).run();
        assertEquals("max", o.capacity().boundBy());
        assertEquals(2000.0, o.capacity().value());
        assertTrue(o.capacity().note().contains("heaps"), o.capacity().note());
        assertEquals(List.of(1000.0, 2000.0), tried);
    }

    @Test
    void unitCostsScaleTheServersFiguresToTenThousandSubscribers() throws Exception {
        CapacitySearch.Outcome o = search(spec(5000, 1e6, 0.05, 3, Duration.ofHours(1)), 19_744,
                v -> step(20_000, 500, null, (long) v), new ArrayList<>(), new long[1], 1);
        CellResult.UnitCost u = o.capacity().unitCost();
        assertEquals("10,000 subscribers", u.unit());
        assertEquals(1.97, u.units(), 0.01);
        // 60 % of a core at 19,744 subscribers: 0.304 cores per 10,000
        assertEquals(0.6 / 1.9744, u.serverCores(), 0.001);
        assertEquals(60.0 / 90.0, u.serverShareOfCpu(), 0.001);
    }
}
