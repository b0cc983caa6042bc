package dev.pushbench.loadgen;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The load generator's histograms: one {@link SingleWriterRecorder} per metric per receiving thread
 * (never per connection), so recording is wait-free and costs no shared cache line. Values are
 * nanoseconds, 1 µs to 60 s at 3 significant digits; larger values are clamped to 60 s and counted.
 *
 * <pre>
 *   Recorders recorders = new Recorders();
 *   recorders.record(Metric.LATENCY, receivedNanos - intendedNanos);   // any thread
 *   Map&lt;Metric, Histogram&gt; interval = recorders.collectInterval();    // one collecting thread
 * </pre>
 */
public final class Recorders {

    /** What is recorded; the tag names the metric in {@code latency.hlog}. */
    public enum Metric {
        /** Receive time − intended publish time: what a subscriber experiences. */
        LATENCY("latency"),
        /** Receive time − actual send time: the uncorrected twin, as wrk2 keeps it. */
        LATENCY_ACTUAL("latency-actual"),
        /** Planned start of a subscription − the moment it was live. */
        CONNECT("connect"),
        /** A TCP connect: from the return of the connect call to the established socket (the server's side). */
        TCP_CONNECT("tcp-connect"),
        /** The time inside a connect call: the client's own kernel work (binding, the source port search). */
        CONNECT_CALL("connect-call"),
        /** A TLS handshake: from the established socket to the finished handshake. */
        TLS_HANDSHAKE("tls-handshake"),
        /** Polling: answer time − planned poll time (short) or − request time (long). */
        POLL("poll"),
        /**
         * After the ramp, per live connection that ended unasked: from the end (or from the fault that hit
         * it) to the first event after the subscriber resumed (the reconnect delay, the new connect, the wait
         * for the next event).
         */
        RESUME("resume"),
        /**
         * Per subscriber connection a recorded fault hit ({@link dev.pushbench.model.control.ControlMessage.Faulted}):
         * from the fault to the subscriber seeing its connection end (a reset, an EOF, its dead-connection timer).
         */
        DETECT("detect"),
        /** Two-way: a published message's intended send time − its acknowledgement from the server arriving. */
        ACK("ack"),
        /** Two-way: a published message's intended send time − its sender receiving its own copy on its stream. */
        ECHO("echo");

        private final String tag;

        Metric(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    static final long LOWEST_NANOS = 1_000;
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final List<SingleWriterRecorder[]> perThread = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder[]> local = ThreadLocal.withInitial(this::newThreadRecorders);
    private final Map<Metric, Histogram> totals = new EnumMap<>(Metric.class);
    private final java.util.concurrent.atomic.LongAdder clamped = new java.util.concurrent.atomic.LongAdder();

    public Recorders() {
        for (Metric m : Metric.values()) {
            totals.put(m, newHistogram());
        }
    }

    static Histogram newHistogram() {
        return new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);
    }

    private SingleWriterRecorder[] newThreadRecorders() {
        SingleWriterRecorder[] r = new SingleWriterRecorder[Metric.values().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new SingleWriterRecorder(LOWEST_NANOS, HIGHEST_NANOS, 3);
        }
        perThread.add(r);
        return r;
    }

    public void record(Metric metric, long nanos) {
        long value = nanos;
        if (value > HIGHEST_NANOS) {
            clamped.increment();
            value = HIGHEST_NANOS;
        } else if (value < 0) {
            clamped.increment();
            value = 0;
        }
        local.get()[metric.ordinal()].recordValue(value);
    }

    /**
     * The histograms recorded since the last call, summed over threads, tagged by metric, and added to
     * the totals. Call from one thread.
     */
    public synchronized Map<Metric, Histogram> collectInterval() {
        Map<Metric, Histogram> interval = new EnumMap<>(Metric.class);
        long start = Long.MAX_VALUE;
        long end = 0;
        for (Metric m : Metric.values()) {
            Histogram sum = newHistogram();
            for (SingleWriterRecorder[] r : perThread) {
                Histogram h = r[m.ordinal()].getIntervalHistogram();
                sum.add(h);
                start = Math.min(start, h.getStartTimeStamp());
                end = Math.max(end, h.getEndTimeStamp());
            }
            sum.setTag(m.tag());
            interval.put(m, sum);
            totals.get(m).add(sum);
        }
        for (Histogram h : interval.values()) {
            h.setStartTimeStamp(start == Long.MAX_VALUE ? System.currentTimeMillis() : start);
            h.setEndTimeStamp(end == 0 ? System.currentTimeMillis() : end);
        }
        return interval;
    }

    /** Everything collected so far (call {@link #collectInterval()} first for the latest). */
    public synchronized Histogram total(Metric metric) {
        return totals.get(metric).copy();
    }

    public long clampedValues() {
        return clamped.sum();
    }
}
