package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The answer a report opens with: for this run's workload, which configuration (stack × transport ×
 * protocol) is best on delivery latency, on CPU per message and on memory per connection, by how much,
 * and whether that margin can be trusted.
 *
 * <pre>
 *   Verdict verdict = Verdict.of(report.cells());
 *   verdict.findings();   // one per criterion, in order: latency, CPU, memory
 *   verdict.oneLine();    // for the results index
 * </pre>
 *
 * <p>Only cells that were measured ({@code ok} with figures) compete. Repeats of one configuration
 * ({@code -r1}, {@code -r2} …) count as one candidate: its median, with their min–max as the run-to-run
 * spread. A margin is flagged as within noise when it is under {@link #NOISE_PERCENT} % of the best
 * figure, or when best's and runner-up's spreads overlap; a candidate that lost events or whose load
 * generator was saturated is flagged too, since its figures may not describe the server, and on latency one whose load
 * agent's clock is flagged ({@link LoadAgentsSection#clockFlagged}), since its latency is uncertain beyond the noise.
 * A configuration includes its path: {@code jetty-sse-http1.1-nginx-stock} and {@code jetty-sse-http1.1} are two
 * candidates.
 */
record Verdict(List<Finding> findings, List<String> notes) {

    /** A margin below this share of the best figure is not called a difference. */
    static final double NOISE_PERCENT = 10.0;

    /** One criterion's answer; {@code best} is {@code null} when no cell has the figure ({@code unavailable} says why). */
    record Finding(Criterion criterion, String figure, Candidate best, Candidate runnerUp, List<String> warnings,
                   String unavailable) {

        /** Runner-up relative to best, in percent ({@code 23.0} = runner-up is 23 % higher), or NaN. */
        double marginPercent() {
            if (best == null || runnerUp == null || best.value() <= 0) {
                return Double.NaN;
            }
            return 100.0 * (runnerUp.value() - best.value()) / best.value();
        }

        /** {@code websocket http1.1 3.01 ms, runner-up … 3.71 ms (+23 %)}, as plain text. */
        String summary() {
            if (best == null) {
                return unavailable;
            }
            String text = best.configuration() + " " + criterion.format(best.value());
            if (runnerUp == null) {
                return text + " (the only measured configuration with this figure)";
            }
            return text + "; runner-up " + runnerUp.configuration() + " " + criterion.format(runnerUp.value())
                    + " (" + margin() + ")";
        }

        String margin() {
            double percent = marginPercent();
            return Double.isNaN(percent) ? "best is 0" : String.format(Locale.ROOT, "+%.0f %%", percent);
        }
    }

    /** One configuration in the running: its median over repeats and their spread. */
    record Candidate(String configuration, List<CellRow> cells, double value, double min, double max) {
        int repeats() {
            return cells.size();
        }
    }

    /** What is compared; lower is better for each. */
    enum Criterion {
        LATENCY("Delivery latency", "lowest p99") {
            @Override
            String format(double value) {
                return Format.micros(value);
            }
        },
        CPU("Cost per message", "least CPU per message") {
            @Override
            String format(double value) {
                return Format.micros(value) + " CPU";
            }
        },
        MEMORY("Memory per connection", "least memory per connection") {
            @Override
            String format(double value) {
                return Format.bytes(Format.fourDigits(value));
            }
        };

        private final String title;
        private final String shortTitle;

        Criterion(String title, String shortTitle) {
            this.title = title;
            this.shortTitle = shortTitle;
        }

        String title() {
            return title;
        }

        String shortTitle() {
            return shortTitle;
        }

        /** The criterion's name in the page ({@code data-criterion}): {@code latency}, {@code cpu}, {@code memory}. */
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        abstract String format(double value);
    }

    static Verdict of(List<CellRow> cells) {
        List<CellRow> measured = cells.stream().filter(CellRow::isMeasured).toList();
        List<Finding> findings = new ArrayList<>();
        findings.add(find(Criterion.LATENCY, "p99 of delivery latency from each event's intended publish time",
                measured, c -> c.latency() == null ? null : c.latency().p99(),
                "no measured cell has a p99 latency"));

        boolean anyMeasuredCpu = measured.stream()
                .anyMatch(c -> c.costs().cpuSource() == CellCosts.CpuSource.MEASURED);
        CellCosts.CpuSource cpuSource = anyMeasuredCpu ? CellCosts.CpuSource.MEASURED : CellCosts.CpuSource.DERIVED;
        findings.add(find(Criterion.CPU, cpuSource.description(),
                measured.stream().filter(c -> c.costs().cpuSource() == cpuSource).toList(),
                c -> c.costs().cpuMicrosPerMessage(),
                "no measured cell records CPU time (no costs.*.cpuMicrosPerMessage, no process CPU snapshots)"));

        findings.add(find(Criterion.MEMORY, "server heap per connection (costs.server.heapBytesPerConnection)",
                measured, c -> c.costs().serverHeapBytesPerConnection(),
                "not measured in this run: no cell has costs.server.heapBytesPerConnection"));

        List<String> notes = new ArrayList<>();
        Map<CellState, List<String>> left = new LinkedHashMap<>();
        for (CellRow cell : cells) {
            if (!cell.isMeasured()) {
                left.computeIfAbsent(cell.state(), s -> new ArrayList<>()).add(cell.name());
            }
        }
        left.forEach((state, names) -> notes.add("not in the verdict (" + state.label() + "): "
                + String.join(", ", names)));
        if (measured.stream().anyMatch(c -> c.capacity() != null)) {
            // a search's cell shows its capacity point: each cell at its own load, so these figures are not one workload's
            notes.add("a capacity search: each cell is shown at its own capacity point, so the figures compared here come"
                    + " from different loads; the Capacity section compares what each cell holds");
        }
        List<String> proxied = measured.stream().filter(CellRow::proxied).map(CellRow::name).toList();
        if (!proxied.isEmpty()) {
            // a proxied cell is its own configuration: never a repeat of the direct one, and its CPU leaves the proxy out
            notes.add("cells through a proxy compete as configurations of their own (their CPU per message is server"
                    + " + load generator; the proxy's is under \u201cThrough a proxy\u201d): " + String.join(", ", proxied));
        }
        List<String> shaped = measured.stream().filter(CellRow::shaped).map(CellRow::name).toList();
        if (!shaped.isEmpty()) {
            // a link's delay is the link's: a shaped cell never folds into the loopback one
            notes.add("cells over an emulated link compete as configurations of their own, their latency the link's"
                    + " as well (see Links; the relay's CPU is not in their CPU per message): " + String.join(", ", shaped));
        }
        List<String> faulted = measured.stream().filter(CellRow::faulted).map(CellRow::name).toList();
        if (!faulted.isEmpty()) {
            notes.add("cells given faults (see Recovery): their latency and loss include the faults': "
                    + String.join(", ", faulted));
        }
        List<String> flagged = measured.stream().filter(CellRow::clockFlagged).map(CellRow::name).toList();
        if (!flagged.isEmpty()) {
            // a cluster's latencies are corrected by each load agent's clock offset, known only to its error bound
            notes.add("cells whose load agents' clock offset is known only to more than "
                    + Math.round(100 * LoadAgentsSection.FLAG_SHARE) + " % of their latency p50 (see Load agents): their"
                    + " latencies are not trustworthy to that precision: " + String.join(", ", flagged));
        }
        List<String> lossy = measured.stream().filter(CellRow::hadLoss).map(CellRow::name).toList();
        if (!lossy.isEmpty()) {
            notes.add("cells that lost events: " + String.join(", ", lossy));
        }
        List<String> saturated = measured.stream().filter(c -> Boolean.TRUE.equals(c.loadgenSaturated()))
                .map(CellRow::name).toList();
        if (!saturated.isEmpty()) {
            notes.add("saturated cells (the cause is under each row): " + String.join(", ", saturated));
        }
        return new Verdict(List.copyOf(findings), List.copyOf(notes));
    }

    /** The results index's line: the latency answer, with a warning sign when it carries warnings. */
    String oneLine() {
        Finding latency = findings.get(0);
        if (latency.best() == null) {
            return "no verdict: " + latency.unavailable();
        }
        return (latency.warnings().isEmpty() ? "" : "\u26a0 ") + latency.criterion().shortTitle() + ": "
                + latency.summary();
    }

    private static Finding find(Criterion criterion, String figure, List<CellRow> cells,
                                Function<CellRow, ? extends Number> value, String unavailable) {
        Map<String, List<CellRow>> byConfiguration = new LinkedHashMap<>();
        for (CellRow cell : cells) {
            Number figureValue = value.apply(cell);
            if (figureValue != null && !Double.isNaN(figureValue.doubleValue())) {
                byConfiguration.computeIfAbsent(cell.configuration(), k -> new ArrayList<>()).add(cell);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        byConfiguration.forEach((configuration, repeats) -> {
            double[] values = repeats.stream().mapToDouble(c -> value.apply(c).doubleValue()).sorted().toArray();
            candidates.add(new Candidate(configuration, List.copyOf(repeats), median(values), values[0],
                    values[values.length - 1]));
        });
        // Ties keep run.json's order, so the same files always give the same verdict.
        candidates.sort(Comparator.comparingDouble(Candidate::value));
        if (candidates.isEmpty()) {
            return new Finding(criterion, figure, null, null, List.of(), unavailable);
        }
        Candidate best = candidates.get(0);
        Candidate runnerUp = candidates.size() > 1 ? candidates.get(1) : null;
        List<String> warnings = new ArrayList<>();
        if (runnerUp != null) {
            double percent = best.value() <= 0 ? Double.NaN : 100.0 * (runnerUp.value() - best.value()) / best.value();
            if (!Double.isNaN(percent) && percent < NOISE_PERCENT) {
                warnings.add(String.format(Locale.ROOT, "within noise: the margin is %.1f %%, under %.0f %%",
                        percent, NOISE_PERCENT));
            }
            if (best.repeats() > 1 && runnerUp.repeats() > 1 && best.max() >= runnerUp.min()) {
                warnings.add("within noise: run-to-run spreads overlap (" + best.configuration() + " "
                        + criterion.format(best.min()) + " \u2013 " + criterion.format(best.max()) + " over "
                        + best.repeats() + " repeats, " + runnerUp.configuration() + " "
                        + criterion.format(runnerUp.min()) + " \u2013 " + criterion.format(runnerUp.max()) + ")");
            }
        }
        for (Candidate candidate : runnerUp == null ? List.of(best) : List.of(best, runnerUp)) {
            for (CellRow cell : candidate.cells()) {
                if (cell.hadLoss()) {
                    CellResult.Delivery d = cell.delivery();
                    warnings.add(cell.name() + " lost events: delivered " + Format.count(d.delivered()) + " of "
                            + Format.count(d.expected()) + ", lost " + Format.count(d.lost()));
                }
                if (Boolean.TRUE.equals(cell.loadgenSaturated())) {
                    warnings.add(cell.name() + ": saturated (see its row for the cause), so its figures may not describe"
                            + " the server alone");
                }
                if (criterion == Criterion.LATENCY && cell.clockFlagged()) {
                    warnings.add(cell.name() + ": a load agent's clock offset is known only to more than "
                            + Math.round(100 * LoadAgentsSection.FLAG_SHARE) + " % of its latency p50 (see Load agents),"
                            + " so its latency is not trustworthy to that precision");
                }
            }
        }
        return new Finding(criterion, figure, best, runnerUp, List.copyOf(warnings), null);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The verdict as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append("verdict ").append(f.criterion().name().toLowerCase(Locale.ROOT)).append(": ")
                    .append(f.summary()).append('\n');
            out.append("  figure: ").append(f.figure()).append('\n');
            if (f.best() != null) {
                for (Candidate c : f.runnerUp() == null ? List.of(f.best()) : List.of(f.best(), f.runnerUp())) {
                    out.append("  candidate: ").append(c.configuration()).append(" value ")
                            .append(Format.plain(Format.fourDigits(c.value()))).append(" min ")
                            .append(Format.plain(Format.fourDigits(c.min()))).append(" max ")
                            .append(Format.plain(Format.fourDigits(c.max()))).append(" repeats ").append(c.repeats())
                            .append('\n');
                }
            }
            for (String warning : f.warnings()) {
                out.append("  warning: ").append(warning).append('\n');
            }
        }
        for (String note : notes) {
            out.append("verdict note: ").append(note).append('\n');
        }
        return out.toString();
    }
}
