package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one saturation rule, at its edges, on a 2-core machine (200 % CPU in all). */
class SaturationTest {

    @Test
    void theGeneratorAloneAt85PercentOfTheCoresIsSaturated() {
        Saturation s = Saturation.judge(170.0, 5.0, 2);
        assertTrue(s.saturated());
        assertEquals("the load generator used 170.0 % CPU of 2 cores (at 85 % a core its timestamps may be late)", s.because());
        assertFalse(Saturation.judge(169.9, 5.0, 2).saturated());
    }

    @Test
    void bothTogetherAt90PercentOfTheMachineAreSaturated() {
        Saturation s = Saturation.judge(100.0, 80.0, 2);
        assertTrue(s.saturated());
        assertEquals("server and load generator together used 180 % CPU of 200 % (2 cores): the generator competed for CPU",
                s.because());
        assertFalse(Saturation.judge(100.0, 79.9, 2).saturated());
    }

    @Test
    void withoutTheServersCpuOnlyTheGeneratorsOwnShareCounts() {
        assertFalse(Saturation.judge(150.0, null, 2).saturated());
        assertTrue(Saturation.judge(180.0, null, 2).saturated());
        assertEquals(Saturation.NOT, Saturation.judge(10.0, 10.0, 2));
    }

    private static Saturation.Measured quiet(Double lagMeanMicros, Double intervalMicros, Long scheduled, Long late) {
        return new Saturation.Measured(20.0, 30.0, 2, lagMeanMicros, intervalMicros, scheduled, late, 10.0, 42.5, null);
    }

    @Test
    void aFeedThatPublishesLaterThanOneEventIntervalIsSaturated() {
        // the feed preset: 500 events/s a topic, one every 2 ms; events 46 ms late on average are far behind
        Saturation s = Saturation.judge(quiet(46_000.0, 2_000.0, null, null));
        assertTrue(s.saturated());
        assertEquals("the server's feed published late: events of the window went out 46.0 ms after their intended time"
                + " on average, against events every 2.0 ms a topic (bound 10.0 ms): latencies from the intended time"
                + " include it", s.because());
        // below the floor, jitter alone: not a finding
        assertFalse(Saturation.judge(quiet(9_000.0, 2_000.0, null, null)).saturated());
        // rare events: the bound is one interval
        assertFalse(Saturation.judge(quiet(37_000.0, 50_000.0, null, null)).saturated());
        assertTrue(Saturation.judge(quiet(51_000.0, 50_000.0, null, null)).saturated());
    }

    @Test
    void aGeneratorBehindItsOwnPlanIsSaturated() {
        Saturation s = Saturation.judge(quiet(null, null, 1000L, 11L));
        assertTrue(s.saturated());
        assertEquals("the load generator fell behind its own schedule: 11 of 1000 sends it planned in the window (polls)"
                + " went out 10 ms or more after their plan, the latest 42.5 ms", s.because());
        assertFalse(Saturation.judge(quiet(null, null, 1000L, 10L)).saturated(), "1 % is the edge");
        assertFalse(Saturation.judge(quiet(null, null, 0L, 0L)).saturated());
    }

    @Test
    void everyCauseIsNamed() {
        Saturation s = Saturation.judge(new Saturation.Measured(180.0, 10.0, 2, 300_000.0, 2_000.0, 100L, 50L, 10.0, 80.0,
                new Saturation.RampSchedule(19_000L, 1368L, 10.0, 340.0, 8.5, 7.6)));
        assertEquals(4, s.because().split("; ").length, s.because());
    }

    private static Saturation.Measured ramp(Long connects, Long late, Double seconds, Double plannedSeconds) {
        return new Saturation.Measured(20.0, 30.0, 2, null, null, null, null, null, null,
                new Saturation.RampSchedule(connects, late, 10.0, 340.0, seconds, plannedSeconds));
    }

    @Test
    void aRampWhoseConnectsStartLateIsSaturated() {
        Saturation s = Saturation.judge(ramp(19_000L, 1368L, 7.7, 7.6));
        assertTrue(s.saturated());
        assertEquals("the generator fell behind its plan: 7.2 % of connects (1368 of 19000) started 10 ms or more late,"
                + " by up to 340 ms (connect times count from the plan, so they include this delay)", s.because());
        assertFalse(Saturation.judge(ramp(19_000L, 190L, 7.7, 7.6)).saturated(), "1 % is the edge");
        assertTrue(Saturation.judge(ramp(19_000L, 191L, 7.7, 7.6)).saturated());
        assertFalse(Saturation.judge(ramp(0L, 0L, null, null)).saturated());
    }

    /**
     * A ramp longer than planned with its connects started on time is not the generator's: the other side took
     * long to go live (a stock nginx holds an SSE stream's first bytes in its buffers), which connect times show.
     */
    @Test
    void aRampLongerThanPlannedWithConnectsOnTimeIsNotTheGenerators() {
        assertFalse(Saturation.judge(ramp(19_000L, 0L, 8.5, 7.6)).saturated());
        assertFalse(Saturation.judge(ramp(20L, 0L, 9.4, 0.2)).saturated());
        assertFalse(Saturation.judge(ramp(19_000L, 190L, 8.5, 7.6)).saturated(), "1 % late is the edge");
    }

    @Test
    void bothRampFindingsReadAsOneCause() {
        Saturation s = Saturation.judge(ramp(19_000L, 1368L, 8.5, 7.6));
        assertEquals("the generator fell behind its plan: 7.2 % of connects (1368 of 19000) started 10 ms or more late,"
                + " by up to 340 ms, and the ramp took 8.5 s for 7.6 s planned (connect times count from the plan, so they"
                + " include this delay)", s.because());
    }
}
