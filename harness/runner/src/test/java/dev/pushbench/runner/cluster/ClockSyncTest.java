package dev.pushbench.runner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult.AgentClock;
import dev.pushbench.runner.cluster.ClockSync.Estimate;
import dev.pushbench.runner.cluster.ClockSync.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimator's arithmetic on samples made by fake clocks whose true offset and one-way delays are known, so each
 * claim (the offset is within its error bound, slow samples are left out) is checked against the truth.
 */
class ClockSyncTest {

    /** Two fake clocks: the remote one reads {@code trueOffsetNanos} ahead; each exchange's delays are given. */
    private static final class FakePath {
        final long trueOffsetNanos;
        long nowNanos = 1_000_000_000L;

        FakePath(long trueOffsetNanos) {
            this.trueOffsetNanos = trueOffsetNanos;
        }

        Sample exchange(long outNanos, long backNanos) {
            long sent = nowNanos;
            long remote = sent + outNanos + trueOffsetNanos;
            long received = sent + outNanos + backNanos;
            nowNanos = received + 1_000_000;
            return new Sample(sent, remote, received);
        }
    }

    @Test
    void aSampleIsTheMidpointOfWhereTheRemoteReadingCanHaveBeenTakenAndHalfTheRoundTripRoundedUp() {
        Sample s = new Sample(1_000, 50_000, 1_101);
        assertEquals(101, s.rttNanos());
        assertEquals(50_000 - 1_000 - 50, s.offsetNanos());
        assertEquals(51, s.errorNanos());
        // the two extremes: read as the request arrived with no time back, or as the answer left after all of it
        assertTrue(Math.abs((50_000 - 1_000) - s.offsetNanos()) <= s.errorNanos());
        assertTrue(Math.abs((50_000 - 1_101) - s.offsetNanos()) <= s.errorNanos());
        assertThrows(IllegalArgumentException.class, () -> new Sample(10, 0, 9));
    }

    @Test
    void whateverThePathsAsymmetryTheTrueOffsetIsWithinTheErrorBound() throws Exception {
        SplittableRandom random = new SplittableRandom(15);
        for (int run = 0; run < 500; run++) {
            FakePath path = new FakePath(random.nextLong(-10_000_000_000L, 10_000_000_000L));
            int n = 1 + random.nextInt(300);
            Estimate e = ClockSync.estimate(() -> path.exchange(random.nextLong(0, 2_000_000), random.nextLong(0, 2_000_000)),
                    n, Duration.ZERO, "fake");
            assertTrue(Math.abs(e.offsetNanos() - path.trueOffsetNanos) <= e.errorNanos(),
                    "run " + run + ": " + e + " against the true offset " + path.trueOffsetNanos);
            assertEquals(n, e.samples());
        }
    }

    @Test
    void slowAsymmetricSamplesDoNotMoveTheOffsetBeyondTheFastSamplesBoundEvenWhenMostAreSlow() {
        FakePath path = new FakePath(7_000_000);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            samples.add(path.exchange(40 + i % 3, 60));     // fast: round trips of 100 to 102 ns
        }
        for (int i = 0; i < 42; i++) {
            samples.add(path.exchange(5_000_000, 10_000));  // slow, and nearly all of it on the way out
        }
        Estimate e = ClockSync.estimate(samples, "fake");
        Sample fastest = samples.get(0);
        assertEquals(100, e.rttNanos());
        assertEquals(50, samples.size());
        assertEquals(5, 50 / ClockSync.KEEP_ONE_IN);
        assertTrue(e.errorNanos() <= 51, e.toString());
        assertTrue(Math.abs(e.offsetNanos() - path.trueOffsetNanos) <= e.errorNanos(), e.toString());
        assertTrue(Math.abs(e.offsetNanos() - fastest.offsetNanos()) <= 2 * fastest.errorNanos(), e.toString());

        // all of them kept, the median would be a slow one's, off by its asymmetry: what the filter prevents
        Sample slow = samples.get(45);
        assertTrue(Math.abs(slow.offsetNanos() - path.trueOffsetNanos) > 2_000_000);
    }

    @Test
    void oneSampleIsKeptWhenThereAreFewerThanTen() {
        FakePath path = new FakePath(-3_000);
        List<Sample> samples = List.of(path.exchange(500, 500), path.exchange(20, 80), path.exchange(900, 10));
        Estimate e = ClockSync.estimate(samples, "fake");
        assertEquals(samples.get(1).offsetNanos(), e.offsetNanos());
        assertEquals(50, e.errorNanos());
        assertEquals(100, e.rttNanos());
        assertEquals(3, e.samples());
        assertThrows(IllegalArgumentException.class, () -> ClockSync.estimate(List.of(), "fake"));
        assertThrows(IllegalArgumentException.class, () -> ClockSync.estimate(() -> samples.get(0), 0, Duration.ZERO, "fake"));
    }

    @Test
    void theBestOfTwoCarriersIsTheOneWithTheSmallerErrorBound() {
        Estimate tcp = new Estimate(1_000, 40_000, 80_000, 100, "tcp");
        Estimate bus = new Estimate(3_000, 150_000, 300_000, 100, "event-bus");
        assertSame(tcp, ClockSync.best(tcp, bus));
        assertSame(tcp, ClockSync.best(bus, tcp));
        assertSame(bus, ClockSync.best(null, bus));
        assertSame(tcp, ClockSync.best(tcp, null));
        assertNull(ClockSync.best(null, null));
    }

    @Test
    void theClockRecordIsInMicrosWithTheDriftBetweenTheEstimatesAndAFlagWhenItsBoundPassesATenthOfTheMedian() {
        Estimate before = new Estimate(2_500_000, 40_000, 80_000, 100, "tcp");
        Estimate after = new Estimate(2_530_000, 45_000, 90_000, 100, "tcp");
        Estimate bus = new Estimate(2_400_000, 150_000, 300_000, 100, "event-bus");
        AgentClock c = ClockSync.clock(before, after, 60.0, bus, 400, 800.0);
        assertEquals(new AgentClock(2_500.0, 40.0, 2_530.0, 45.0, 0.5, 400, "tcp", 150.0, false), c);
        // the offset applied (2,500 ± 40 µs) may be 30 + 45 µs from the true one by the window's end: the drift counts
        assertEquals(75.0, c.boundMicros(), 1e-9);
        assertTrue(ClockSync.clock(before, after, 60.0, bus, 400, 749.0).flagged());
        assertFalse(ClockSync.clock(before, after, 60.0, bus, 400, 750.0).flagged());
        assertFalse(ClockSync.clock(before, after, 60.0, bus, 400, null).flagged());
        Estimate steady = new Estimate(2_500_000, 60_000, 120_000, 100, "tcp");
        assertEquals(60.0, ClockSync.clock(steady, before, 60.0, bus, 400, null).boundMicros(), 1e-9,
                "without a drift the larger error bound of the two estimates");

        AgentClock failedCell = ClockSync.clock(before, null, 0, null, 100, null);
        assertEquals(new AgentClock(2_500.0, 40.0, null, null, null, 100, "tcp", null, false), failedCell);
        assertEquals(40.0, failedCell.boundMicros(), 1e-9);
        assertTrue(ClockSync.clock(before, null, 0, null, 100, 399.0).flagged());
        assertFalse(ClockSync.clock(before, null, 0, null, 100, 400.0).flagged());
        assertThrows(IllegalArgumentException.class, () -> ClockSync.clock(before, after, 0, bus, 400, null));
    }
}
