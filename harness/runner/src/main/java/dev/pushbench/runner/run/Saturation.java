package dev.pushbench.runner.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for whether a cell was saturated, so that its latencies may include delay that is
 * not the server's handling of a subscriber: a starved load generator (its timestamps late), a
 * machine with no CPU to spare, a feed that could not keep its own schedule, or a generator that
 * sent later than it planned. Every cause found is named, with what was measured.
 *
 * <pre>
 *   Saturation s = Saturation.judge(new Saturation.Measured(loadgenCpu, serverCpu, cores, lagP99Micros,
 *           eventIntervalMicros, scheduledSends, lateSends, lateSendMillis, maxLateMillis));
 *   if (s.saturated()) { note(s.because()); }
 * </pre>
 *
 * <p>CPU percentages are 100 per core, each over the measured window. The publisher's lag is that of
 * the window's delivered events, the mean of their latency from the intended time less the mean of
 * their latency from the actual send (the same events, so the difference is exactly how late they
 * went out on average); it counts when it exceeds one event interval of a topic (the next event was
 * due before this one went out), and never below {@link #LAG_FLOOR_MICROS}, which scheduling jitter
 * alone reaches. The server's own lag histogram covers its whole run, its cold start included.
 */
record Saturation(boolean saturated, String because) {
    /** The generator alone, of one core's 100 %, times the cores. */
    static final double GENERATOR_PERCENT_OF_CORES = 85.0;
    /** Generator and server together, of one core's 100 %, times the cores. */
    static final double MACHINE_PERCENT_OF_CORES = 90.0;
    /** Publisher lag under this never marks a cell: a GC pause or a context switch reach it. */
    static final double LAG_FLOOR_MICROS = 10_000;
    /** Late sends (by the generator's own plan) above this share of its planned sends mark a cell. */
    static final double LATE_SEND_SHARE = 0.01;

    static final Saturation NOT = new Saturation(false, null);

    /**
     * What the rule looks at; a null figure was not measured and counts for nothing.
     *
     * @param eventIntervalMicros one topic's interval between events, 1 / feed.rate
     */
    record Measured(double loadgenCpuPercent, Double serverCpuPercent, int cores, Double publisherLagMeanMicros,
                    Double eventIntervalMicros, Long scheduledSends, Long lateSends, Double lateSendMillis,
                    Double maxLateMillis) {
    }

    /** Only the CPU figures, as before any lag or schedule was known. */
    static Saturation judge(double loadgenCpuPercent, Double serverCpuPercent, int cores) {
        return judge(new Measured(loadgenCpuPercent, serverCpuPercent, cores, null, null, null, null, null, null));
    }

    static Saturation judge(Measured m) {
        List<String> causes = new ArrayList<>();
        int cores = m.cores();
        if (m.loadgenCpuPercent() >= GENERATOR_PERCENT_OF_CORES * cores) {
            causes.add("the load generator used " + m.loadgenCpuPercent() + " % CPU of " + cores + " cores (at "
                    + Math.round(GENERATOR_PERCENT_OF_CORES) + " % a core its timestamps may be late)");
        } else if (m.serverCpuPercent() != null) {
            double machine = m.loadgenCpuPercent() + m.serverCpuPercent();
            if (machine >= MACHINE_PERCENT_OF_CORES * cores) {
                causes.add("server and load generator together used " + Math.round(machine) + " % CPU of " + cores * 100
                        + " % (" + cores + " cores): the generator competed for CPU");
            }
        }
        if (m.publisherLagMeanMicros() != null && m.eventIntervalMicros() != null) {
            double bound = Math.max(m.eventIntervalMicros(), LAG_FLOOR_MICROS);
            if (m.publisherLagMeanMicros() > bound) {
                causes.add(String.format(Locale.ROOT, "the server's feed published late: events of the window went out %s"
                        + " after their intended time on average, against events every %s a topic (bound %s):"
                        + " latencies from the intended time include it",
                        millis(m.publisherLagMeanMicros()), millis(m.eventIntervalMicros()), millis(bound)));
            }
        }
        if (m.scheduledSends() != null && m.lateSends() != null && m.scheduledSends() > 0
                && m.lateSends() > LATE_SEND_SHARE * m.scheduledSends()) {
            causes.add(String.format(Locale.ROOT, "the load generator fell behind its own schedule: %d of %d sends it planned"
                    + " in the window (polls) went out %s ms or more after their plan, the latest %s ms",
                    m.lateSends(), m.scheduledSends(), trim(m.lateSendMillis()), trim(m.maxLateMillis())));
        }
        return causes.isEmpty() ? NOT : new Saturation(true, String.join("; ", causes));
    }

    private static String millis(double micros) {
        return micros >= 1000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000) : String.format(Locale.ROOT, "%.0f µs", micros);
    }

    private static String trim(Double v) {
        if (v == null) {
            return "?";
        }
        return v == Math.rint(v) ? String.valueOf(v.longValue()) : String.format(Locale.ROOT, "%.1f", v);
    }
}
