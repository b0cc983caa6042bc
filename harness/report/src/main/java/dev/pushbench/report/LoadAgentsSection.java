package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The report's "Load agents" section: for every cell a cluster ran ({@code agents} in its {@code summary.json}, written
 * by {@code pushbench run --cluster}), one row per load agent with its share of the subscribers, its delivery, its own
 * latency, its load generator's CPU, and its clock against the serving agent's; then the cell's merged figures, and a
 * warning wherever those are not what the agents' add up to.
 *
 * <pre>
 *   LoadAgentsSection agents = LoadAgentsSection.of(report.cells());
 *   agents.isEmpty();      // true when no cell ran on a cluster: the section is not shown
 *   agents.groups();       // per cell, its agents' rows and the merged row
 *   agents.warnings();     // flagged clocks, merged figures that are not the agents' sum
 * </pre>
 *
 * <p>A cell's latency is computed by the controller from the agents' interval histograms added together, never from
 * their percentiles: so its count is the sum of theirs, while its p50 and p99 are not any average of theirs. A clock is
 * flagged when its bound ({@link CellResult.AgentClock#boundMicros()}: how far the offset applied may be from the
 * true one during the window) exceeds {@link #FLAG_SHARE} of the agent's latency p50: latencies are corrected by the
 * offset, so they are uncertain by that bound. The runner's {@code clock.flagged} decides; only a file without it is judged here by the same rule.
 */
record LoadAgentsSection(List<Group> groups, List<String> warnings) {

    static final LoadAgentsSection NONE = new LoadAgentsSection(List.of(), List.of());

    /** An error bound above this share of the agent's latency p50 flags its clock. */
    static final double FLAG_SHARE = 0.10;

    /**
     * One cluster cell: its agents' rows in the order the summary lists them, and its merged figures as a last row.
     *
     * @param outcome    empty for a measured cell, else its state and reason ("failed: load agent load-2 left …")
     * @param mismatches each merged figure that is not the sum of the agents' figures, in a sentence
     */
    record Group(CellRow cell, String label, String outcome, List<Row> rows, Row merged, List<String> mismatches) {
    }

    /**
     * One agent (or the cell's merged figures) as shown; every text final, {@link Format#ABSENT} when the summary lacks
     * it. The clock's texts are empty on the merged row.
     *
     * @param delivered    "delivered / expected"
     * @param incomplete   fewer delivered than expected, or events lost
     * @param clock        "+12.3 ± 4.10" in µs: the offset before the window and its error bound
     * @param clockAfter   the same estimate after the window, or empty
     * @param via          the kept exchange's carrier
     * @param viaDetail    beside a TCP exchange, the event bus's own bound for comparison; else empty
     * @param flagged      the error bound exceeds {@link #FLAG_SHARE} of the p50; {@code flag} says so in a sentence
     */
    record Row(String agent, String host, String subscribers, String delivered, boolean incomplete, String lost,
               String p50, String p99, String connectFailures, boolean failures, String loadgenCpu, String saturated,
               boolean saturatedAny, String clock, String clockAfter, String drift, String samples, String via,
               String viaDetail, boolean flagged, String flag) {
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    static LoadAgentsSection of(List<CellRow> cells) {
        List<Group> groups = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (CellRow cell : cells) {
            if (!cell.clustered()) {
                continue;
            }
            List<Row> rows = new ArrayList<>();
            for (CellResult.AgentShare a : cell.agents()) {
                Row row = agentRow(a);
                rows.add(row);
                if (row.flagged()) {
                    warnings.add(cell.label() + ": " + row.flag());
                }
            }
            List<String> mismatches = mismatches(cell);
            mismatches.forEach(m -> warnings.add(cell.label() + ": " + m));
            String outcome = cell.state() == CellState.OK ? ""
                    : cell.state().label() + (cell.reason() == null ? "" : ": " + cell.reason());
            groups.add(new Group(cell, cell.label(), outcome, List.copyOf(rows), mergedRow(cell), mismatches));
        }
        return groups.isEmpty() ? NONE : new LoadAgentsSection(List.copyOf(groups), List.copyOf(warnings));
    }

    // ---- the clock's flag

    /** True when the agent's clock offset is known too loosely for its latencies: see the class's comment. */
    static boolean clockFlagged(CellResult.AgentShare agent) {
        CellResult.AgentClock c = agent.clock();
        if (c == null) {
            return false;
        }
        if (c.flagged() != null) {
            return c.flagged();
        }
        Double error = c.boundMicros();
        Double p50 = p50(agent);
        return error != null && p50 != null && p50 > 0 && error > FLAG_SHARE * p50;
    }

    /** A flagged agent's note: "load agent load-2's clock offset is known only to ± 120 µs, …". */
    static String flagNote(CellResult.AgentShare agent) {
        Double error = agent.clock() == null ? null : agent.clock().boundMicros();
        Double p50 = p50(agent);
        String bound = error == null ? "an error bound not recorded" : "\u00b1 " + Format.micros(error);
        String against = p50 == null ? "flagged by the runner against its latency p50"
                : "over " + Math.round(100 * FLAG_SHARE) + " % of its latency p50 (" + Format.micros(p50) + ")";
        return "load agent " + agent.agent() + "'s clock offset is known only to " + bound + ", " + against
                + ": its latencies are not trustworthy to that precision";
    }

    private static Double p50(CellResult.AgentShare agent) {
        return agent.latencyMicros() == null ? null : agent.latencyMicros().p50();
    }

    // ---- rows

    private static Row agentRow(CellResult.AgentShare a) {
        CellResult.AgentClock c = a.clock();
        boolean flagged = clockFlagged(a);
        String via = c == null || c.via() == null ? Format.ABSENT : c.via();
        String viaDetail = c == null || c.eventBusErrorMicros() == null || "event-bus".equals(c.via()) ? ""
                : "event bus \u00b1 " + Format.micros(c.eventBusErrorMicros());
        CellResult.Loadgen g = a.loadgen();
        return new Row(a.agent(), a.host() == null ? Format.ABSENT : a.host(), Format.count(a.subscribers()),
                delivered(a.delivery()), incomplete(a.delivery()), lost(a.delivery()), Format.micros(p50(a)),
                Format.micros(a.latencyMicros() == null ? null : a.latencyMicros().p99()), failures(a.connections()),
                anyFailures(a.connections()), Format.percent(g == null ? null : g.cpuPercent()),
                yesNo(g == null ? null : g.saturated()), g != null && Boolean.TRUE.equals(g.saturated()),
                c == null ? Format.ABSENT : offset(c.offsetMicros(), c.errorMicros()),
                c == null || (c.offsetAfterMicros() == null && c.errorAfterMicros() == null) ? ""
                        : offset(c.offsetAfterMicros(), c.errorAfterMicros()),
                c == null || c.driftMicrosPerSecond() == null ? Format.ABSENT : signed(c.driftMicrosPerSecond()),
                c == null || c.samples() == null ? Format.ABSENT : Format.count(c.samples()), via, viaDetail, flagged,
                flagged ? flagNote(a) : "");
    }

    /** The cell's own figures: what the controller merged from the agents'. */
    private static Row mergedRow(CellRow cell) {
        long subscribers = 0;
        boolean all = true;
        for (CellResult.AgentShare a : cell.agents()) {
            if (a.subscribers() == null) {
                all = false;
            } else {
                subscribers += a.subscribers();
            }
        }
        HistogramSummary latency = cell.latency();
        return new Row("cell (merged)", "", all ? Format.count(subscribers) : Format.ABSENT, delivered(cell.delivery()),
                incomplete(cell.delivery()), lost(cell.delivery()), Format.micros(latency == null ? null : latency.p50()),
                Format.micros(latency == null ? null : latency.p99()), failures(cell.connections()),
                anyFailures(cell.connections()), Format.percent(cell.loadgenCpuPercent()), yesNo(cell.loadgenSaturated()),
                Boolean.TRUE.equals(cell.loadgenSaturated()), "", "", "", "", "", "", false, "");
    }

    /** "+12.3 ± 4.10" (µs), the offset's sign always written: which clock reads ahead matters. */
    private static String offset(Double offsetMicros, Double errorMicros) {
        return (offsetMicros == null ? Format.ABSENT : signed(offsetMicros)) + " \u00b1 "
                + (errorMicros == null ? Format.ABSENT : Format.significant(errorMicros));
    }

    private static String signed(double value) {
        String digits = Format.significant(Math.abs(value));
        return value > 0 ? "+" + digits : value < 0 ? "\u2212" + digits : digits;
    }

    private static String delivered(CellResult.Delivery d) {
        return d == null ? Format.ABSENT : Format.count(d.delivered()) + " / " + Format.count(d.expected());
    }

    private static boolean incomplete(CellResult.Delivery d) {
        return d != null && ((d.lost() != null && d.lost() > 0)
                || (d.delivered() != null && d.expected() != null && d.delivered() < d.expected()));
    }

    private static String lost(CellResult.Delivery d) {
        return Format.count(d == null ? null : d.lost());
    }

    private static String failures(CellResult.Connections c) {
        return Format.count(c == null ? null : c.connectFailures());
    }

    private static boolean anyFailures(CellResult.Connections c) {
        return c != null && c.connectFailures() != null && c.connectFailures() > 0;
    }

    private static String yesNo(Boolean value) {
        return value == null ? Format.ABSENT : value ? "yes" : "no";
    }

    // ---- the merged figures against the agents' sum

    /** A figure the cell's must be the sum of its agents' for. */
    private record Summed(String name, Function<CellRow, Long> cell, Function<CellResult.AgentShare, Long> agent) {
    }

    private static final List<Summed> SUMMED = List.of(
            new Summed("events expected", c -> c.delivery() == null ? null : c.delivery().expected(),
                    a -> a.delivery() == null ? null : a.delivery().expected()),
            new Summed("events delivered", c -> c.delivery() == null ? null : c.delivery().delivered(),
                    a -> a.delivery() == null ? null : a.delivery().delivered()),
            new Summed("events lost", c -> c.delivery() == null ? null : c.delivery().lost(),
                    a -> a.delivery() == null ? null : a.delivery().lost()),
            new Summed("latency count", c -> c.latency() == null ? null : c.latency().count(),
                    a -> a.latencyMicros() == null ? null : a.latencyMicros().count()),
            new Summed("subscribers", c -> c.connections() == null ? null : c.connections().target(),
                    CellResult.AgentShare::subscribers));

    /**
     * Each figure of {@link #SUMMED} the cell and every agent hold, whose cell value is not the agents' sum; a figure
     * some agent lacks is not compared.
     */
    private static List<String> mismatches(CellRow cell) {
        List<String> out = new ArrayList<>();
        for (Summed s : SUMMED) {
            Long merged = s.cell().apply(cell);
            List<Long> parts = cell.agents().stream().map(s.agent()).toList();
            if (merged == null || parts.stream().anyMatch(Objects::isNull)) {
                continue;
            }
            long sum = parts.stream().mapToLong(Long::longValue).sum();
            if (sum != merged) {
                out.add("its " + s.name() + " (" + Format.count(merged) + ") is not the sum of its agents' ("
                        + Format.count(sum) + ")");
            }
        }
        return List.copyOf(out);
    }

    // ---- as text

    /** The section as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Group g : groups) {
            out.append("load agents: ").append(g.cell().name()).append(": ").append(g.rows().size())
                    .append(g.rows().size() == 1 ? " agent" : " agents").append(g.outcome().isEmpty() ? "" : "; " + g.outcome())
                    .append('\n');
            for (Row r : g.rows()) {
                row(out, r);
            }
            row(out, g.merged());
            g.mismatches().forEach(m -> out.append("  mismatch: ").append(m).append('\n'));
        }
        warnings.forEach(w -> out.append("load agents warning: ").append(w).append('\n'));
        return out.toString();
    }

    private static void row(StringBuilder out, Row r) {
        out.append("  ").append(r.agent()).append(r.host().isEmpty() ? "" : " @ " + r.host()).append(": subscribers ")
                .append(r.subscribers()).append(", delivered ").append(r.delivered())
                .append(r.incomplete() ? " (incomplete)" : "").append(", lost ").append(r.lost()).append(", p50 ")
                .append(r.p50()).append(", p99 ").append(r.p99()).append(", connect failures ").append(r.connectFailures())
                .append(", generator CPU ").append(r.loadgenCpu()).append(", saturated ").append(r.saturated());
        if (!r.clock().isEmpty()) {
            out.append("; clock ").append(r.clock()).append(" \u00b5s")
                    .append(r.clockAfter().isEmpty() ? "" : ", after " + r.clockAfter() + " \u00b5s").append(", drift ")
                    .append(r.drift()).append(" \u00b5s/s, samples ").append(r.samples()).append(", via ").append(r.via())
                    .append(r.viaDetail().isEmpty() ? "" : " (" + r.viaDetail() + ")")
                    .append(r.flagged() ? " FLAGGED" : "");
        }
        out.append('\n');
    }
}
