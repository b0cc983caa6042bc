package dev.pushbench.core;

/**
 * When each event is meant to be published: event {@code seq} (from 1) of topic {@code i} has the
 * intended time {@code t0 + phase(i) + (seq - 1) / rate}. Topics are spread evenly over one period
 * ({@code phase(i) = i / (rate * topics)}) so that many topics do not publish in one burst.
 *
 * <p>Both the server's feed and the load generator compute from this one class: the feed to know
 * when to publish, the load generator to know how many events a subscriber should have received
 * (expected counts come from the schedule, never from what arrived).
 *
 * <p>A rate of 0 is a schedule without events (a workload where only clients publish): no seq is ever
 * due ({@link #intendedNanos} is {@link Long#MAX_VALUE}), {@link #firstSeqAtOrAfter} is 1 and
 * {@link #countInWindow} is 0 for every window.
 */
public record Schedule(long t0Nanos, int topics, double ratePerSecond) {

    public Schedule {
        if (topics < 1 || !(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("topics must be >= 1 and rate >= 0, got " + topics + " and " + ratePerSecond);
        }
    }

    /** True for a rate of 0: no event is ever due. */
    public boolean isSilent() {
        return ratePerSecond == 0;
    }

    /** Nanoseconds between two events of one topic; {@link Double#POSITIVE_INFINITY} for a silent schedule. */
    public double periodNanos() {
        return isSilent() ? Double.POSITIVE_INFINITY : 1e9 / ratePerSecond;
    }

    /** 0 for every topic of a silent schedule. */
    public long phaseNanos(int topic) {
        return isSilent() ? 0 : Math.round(topic * periodNanos() / topics);
    }

    /** {@link Long#MAX_VALUE} (never) for every seq of a silent schedule. */
    public long intendedNanos(int topic, long seq) {
        if (isSilent()) {
            return Long.MAX_VALUE;
        }
        return t0Nanos + phaseNanos(topic) + Math.round((seq - 1) * periodNanos());
    }

    /** The first seq whose intended time is at or after {@code nanos} (at least 1). */
    public long firstSeqAtOrAfter(int topic, long nanos) {
        if (isSilent()) {
            return 1;
        }
        long base = t0Nanos + phaseNanos(topic);
        if (nanos <= base) {
            return 1;
        }
        long seq = 1 + (long) Math.floor((nanos - base) / periodNanos());
        // the floating-point estimate can be one off either way; settle it against intendedNanos
        while (seq > 1 && intendedNanos(topic, seq - 1) >= nanos) {
            seq--;
        }
        while (intendedNanos(topic, seq) < nanos) {
            seq++;
        }
        return seq;
    }

    /** How many events of {@code topic} have intended times in {@code [fromNanos, toNanos)}, and seq above {@code afterSeq}. */
    public long countInWindow(int topic, long afterSeq, long fromNanos, long toNanos) {
        if (toNanos <= fromNanos || isSilent()) {
            return 0;
        }
        long first = Math.max(afterSeq + 1, firstSeqAtOrAfter(topic, fromNanos));
        long end = firstSeqAtOrAfter(topic, toNanos);
        return Math.max(0, end - first);
    }
}
