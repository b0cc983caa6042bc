package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report's "Recovery" section: for every cell the runner applied faults in ({@code faults} in
 * {@code summary.json}), what those faults cost its users: how long until a subscriber noticed, until it had
 * a fresh event again, how long its screen was stale, and which events it lost, got twice or got late.
 *
 * <pre>
 *   Recovery recovery = Recovery.of(report.cells());
 *   recovery.isEmpty();        // true for a run without faults: the section is not shown
 *   recovery.groups();         // one per kind of fault (cut, blackhole, restart, …), cells ranked within it
 * </pre>
 *
 * <p>Cells are grouped by the faults they were given (the set of types, with a cut's mode), since a cell's
 * resilience figures sum over all its faults and cannot be split by type. Within a group the cell whose
 * users were stale the least per connection hit comes first; a cell without that figure comes last, in
 * the report's order. A figure is shown as stored, {@link Format#ABSENT} when the summary lacks it.
 */
record Recovery(List<Group> groups, List<String> unfaulted, boolean anyOutage) {

    static final Recovery NONE = new Recovery(List.of(), List.of(), false);

    /** Cells given the same kinds of fault, ranked by stale time per connection hit. */
    record Group(String kinds, List<Row> rows) {
    }

    /**
     * One faulted cell as shown; every text is final, {@link Format#ABSENT} when unknown.
     *
     * @param faults     what was applied, e.g. "2 × cut (reset), 1 × blackhole"
     * @param timeline   each fault on the window's clock: "cut (reset) at 5.00 s: 40 connections"
     * @param hit        subscriber connections a fault hit ({@code resilience.faultedConnections}), else the
     *                   runner's count summed over the faults
     * @param stalePerHit stale seconds ÷ connections hit, as a duration
     * @param staleSort  the stale seconds per hit for sorting, null when unknown
     * @param byKind     each kind of fault apart ({@code resilience.byFault}): "blackhole: 10 hit, detect p50 4.01 s,
     *                   max 4.26 s, stale 4.52 s per hit"; empty when the cell's result has no breakdown
     */
    record Row(CellRow cell, String faults, List<String> timeline, List<String> byKind, String hit, String detectP50, String detectP99,
               String detectMax, String resumeP50, String resumeP99, String staleTotal, String stalePerHit,
               Double staleSort, String lost, String duplicated, String late, String lostInOutage,
               boolean lostAny, boolean outageAny, String reconnectPeak) {
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    static Recovery of(List<CellRow> cells) {
        Map<String, List<Row>> byKinds = new LinkedHashMap<>();
        List<String> unfaulted = new ArrayList<>();
        boolean outage = false;
        for (CellRow cell : cells) {
            if (!cell.faulted()) {
                if (cell.state() == CellState.OK) {
                    unfaulted.add(cell.name());
                }
                continue;
            }
            Row row = row(cell);
            outage |= row.outageAny() || cell.faults().stream().anyMatch(f -> "restart".equals(f.type()));
            byKinds.computeIfAbsent(kinds(cell.faults()), k -> new ArrayList<>()).add(row);
        }
        if (byKinds.isEmpty()) {
            return NONE;
        }
        List<Group> groups = new ArrayList<>();
        byKinds.forEach((kinds, rows) -> {
            List<Row> ranked = new ArrayList<>(rows);
            // stable: equal or unknown stale times keep the report's order
            ranked.sort(Comparator.comparing(Row::staleSort, Comparator.nullsLast(Comparator.naturalOrder())));
            groups.add(new Group(kinds, List.copyOf(ranked)));
        });
        return new Recovery(List.copyOf(groups), List.copyOf(unfaulted), outage);
    }

    /** The kinds of fault a cell was given, in order of first use: "cut (reset) + blackhole". */
    static String kinds(List<CellResult.Fault> faults) {
        Set<String> kinds = new LinkedHashSet<>();
        faults.forEach(f -> kinds.add(kind(f)));
        return String.join(" + ", kinds);
    }

    /** A fault's type, with a cut's mode: "cut (drop)", "blackhole", "restart"; "unknown" without a type. */
    static String kind(CellResult.Fault f) {
        String type = f.type() == null ? "unknown" : f.type();
        return f.mode() == null || f.mode().isEmpty() ? type : type + " (" + f.mode() + ")";
    }

    private static Row row(CellRow cell) {
        List<CellResult.Fault> faults = cell.faults();
        Map<String, Integer> counts = new LinkedHashMap<>();
        faults.forEach(f -> counts.merge(kind(f), 1, Integer::sum));
        List<String> applied = new ArrayList<>();
        counts.forEach((kind, n) -> applied.add(n + " \u00d7 " + kind));
        List<String> timeline = new ArrayList<>();
        long hitByRunner = 0;
        boolean runnerCounted = false;
        for (CellResult.Fault f : faults) {
            timeline.add(timelineEntry(f, cell.windowStartNanos()));
            if (f.connections() != null) {
                hitByRunner += f.connections();
                runnerCounted = true;
            }
        }
        CellResult.Resilience r = cell.resilience();
        Long hit = r != null && r.faultedConnections() != null ? r.faultedConnections()
                : runnerCounted ? Long.valueOf(hitByRunner) : null;
        HistogramSummary detect = r == null ? null : r.timeToDetectMicros();
        HistogramSummary resume = r == null ? null : r.resumeMicros();
        Double stale = r == null ? null : r.staleSeconds();
        Double stalePerHit = stale == null || hit == null || hit == 0 ? null : Format.fourDigits(stale / hit);
        Long lost = r == null ? null : r.lostAcrossReconnect();
        Long outage = r == null ? null : r.lostInOutage();
        List<String> byKind = new ArrayList<>();
        if (r != null && r.byFault() != null) {
            for (CellResult.FaultRecovery f : r.byFault()) {
                HistogramSummary d = f.timeToDetectMicros();
                Long hits = f.hits();
                String perHit = f.staleSeconds() == null || hits == null || hits == 0 ? Format.ABSENT
                        : Format.micros(f.staleSeconds() / hits * 1e6);
                byKind.add(f.fault() + ": " + Format.count(hits) + " hit, detect p50 "
                        + Format.micros(d == null ? null : d.p50()) + ", max " + Format.micros(d == null ? null : d.max())
                        + ", stale " + perHit + " per hit");
            }
        }
        return new Row(cell, String.join(", ", applied), List.copyOf(timeline), List.copyOf(byKind), Format.count(hit),
                Format.micros(detect == null ? null : detect.p50()), Format.micros(detect == null ? null : detect.p99()),
                Format.micros(detect == null ? null : detect.max()), Format.micros(resume == null ? null : resume.p50()),
                Format.micros(resume == null ? null : resume.p99()),
                stale == null ? Format.ABSENT : Format.micros(stale * 1e6),
                stalePerHit == null ? Format.ABSENT : Format.micros(stalePerHit * 1e6), stalePerHit,
                Format.count(lost), Format.count(r == null ? null : r.duplicatedAcrossReconnect()),
                Format.count(r == null ? null : r.lateAcrossReconnect()), Format.count(outage),
                lost != null && lost > 0, outage != null && outage > 0,
                r == null || r.reconnectPeakPerSecond() == null ? Format.ABSENT
                        : Format.count(r.reconnectPeakPerSecond()) + " / s");
    }

    /**
     * One fault on the window's clock: "cut (reset) at 5.00 s: 40 connections", "restart at 10.0 s: 100
     * connections, down 1.20 s"; the planned time when the effective one is unknown, and the runner's note.
     */
    static String timelineEntry(CellResult.Fault f, Long windowStartNanos) {
        Double at = secondsIntoWindow(f, windowStartNanos);
        StringBuilder out = new StringBuilder(kind(f));
        if (at != null) {
            out.append(" at ").append(Format.micros(at * 1e6));
            if (f.atNanos() == null || windowStartNanos == null) {
                out.append(" (planned)");
            }
        }
        List<String> details = new ArrayList<>();
        if (f.connections() != null) {
            details.add(Format.count(f.connections()) + (f.connections() == 1 ? " connection" : " connections"));
        }
        if (f.downMillis() != null) {
            details.add("down " + Format.micros(f.downMillis() * 1000));
        }
        if (f.note() != null && !f.note().isBlank()) {
            details.add(f.note().strip());
        }
        if (!details.isEmpty()) {
            out.append(": ").append(String.join(", ", details));
        }
        return out.toString();
    }

    /**
     * When a fault took effect, in seconds after the measured window began: from {@code atNanos} and the window's
     * start on the shared clock, else as planned; null when neither is known.
     */
    static Double secondsIntoWindow(CellResult.Fault f, Long windowStartNanos) {
        if (f.atNanos() != null && windowStartNanos != null) {
            return Format.fourDigits((f.atNanos() - windowStartNanos) / 1e9);
        }
        return f.plannedSeconds();
    }

    /** The section as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Group g : groups) {
            out.append("recovery: ").append(g.kinds()).append('\n');
            for (Row row : g.rows()) {
                out.append("  ").append(row.cell().name()).append(": ").append(row.faults()).append("; hit ")
                        .append(row.hit()).append('\n');
                for (String entry : row.timeline()) {
                    out.append("    fault ").append(entry).append('\n');
                }
                for (String kind : row.byKind()) {
                    out.append("    by kind ").append(kind).append('\n');
                }
                out.append(String.format(Locale.ROOT, "    detect p50 %s, p99 %s, max %s; resume p50 %s, p99 %s%n",
                        row.detectP50(), row.detectP99(), row.detectMax(), row.resumeP50(), row.resumeP99()));
                out.append(String.format(Locale.ROOT, "    stale %s, per hit %s; across reconnects lost %s, duplicated %s,"
                                + " late %s; lost in outage %s; reconnect peak %s%n", row.staleTotal(), row.stalePerHit(),
                        row.lost(), row.duplicated(), row.late(), row.lostInOutage(), row.reconnectPeak()));
            }
        }
        if (!unfaulted.isEmpty()) {
            out.append("recovery: no faults in ").append(String.join(", ", unfaulted)).append('\n');
        }
        return out.toString();
    }
}
