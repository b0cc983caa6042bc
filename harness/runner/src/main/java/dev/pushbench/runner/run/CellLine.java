package dev.pushbench.runner.run;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;

/**
 * The one line the runner prints when a cell ends, and the figures' short form in the progress lines.
 *
 * <pre>
 *   ok   delivered 1600/1600 lost 0 dup 0  latency p50 2.2ms p99 15.1ms max 16.4ms  (9 s)
 *   ok   delivered 26000/26000 lost 0 dup 0  latency p50 1.9ms p99 6.1ms max 12.0ms  published 1300 failed 0 echo p50 1.8ms  (31 s)
 * </pre>
 */
final class CellLine {
    private CellLine() {
    }

    /** The progress line printed when a cell ends: its status, delivery and latency, and for a two-way cell its upstream. */
    static String of(CellResult r) {
        if (r.capacity() != null && r.status() == CellStatus.OK) {
            CellResult.Capacity c = r.capacity();
            return String.format("ok   capacity %s of %s (bound: %s), %d steps; %s  (%.0f s)",
                    c.display() == null ? "none" : c.display(), c.variable(), c.boundBy(), c.steps() == null ? 0 : c.steps().size(),
                    c.note(), r.durationSeconds() == null ? 0.0 : r.durationSeconds());
        }
        if (r.status() != CellStatus.OK) {
            return (r.status() == null ? "?" : r.status().id()) + ": " + r.reason();
        }
        CellResult.Delivery d = r.delivery();
        Double p50 = r.latencyMicros() == null ? null : r.latencyMicros().p50();
        Double p99 = r.latencyMicros() == null ? null : r.latencyMicros().p99();
        Double max = r.latencyMicros() == null ? null : r.latencyMicros().max();
        Long late = d.late();
        CellResult.Upstream up = r.upstream();
        String upstream = up == null ? "" : String.format("  published %s failed %s echo p50 %s", up.published(), up.failed(),
                micros(up.echoMicros() == null ? null : up.echoMicros().p50()));
        return String.format("ok   delivered %s/%s lost %s%s dup %s  latency p50 %s p99 %s max %s%s  (%.0f s)",
                d.delivered(), d.expected(), d.lost(), late != null && late > 0 ? " late " + late : "", d.duplicated(),
                micros(p50), micros(p99), micros(max), upstream, r.durationSeconds() == null ? 0.0 : r.durationSeconds());
    }

    /** Microseconds as µs, ms or s, whichever reads best; "-" when absent. */
    static String micros(Double us) {
        if (us == null) {
            return "-";
        }
        if (us >= 1_000_000) {
            return String.format("%.2fs", us / 1e6);
        }
        if (us >= 1000) {
            return String.format("%.1fms", us / 1e3);
        }
        return String.format("%.0fµs", us);
    }
}
