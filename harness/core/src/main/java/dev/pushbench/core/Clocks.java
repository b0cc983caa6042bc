package dev.pushbench.core;

/**
 * The load generator's monotonic clock: {@link System#nanoTime()}, plus a constant a test sets with
 * {@code -Dpushbench.clock.skewNanos=N} to make one agent's host read as if its clock were {@code N}
 * nanoseconds ahead of the others'. Differences of its readings never change; only a reading compared
 * with another host's (an event's server timestamp) sees the skew, which is what the cluster's clock
 * estimate ({@code agents[].clock}) must find and correct.
 *
 * <pre>
 *   long receivedNanos = Clocks.nanoTime();
 * </pre>
 */
public final class Clocks {
    /** Read once: a constant the JIT folds, so the default costs nothing over {@code System.nanoTime()}. */
    private static final long SKEW_NANOS = Long.getLong("pushbench.clock.skewNanos", 0L);

    private Clocks() {
    }

    public static long nanoTime() {
        return System.nanoTime() + SKEW_NANOS;
    }

    /** The injected skew (0 unless a test set one). */
    public static long skewNanos() {
        return SKEW_NANOS;
    }
}
