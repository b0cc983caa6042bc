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
        return new Saturation.Measured(20.0, 30.0, 2, lagMeanMicros, intervalMicros, scheduled, late, 10.0, 42.5);
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
        Saturation s = Saturation.judge(new Saturation.Measured(180.0, 10.0, 2, 300_000.0, 2_000.0, 100L, 50L, 10.0, 80.0));
        assertEquals(3, s.because().split("; ").length, s.because());
    }
}
