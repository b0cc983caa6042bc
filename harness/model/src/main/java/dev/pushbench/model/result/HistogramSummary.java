package dev.pushbench.model.result;

import org.HdrHistogram.Histogram;

/**
 * The figures a report shows of one histogram of nanosecond values, in microseconds: the
 * {@code latencyMicros}-style object of {@code summary.json}. An empty histogram reads as all zeros
 * with {@code count} 0.
 */
public record HistogramSummary(long count, double mean, double p50, double p90, double p99, double p999, double max) {

    public static final HistogramSummary EMPTY = new HistogramSummary(0, 0, 0, 0, 0, 0, 0);

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
