package dev.pushbench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * How many subscriptions a server took in each second since its feed's t0: every SSE or WebSocket stream
 * opened and every poll request (long or short) taken, in one count, so that the reconnect storm after a
 * fault shows as the same figure, new subscriptions per second at the server, whatever the transport. A
 * poll counts when it arrives, not when it is answered.
 *
 * <pre>
 *   SubscribeMeter meter = new SubscribeMeter(feed::schedule, SubscribeMeter.DEFAULT_SECONDS);
 *   meter.record(System.nanoTime());                     // one per new subscription or poll request
 *   List&lt;Long&gt; perSecond = meter.perSecond(System.nanoTime());   // seconds 0 .. now after t0
 * </pre>
 *
 * <p>One array increment per record. Second {@code i} is {@code [t0 + i s, t0 + (i+1) s)}; a record before
 * the feed has started, or before its t0, counts in second 0, and one after the last second the meter holds
 * ({@link #DEFAULT_SECONDS}: two hours) counts in that last second.
 */
public final class SubscribeMeter {
    /** Two hours of seconds: longer than any cell. */
    public static final int DEFAULT_SECONDS = 2 * 60 * 60;
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<Schedule> schedule;
    private final AtomicLongArray perSecond;

    /**
     * @param schedule the feed's schedule, read at each record and each reading; null until the feed starts
     * @param seconds  how many one-second buckets to hold, at least 1
     */
    public SubscribeMeter(Supplier<Schedule> schedule, int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be >= 1, got " + seconds);
        }
        this.schedule = schedule;
        this.perSecond = new AtomicLongArray(seconds);
    }

    /** Counts one new subscription or poll request taken at {@code nowNanos} ({@code System.nanoTime()}). */
    public void record(long nowNanos) {
        perSecond.incrementAndGet(second(nowNanos));
    }

    /** The feed's t0, from which the seconds count; null before the feed starts. */
    public Long t0Nanos() {
        Schedule s = schedule.get();
        return s == null ? null : s.t0Nanos();
    }

    /** The count of each second from 0 to the one {@code nowNanos} falls in; just second 0 before the feed starts. */
    public List<Long> perSecond(long nowNanos) {
        int last = second(nowNanos);
        List<Long> counts = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            counts.add(perSecond.get(i));
        }
        return counts;
    }

    private int second(long nowNanos) {
        Schedule s = schedule.get();
        if (s == null || nowNanos <= s.t0Nanos()) {
            return 0;
        }
        long second = (nowNanos - s.t0Nanos()) / SECOND_NANOS;
        return (int) Math.min(second, perSecond.length() - 1);
    }
}
