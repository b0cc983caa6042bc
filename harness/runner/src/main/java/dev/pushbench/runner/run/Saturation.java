package dev.pushbench.runner.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for whether a cell was saturated, so that its latencies may include delay that is
 * not the server's handling of a subscriber: a starved load generator (its timestamps late), a
 * machine with no CPU to spare, a feed that could not keep its own schedule, or a generator that
 * fell behind its own plan (polls sent late, ramp connects started late, and with them a ramp longer than planned).
 * A generator the runner throttles ({@code clients.cpuShare}) is at its limit at that share of the cores.
 * Every cause found is named, with what was measured.
 *
 * <pre>
 *   Saturation s = Saturation.judge(new Saturation.Measured(loadgenCpu, serverCpu, cores, lagP99Micros,
 *           eventIntervalMicros, scheduledSends, lateSends, lateSendMillis, maxLateMillis,
 *           Saturation.RampSchedule.of(connections)));
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
    /** A ramp longer than planned by more than this share of the plan (and {@link #RAMP_OVERRUN_FLOOR_SECONDS}) marks a cell. */
    static final double RAMP_OVERRUN_SHARE = 0.05;
    /**
     * Ramp overruns under this never mark a cell: each of the ramp's legs ends when its last subscription
     * is live, a connect and a response after its planned start, which the plan does not include.
     */
    static final double RAMP_OVERRUN_FLOOR_SECONDS = 0.1;

    static final Saturation NOT = new Saturation(false, null);

    /**
     * What the rule looks at; a null figure was not measured and counts for nothing.
     *
     * @param eventIntervalMicros one topic's interval between events, 1 / feed.rate
     */
    record Measured(double loadgenCpuPercent, Double serverCpuPercent, int cores, Double publisherLagMeanMicros,
                    Double eventIntervalMicros, Long scheduledSends, Long lateSends, Double lateSendMillis,
                    Double maxLateMillis, RampSchedule ramp, double generatorCpuShare) {

        /** The generator unthrottled. */
        Measured(double loadgenCpuPercent, Double serverCpuPercent, int cores, Double publisherLagMeanMicros,
                 Double eventIntervalMicros, Long scheduledSends, Long lateSends, Double lateSendMillis,
                 Double maxLateMillis, RampSchedule ramp) {
            this(loadgenCpuPercent, serverCpuPercent, cores, publisherLagMeanMicros, eventIntervalMicros, scheduledSends,
                    lateSends, lateSendMillis, maxLateMillis, ramp, 1);
        }
    }

    /**
     * The ramp against its plan ({@code summary.json}'s {@code connections}); a null figure was not measured.
     *
     * @param connects       subscriptions the ramp planned
     * @param lateConnects   of those, the ones whose connect started {@code lateMillis} or more after their plan
     * @param maxLateMillis  the latest start after its plan
     * @param seconds        how long the ramp took, its pauses for memory points left out
     * @param plannedSeconds what its schedule planned: connections ÷ rampRate
     */
    record RampSchedule(Long connects, Long lateConnects, Double lateMillis, Double maxLateMillis, Double seconds,
                        Double plannedSeconds) {

        static RampSchedule of(dev.pushbench.model.result.CellResult.Connections c) {
            return c == null ? null : new RampSchedule(c.rampConnects(), c.lateRampConnects(), c.lateRampConnectMillis(),
                    c.maxRampConnectLateMillis(), c.rampSeconds(), c.rampPlannedSeconds());
        }
    }

    /** Only the CPU figures. */
    static Saturation judge(double loadgenCpuPercent, Double serverCpuPercent, int cores) {
        return judge(new Measured(loadgenCpuPercent, serverCpuPercent, cores, null, null, null, null, null, null, null));
    }

    static Saturation judge(Measured m) {
        List<String> causes = new ArrayList<>();
        int cores = m.cores();
        double share = m.generatorCpuShare();
        if (m.loadgenCpuPercent() >= GENERATOR_PERCENT_OF_CORES * cores * share) {
            causes.add("the load generator used " + m.loadgenCpuPercent() + " % CPU of " + cores + " cores"
                    + (share < 1 ? String.format(Locale.ROOT, ", which it was allowed %.0f %% of the time (clients.cpuShare)",
                    share * 100) : "") + " (at " + Math.round(GENERATOR_PERCENT_OF_CORES) + " % "
                    + (share < 1 ? "of what it may use" : "a core") + " its timestamps may be late)");
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
        String ramp = rampBehind(m.ramp());
        if (ramp != null) {
            causes.add(ramp);
        }
        return causes.isEmpty() ? NOT : new Saturation(true, String.join("; ", causes));
    }

    /**
     * "the generator fell behind its plan: 7.2 % of connects (1368 of 19000) started 10 ms or more late, by up
     * to 340 ms, and the ramp took 8.5 s for 7.6 s planned", with the parts that hold, or null when neither does.
     */
    private static String rampBehind(RampSchedule r) {
        if (r == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (r.connects() != null && r.lateConnects() != null && r.connects() > 0
                && r.lateConnects() > LATE_SEND_SHARE * r.connects()) {
            parts.add(String.format(Locale.ROOT, "%.1f %% of connects (%d of %d) started %s ms or more late, by up to %s ms",
                    100.0 * r.lateConnects() / r.connects(), r.lateConnects(), r.connects(), trim(r.lateMillis()),
                    trim(r.maxLateMillis())));
        }
        // a ramp longer than planned is the generator's only when its connects also started late: with them on time it
        // is the other side's time to go live (a slow server, a proxy holding the first bytes), which connectMicros shows
        if (!parts.isEmpty() && r.seconds() != null && r.plannedSeconds() != null && r.plannedSeconds() > 0
                && r.seconds() > r.plannedSeconds() + Math.max(RAMP_OVERRUN_SHARE * r.plannedSeconds(), RAMP_OVERRUN_FLOOR_SECONDS)) {
            parts.add(String.format(Locale.ROOT, "the ramp took %.1f s for %.1f s planned", r.seconds(), r.plannedSeconds()));
        }
        return parts.isEmpty() ? null : "the generator fell behind its plan: " + String.join(", and ", parts)
                + " (connect times count from the plan, so they include this delay)";
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
