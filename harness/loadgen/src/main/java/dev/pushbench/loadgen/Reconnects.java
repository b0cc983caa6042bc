package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cell's connections that ended unasked after the ramp, why, and how often subscribers came back:
 * the counting side of {@code resilience} ({@link CellResult.Resilience}). {@link Subscriber} reports
 * each end with the engine's {@link StreamEnd} and how long the connection had read nothing;
 * {@link #classify} turns that into a cause as the client can tell it.
 *
 * <pre>
 *   Reconnects r = new Reconnects(spec);
 *   r.counting = true;                                     // once the ramp is done
 *   r.disconnected(r.classify(StreamEnd.ABRUPT_EOF, silentNanos));
 *   CellResult.Resilience figures = r.result(resume, lostAcrossReconnect, duplicatedAcrossReconnect, detect);
 * </pre>
 *
 * <p>It also keeps the fault figures the subscribers report ({@link #faultedConnections}, {@link #staleNanos})
 * and the events replayed late across a resume ({@link #lateAcrossReconnect}).
 *
 * <p>Rules, in this order:
 * <ol>
 *   <li><b>idleTimeout</b>: a path idle timeout is known ({@link LoadSpec#pathIdleTimeout()} &gt; 0) and the
 *       connection had read nothing for at least that long, less {@link #toleranceNanos}, when it ended,
 *       however it ended;</li>
 *   <li><b>serverClose</b>: the protocol's end ({@link StreamEnd#CLEAN_END}); a body delimited by the
 *       close ({@link StreamEnd#CLOSE_DELIMITED}) when no proxy stands in between;</li>
 *   <li><b>proxyClose</b>: through a proxy ({@link LoadSpec#proxied()}), a close-delimited end, an EOF
 *       before the protocol's end or a reset: the proxy closed a stream the server had not ended;</li>
 *   <li><b>error</b>: everything else: the client's own timeout, an I/O or protocol error, an abrupt
 *       end or reset without a proxy, and a reconnect attempt that failed before it was live.</li>
 * </ol>
 * So the four add up to {@link #disconnects} plus the failed reconnect attempts.
 *
 * <p>Thread-safe: counters are adders, the settings final; {@link #counting} is written once by the
 * generator's thread.
 */
final class Reconnects {
    /**
     * The least tolerance on the idle rule: nginx moves a timer only when the new deadline differs by
     * 300 ms or more ({@code NGX_TIMER_LAZY_DELAY}), so its idle timeout may fire up to 300 ms early.
     */
    static final long MIN_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    /** The tolerance as a share of the idle timeout, for long timeouts: 2 %. */
    static final double TOLERANCE_SHARE = 0.02;

    /** Why a connection ended, as {@code cutsByCause} counts it. */
    enum Cause { IDLE_TIMEOUT, SERVER_CLOSE, PROXY_CLOSE, ERROR }

    private final long pathIdleNanos;
    private final long idleThresholdNanos;
    private final boolean proxied;
    /** True from the end of the ramp: ends, reconnects and resumes are counted from then on. */
    volatile boolean counting;
    /** Live connections that ended unasked. */
    final LongAdder disconnects = new LongAdder();
    /** Connections opened again after one ended or failed to open. */
    final LongAdder reconnects = new LongAdder();
    private final LongAdder[] byCause = new LongAdder[Cause.values().length];
    /** True once a fault was reported to the generator: the fault figures are then given, zeros included. */
    volatile boolean faultsReported;
    /** Subscriber connections a recorded fault hit. */
    final LongAdder faultedConnections = new LongAdder();
    /** Events of the window delivered on a resumed connection, due before it went live (replayed from history). */
    final LongAdder lateAcrossReconnect = new LongAdder();
    /** Summed over hits: from each fault to the hit subscriber's first event due at or after it. */
    final LongAdder staleNanos = new LongAdder();
    /** The same figures per kind of fault, in the order first reported. */
    private final java.util.Map<String, ByFault> byFault = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

    /** One kind of fault's hits, detection times (nanoseconds, up to an hour) and stale time. */
    private static final class ByFault {
        final LongAdder hits = new LongAdder();
        final org.HdrHistogram.Histogram detect = new org.HdrHistogram.Histogram(TimeUnit.HOURS.toNanos(1), 3);
        final LongAdder staleNanos = new LongAdder();
    }

    private ByFault of(String fault) {
        return byFault.computeIfAbsent(fault == null ? "fault" : fault, f -> new ByFault());
    }

    /** A subscriber connection was hit by {@code fault}. */
    void hit(String fault) {
        faultedConnections.increment();
        of(fault).hits.increment();
    }

    /** A hit subscriber saw its connection end {@code nanos} after {@code fault}. */
    void detected(String fault, long nanos) {
        ByFault f = of(fault);
        synchronized (f.detect) {
            f.detect.recordValue(Math.min(Math.max(0, nanos), f.detect.getHighestTrackableValue()));
        }
    }

    /** A hit subscriber was stale for {@code nanos} after {@code fault}. */
    void stale(String fault, long nanos) {
        long n = Math.max(0, nanos);
        staleNanos.add(n);
        of(fault).staleNanos.add(n);
    }

    /** Each kind of fault's figures, null when none was reported. */
    java.util.List<CellResult.FaultRecovery> byFault() {
        if (!faultsReported) {
            return null;
        }
        java.util.List<CellResult.FaultRecovery> out = new java.util.ArrayList<>();
        synchronized (byFault) {
            byFault.forEach((fault, f) -> {
                HistogramSummary detect;
                synchronized (f.detect) {
                    detect = HistogramSummary.ofNanos(f.detect);
                }
                out.add(new CellResult.FaultRecovery(fault, f.hits.sum(), detect,
                        Math.round(f.staleNanos.sum() / 1e6) / 1000.0));
            });
        }
        return out;
    }

    Reconnects(LoadSpec spec) {
        this(spec.pathIdleTimeout(), spec.proxied());
    }

    Reconnects(Duration pathIdleTimeout, boolean proxied) {
        this.pathIdleNanos = pathIdleTimeout.toNanos();
        this.idleThresholdNanos = pathIdleNanos - toleranceNanos(pathIdleNanos);
        this.proxied = proxied;
        for (int i = 0; i < byCause.length; i++) {
            byCause[i] = new LongAdder();
        }
    }

    /**
     * How much shorter than the path's idle timeout a silence may be and still count as cut by it: the
     * larger of {@value #TOLERANCE_SHARE} of it and {@link #MIN_TOLERANCE_NANOS}, never more than half of it.
     */
    static long toleranceNanos(long pathIdleNanos) {
        long tolerance = Math.max((long) (pathIdleNanos * TOLERANCE_SHARE), MIN_TOLERANCE_NANOS);
        return Math.min(tolerance, pathIdleNanos / 2);
    }

    /** The cause of a live connection's end {@code end}, after it had read nothing for {@code silentNanos}. */
    Cause classify(StreamEnd end, long silentNanos) {
        if (pathIdleNanos > 0 && silentNanos >= idleThresholdNanos) {
            return Cause.IDLE_TIMEOUT;
        }
        switch (end) {
            case CLEAN_END:
                return Cause.SERVER_CLOSE;
            case CLOSE_DELIMITED:
                return proxied ? Cause.PROXY_CLOSE : Cause.SERVER_CLOSE;
            case ABRUPT_EOF:
            case RESET:
                return proxied ? Cause.PROXY_CLOSE : Cause.ERROR;
            default:
                return Cause.ERROR;
        }
    }

    /** A live connection ended unasked, for {@code cause}. */
    void disconnected(Cause cause) {
        disconnects.increment();
        byCause[cause.ordinal()].increment();
    }

    /** A reconnect attempt ended before it was live: an error. */
    void reconnectFailed() {
        byCause[Cause.ERROR.ordinal()].increment();
    }

    long cuts(Cause cause) {
        return byCause[cause.ordinal()].sum();
    }

    /** The figures, with the resume times and the integrity tracker's share of loss and duplication across reconnects. */
    CellResult.Resilience result(HistogramSummary resumeMicros, long lostAcrossReconnect, long duplicatedAcrossReconnect) {
        return result(resumeMicros, lostAcrossReconnect, duplicatedAcrossReconnect, null);
    }

    /**
     * The figures, with the fault figures when a fault was reported ({@code timeToDetectMicros}: the
     * {@link Recorders.Metric#DETECT} times; {@code faultedConnections}, {@code staleSeconds}); without one they
     * are absent. {@code lateAcrossReconnect} is always given. The server's side ({@code reconnectPeakPerSecond},
     * {@code lostInOutage}) is the runner's to add.
     */
    CellResult.Resilience result(HistogramSummary resumeMicros, long lostAcrossReconnect, long duplicatedAcrossReconnect,
                                 HistogramSummary timeToDetectMicros) {
        boolean faults = faultsReported;
        return new CellResult.Resilience(disconnects.sum(), reconnects.sum(), resumeMicros, lostAcrossReconnect,
                duplicatedAcrossReconnect, new CellResult.CutsByCause(cuts(Cause.IDLE_TIMEOUT), cuts(Cause.SERVER_CLOSE),
                cuts(Cause.PROXY_CLOSE), cuts(Cause.ERROR)), faults ? timeToDetectMicros : null,
                faults ? faultedConnections.sum() : null, lateAcrossReconnect.sum(),
                faults ? Math.round(staleNanos.sum() / 1e6) / 1000.0 : null, null, null, byFault());
    }
}
