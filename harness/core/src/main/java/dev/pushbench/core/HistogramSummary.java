package dev.pushbench.core;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures a report shows of one histogram of nanosecond values, in microseconds: the
 * {@code latencyMicros}-style object of {@code summary.json}.
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

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("mean", mean);
        m.put("p50", p50);
        m.put("p90", p90);
        m.put("p99", p99);
        m.put("p999", p999);
        m.put("max", max);
        return m;
    }
}
