package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backoff's arithmetic, with the draws given (a seeded {@link Random}): no sleeps, no clock. */
class ReconnectPolicyTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void withoutJitterTheDelayDoublesFromInitialUpToMax() {
        ReconnectPolicy policy = new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 0);
        List<Long> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            delays.add(policy.delayNanos(attempt, 0.9));
        }
        assertEquals(List.of(SECOND, 2 * SECOND, 4 * SECOND, 5 * SECOND, 5 * SECOND, 5 * SECOND), delays);
        assertEquals(5 * SECOND, policy.delayNanos(Integer.MAX_VALUE, 0.5), "a very long run of failures stays at max");
    }

    @Test
    void theDrawMovesEachDelayWithinOnePlusOrMinusJitter() {
        ReconnectPolicy policy = ReconnectPolicy.DEFAULT;
        assertEquals(SECOND / 2, policy.delayNanos(1, 0.0), "the lowest draw: 1 - 0.5");
        assertEquals(SECOND, policy.delayNanos(1, 0.5), "the middle draw: the base delay");
        assertEquals(3 * SECOND / 2 - 1, policy.delayNanos(1, Math.nextDown(1.0)), 1, "the highest draw: just under 1 + 0.5");
        Random random = new Random(42);
        long[] bases = {SECOND, 2 * SECOND, 4 * SECOND, 5 * SECOND, 5 * SECOND};
        List<Long> drawn = new ArrayList<>();
        for (int attempt = 1; attempt <= bases.length; attempt++) {
            long delay = policy.delayNanos(attempt, random.nextDouble());
            long base = bases[attempt - 1];
            assertTrue(delay >= base / 2 && delay < base * 3 / 2,
                    "attempt " + attempt + ": " + delay + " ns within [" + base / 2 + ", " + base * 3 / 2 + ")");
            drawn.add(delay);
        }
        assertNotEquals(drawn.get(3), drawn.get(4), "two attempts at the cap are drawn apart: jittered, not fixed");
        Random again = new Random(42);
        for (int attempt = 1; attempt <= bases.length; attempt++) {
            assertEquals(drawn.get(attempt - 1), policy.delayNanos(attempt, again.nextDouble()), "the same draws, the same delays");
        }
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertEquals("reconnect.jitter must be between 0 and 1, got 1.5", assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 1.5)).getMessage());
        assertEquals("reconnect.max must be at least reconnect.initial (PT2S), got PT1S", assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5)).getMessage());
        assertEquals("attempt counts from 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.DEFAULT.delayNanos(0, 0.5)).getMessage());
    }
}
