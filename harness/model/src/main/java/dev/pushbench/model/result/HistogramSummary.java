package dev.pushbench.model.result;

import org.HdrHistogram.Histogram;

/**
 * The figures a report shows of one histogram of nanosecond values, in microseconds: the
 * {@code latencyMicros}-style object of {@code summary.json}. An empty histogram reads as all zeros
 * with {@code count} 0.
 *
 * <p>The figures are boxed because a reader must tell an absent figure from a zero one: a file
 * written by an older version, or by hand, may lack any of them ({@link #ofNanos} always fills all).
 */
public record HistogramSummary(Long count, Double mean, Double p50, Double p90, Double p99, Double p999, Double max) {

    public static final HistogramSummary EMPTY = new HistogramSummary(0L, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);

    public static HistogramSummary ofNanos(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new HistogramSummary(h.getTotalCount(), micros(h.getMean()),
                micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(90)),
                micros(h.getValueAtPercentile(99)), micros(h.getValueAtPercentile(99.9)),
                micros(h.getMaxValue()));
    }

    private static double micros(double nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

}
