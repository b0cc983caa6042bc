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
        assertEquals("the load generator used 170.0 % CPU of 2 cores", s.because());
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
}
