package dev.pushbench.runner.cluster;

import dev.pushbench.model.result.CellResult.AgentClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Estimates how far another host's monotonic clock reads ahead of this one's, NTP style, so that a load agent can
 * correct the serving agent's event timestamps ({@code LoadSpec.clockOffsetNanos}).
 *
 * <p>One exchange ({@link Sample}) reads our clock ({@code sent}), asks the remote host for its clock's reading
 * ({@code remote}), and reads our clock again when the answer arrives ({@code received}). The remote reading was
 * taken at some instant between {@code sent} and {@code received}, so the true offset θ lies in
 * {@code [remote − received, remote − sent]}: an interval as wide as the round trip. Its midpoint,
 * {@code remote − (sent + received) / 2}, is the sample's offset, and half the round trip is its <b>error bound</b>:
 * <em>the true offset is within offset ± error, whatever the asymmetry of the path</em> (a request that took the
 * whole round trip one way and no time back is still inside it). Nothing about the network is assumed beyond
 * causality; the bound is narrow when the round trip is short.
 *
 * <p>{@link #estimate} makes many exchanges and keeps the fastest tenth (queueing, GC pauses and scheduling only
 * ever lengthen a round trip, and they are what makes a path asymmetric). Its offset is the median of the kept
 * samples' offsets, and its error bound is half the largest kept round trip: every kept sample's offset is within
 * its own half round trip of θ, so their median is too. The bound holds while both clocks run at the same rate
 * during the exchanges (a fraction of a second); how far they drift apart over a cell is measured separately by
 * estimating again after the window ({@link #clock}).
 *
 * <pre>
 *   try (TimeClient tcp = TimeServer.client("10.0.0.5", 7071, Duration.ofSeconds(2))) {
 *       ClockSync.Estimate e = ClockSync.estimate(tcp, 200, Duration.ofMillis(2), "tcp");
 *       long serverNanos = eventServerNanos - e.offsetNanos();   // on our clock, within ± e.errorNanos()
 *   }
 * </pre>
 */
public final class ClockSync {
    /** The share of samples kept, by round trip: the fastest tenth. */
    static final int KEEP_ONE_IN = 10;

    private ClockSync() {
    }

    /**
     * One request/response exchange: our clock when the request left, the remote clock's reading, our clock when
     * the answer arrived (nanoseconds; each clock's readings are only compared with that clock's).
     */
    public record Sample(long sentNanos, long remoteNanos, long receivedNanos) {
        public Sample {
            if (receivedNanos < sentNanos) {
                throw new IllegalArgumentException("an answer cannot arrive before its request left: sentNanos "
                        + sentNanos + " > receivedNanos " + receivedNanos);
            }
        }

        public long rttNanos() {
            return receivedNanos - sentNanos;
        }

        /** How far the remote clock reads ahead of ours: the midpoint of {@code [remote − received, remote − sent]}. */
        public long offsetNanos() {
            return remoteNanos - sentNanos - rttNanos() / 2;
        }

        /**
         * Half the round trip, rounded up: the true offset is within {@link #offsetNanos()} ± this, since the remote
         * reading was taken between {@code sent} and {@code received} on our clock.
         */
        public long errorNanos() {
            return rttNanos() - rttNanos() / 2;
        }
    }

    /**
     * One request for the remote clock's reading and its answer, over some carrier (a TCP socket, the event bus).
     * It must time out rather than wait forever for a peer that is gone.
     */
    @FunctionalInterface
    public interface Exchange {
        Sample exchange() throws IOException, InterruptedException, TimeoutException;
    }

    /**
     * The estimate of the remote clock's offset from a run of exchanges.
     *
     * @param offsetNanos how far the remote clock reads ahead of ours (remote − ours)
     * @param errorNanos  the bound: the true offset lies within {@code offsetNanos ± errorNanos} (half the largest
     *                    round trip among the samples kept)
     * @param rttNanos    the shortest round trip seen
     * @param samples     the exchanges made
     * @param via         the carrier: {@code tcp}, {@code event-bus}
     */
    public record Estimate(long offsetNanos, long errorNanos, long rttNanos, int samples, String via) {
        public Estimate {
            if (errorNanos < 0 || rttNanos < 0 || samples < 1) {
                throw new IllegalArgumentException("an estimate needs errorNanos >= 0, rttNanos >= 0 and samples >= 1, got "
                        + errorNanos + ", " + rttNanos + ", " + samples);
            }
            Objects.requireNonNull(via, "via");
        }
    }

    /**
     * Makes {@code samples} exchanges, {@code pause} apart, and estimates from them ({@link #estimate(List, String)}).
     * The first exception an exchange throws ends it.
     */
    public static Estimate estimate(Exchange exchange, int samples, Duration pause, String via)
            throws IOException, InterruptedException, TimeoutException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pause must not be negative, got " + pause);
        }
        List<Sample> made = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            if (i > 0 && !pause.isZero()) {
                Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
            } else if (Thread.interrupted()) {
                throw new InterruptedException("clock estimate over " + via + " interrupted after " + i + " samples");
            }
            made.add(exchange.exchange());
        }
        return estimate(made, via);
    }

    /**
     * Keeps the samples with the lowest round trips (the fastest tenth, at least one) and takes the median of their
     * offsets; the error bound is half the largest round trip kept.
     */
    public static Estimate estimate(List<Sample> samples, String via) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("an estimate needs at least one sample over " + via);
        }
        List<Sample> byRtt = new ArrayList<>(samples);
        byRtt.sort(Comparator.comparingLong(Sample::rttNanos));
        List<Sample> kept = byRtt.subList(0, Math.max(1, byRtt.size() / KEEP_ONE_IN));
        long[] offsets = kept.stream().mapToLong(Sample::offsetNanos).sorted().toArray();
        int mid = offsets.length / 2;
        long median = offsets.length % 2 == 1 ? offsets[mid] : offsets[mid - 1] + (offsets[mid] - offsets[mid - 1]) / 2;
        long error = kept.get(kept.size() - 1).errorNanos();
        return new Estimate(median, error, byRtt.get(0).rttNanos(), samples.size(), via);
    }

    /** The estimate with the smaller error bound ({@code a} on a tie); either may be null when its carrier failed. */
    public static Estimate best(Estimate a, Estimate b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return b.errorNanos() < a.errorNanos() ? b : a;
    }

    /**
     * The clock record of a load agent's share of a cell, in microseconds.
     *
     * @param before         the estimate kept before the window (the best of the carriers); its offset corrects the
     *                       agent's latencies
     * @param after          the one after the window, or null when there is none (a cell that failed)
     * @param secondsBetween the time between the two estimates, for the drift
     * @param eventBusBefore the event bus's estimate before the window, for comparison, or null
     * @param totalSamples   the exchanges made, before and after, over every carrier
     * @param p50Micros      the agent's latency median, or null when unknown; the record is flagged when its
     *                       {@link AgentClock#boundMicros()} exceeds a tenth of it
     */
    public static AgentClock clock(Estimate before, Estimate after, double secondsBetween, Estimate eventBusBefore,
                                   int totalSamples, Double p50Micros) {
        Objects.requireNonNull(before, "before");
        Double drift = null;
        if (after != null) {
            if (!(secondsBetween > 0)) {
                throw new IllegalArgumentException("secondsBetween must be positive to measure a drift, got " + secondsBetween);
            }
            drift = micros(after.offsetNanos() - before.offsetNanos()) / secondsBetween;
        }
        AgentClock clock = new AgentClock(micros(before.offsetNanos()), micros(before.errorNanos()),
                after == null ? null : micros(after.offsetNanos()), after == null ? null : micros(after.errorNanos()),
                drift, totalSamples, before.via(), eventBusBefore == null ? null : micros(eventBusBefore.errorNanos()),
                null);
        boolean flagged = p50Micros != null && clock.boundMicros() > 0.1 * p50Micros;
        return new AgentClock(clock.offsetMicros(), clock.errorMicros(), clock.offsetAfterMicros(),
                clock.errorAfterMicros(), clock.driftMicrosPerSecond(), clock.samples(), clock.via(),
                clock.eventBusErrorMicros(), flagged);
    }

    private static double micros(long nanos) {
        return nanos / 1_000.0;
    }
}
