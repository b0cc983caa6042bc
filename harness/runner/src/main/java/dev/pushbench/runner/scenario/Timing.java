package dev.pushbench.runner.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * The phases of one cell, after every connection is open: {@code warmup} (delivered, not
 * recorded), {@code duration} (recorded), {@code drain} (events published during the measured
 * window may still arrive and count; nothing new is published). A cell is run {@code repeats} times.
 *
 * <pre>
 *   new Timing(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(2), 1);
 * </pre>
 */
public record Timing(Duration warmup, Duration duration, Duration drain, int repeats) {

    public Timing {
        requireBetween(warmup, "timing.warmup", false);
        requireBetween(duration, "timing.duration", true);
        requireBetween(drain, "timing.drain", false);
        if (repeats < 1 || repeats > ScenarioDefaults.MAX_REPEATS) {
            throw new IllegalArgumentException("timing.repeats must be between 1 and "
                    + ScenarioDefaults.MAX_REPEATS + ", got " + repeats);
        }
    }

    /** warmup + duration + drain: the time one run of a cell takes once its connections are open. */
    public Duration phases() {
        return warmup.plus(duration).plus(drain);
    }

    private static void requireBetween(Duration d, String name, boolean positive) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || (positive && d.isZero()) || d.compareTo(ScenarioDefaults.MAX_PHASE) > 0) {
            throw new IllegalArgumentException(name + " must be " + (positive ? "above 0s" : "at least 0s")
                    + " and at most " + ScenarioUnits.formatDuration(ScenarioDefaults.MAX_PHASE)
                    + ", got " + ScenarioUnits.formatDuration(d));
        }
    }
}
