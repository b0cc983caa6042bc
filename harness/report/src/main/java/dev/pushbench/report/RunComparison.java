package dev.pushbench.report;

import dev.pushbench.model.result.HistogramSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares two runs cell by cell, as {@code pushbench compare} does: for every configuration present in
 * both (matched by cell name, repeats {@code -r<n>} folded into their median) and every metric, the
 * value in run A, in run B, the change, whether the change is beyond noise, and whether it crosses a
 * threshold the caller set.
 *
 * <pre>
 *   RunComparison diff = RunComparison.compare(baseline, candidate,
 *           List.of(RunComparison.Threshold.parse("p99=+10%"), RunComparison.Threshold.parse("lost=0")), 10.0);
 *   System.out.print(diff.consoleText());
 *   diff.writeHtml(candidate.resolve("compare.html"));
 *   int exit = diff.thresholdsExceeded() ? 1 : 0;
 * </pre>
 *
 * <p><b>Noise rule:</b> a change is marked as beyond noise when it exceeds {@code noisePercent} % of run
 * A's value (any change from zero counts) <em>and</em>, when both runs have repeats of that configuration,
 * the two runs' min–max spreads do not overlap. <b>Thresholds</b> are independent of noise:
 * {@code p99=+10%} fails when B is more than 10 % above A, {@code delivered=-1%} when B is more than 1 %
 * below A, {@code p99=+2ms} when B exceeds A by more than 2 ms, and a bare {@code lost=0} or
 * {@code p99=50ms} when B exceeds that ceiling. A threshold on a metric that A has and B lacks (the cell
 * failed, or is missing from B) counts as exceeded, so a gate cannot pass by losing the cell.
 */
public final class RunComparison {
    /** The HTML diff's default file name. */
    public static final String FILE = "compare.html";

    /** Default noise level, in percent of run A's value. */
    public static final double DEFAULT_NOISE_PERCENT = 10.0;

    /** How a metric's values are written and which way is better. */
    enum Kind { MICROS, COUNT, BYTES, RATIO }

    /** One comparable figure of a cell. */
    record Metric(String name, String description, Kind kind, boolean higherIsBetter,
                  Function<CellRow, ? extends Number> value) {

        String format(double value) {
            return switch (kind) {
                case MICROS -> Format.micros(value);
                case COUNT -> Format.count(Format.fourDigits(value));
                case BYTES -> Format.bytes(Format.fourDigits(value));
                case RATIO -> Format.significant(Format.fourDigits(value));
            };
        }
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("p50", "latency p50 from intended time", Kind.MICROS, false, c -> stat(c.latency(), HistogramSummary::p50)),
            new Metric("p99", "latency p99 from intended time", Kind.MICROS, false, c -> stat(c.latency(), HistogramSummary::p99)),
            new Metric("p999", "latency p99.9 from intended time", Kind.MICROS, false, c -> stat(c.latency(), HistogramSummary::p999)),
            new Metric("max", "latency max from intended time", Kind.MICROS, false, c -> stat(c.latency(), HistogramSummary::max)),
            new Metric("actual-p99", "latency p99 from actual send", Kind.MICROS, false,
                    c -> stat(c.latencyActual(), HistogramSummary::p99)),
            new Metric("delivered", "events delivered", Kind.COUNT, true,
                    c -> c.delivery() == null ? null : c.delivery().delivered()),
            new Metric("lost", "events lost", Kind.COUNT, false, c -> c.delivery() == null ? null : c.delivery().lost()),
            new Metric("late", "events still in flight at the drain's end", Kind.COUNT, false,
                    c -> c.delivery() == null ? null : c.delivery().late()),
            new Metric("duplicated", "events duplicated", Kind.COUNT, false,
                    c -> c.delivery() == null ? null : c.delivery().duplicated()),
            new Metric("reordered", "events reordered", Kind.COUNT, false,
                    c -> c.delivery() == null ? null : c.delivery().reordered()),
            new Metric("connect-p99", "time until a subscription is live, p99", Kind.MICROS, false,
                    c -> stat(c.connect(), HistogramSummary::p99)),
            new Metric("server-cpu", "server CPU per delivered message", Kind.MICROS, false,
                    c -> c.costs().serverCpuMicrosPerMessage()),
            new Metric("loadgen-cpu", "load generator CPU per delivered message", Kind.MICROS, false,
                    c -> c.costs().loadgenCpuMicrosPerMessage()),
            new Metric("heap-per-connection", "server heap per connection", Kind.BYTES, false,
                    c -> c.costs().serverHeapBytesPerConnection()),
            new Metric("rss-per-connection", "server RSS per connection", Kind.BYTES, false,
                    c -> c.costs().serverRssBytesPerConnection()),
            new Metric("bytes-down", "bytes down per delivered message", Kind.BYTES, false,
                    c -> c.costs().wireBytesDownPerMessage()),
            new Metric("bytes-up", "bytes up per delivered message", Kind.BYTES, false,
                    c -> c.costs().wireBytesUpPerMessage()),
            new Metric("requests", "HTTP requests per delivered message", Kind.RATIO, false,
                    c -> c.costs().pollingRequestsPerMessage()),
            new Metric("capacity", "capacity under the SLO (a search's value; a ≥ bound compares as its value)", Kind.RATIO,
                    true, c -> c.capacity() == null ? null : c.capacity().value()));

    /** The metric names a threshold may use, in the order the diff shows them. */
    public static List<String> metricNames() {
        return METRICS.stream().map(Metric::name).toList();
    }

    /**
     * A limit on one metric, from the command line: {@code p99=+10%}, {@code delivered=-1%},
     * {@code p99=+2ms}, {@code lost=0}, {@code p99=50ms}.
     */
    public record Threshold(String text, Metric metric, Mode mode, double limit) {
        /** How {@code limit} applies. */
        enum Mode { RISE_PERCENT, FALL_PERCENT, RISE_BY, FALL_BY, CEILING }

        private static final Pattern SYNTAX = Pattern.compile("([a-z0-9-]+)=([+-]?)([0-9]+(?:\\.[0-9]+)?)([a-zA-Zµ%]*)");

        /**
         * @throws IllegalArgumentException naming what is wrong: the syntax, the metric (with the known ones)
         *                                  or the unit
         */
        public static Threshold parse(String text) {
            Matcher m = SYNTAX.matcher(text == null ? "" : text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--threshold must look like METRIC=LIMIT (p99=+10%, lost=0,"
                        + " p99=+2ms, delivered=-1%), got \"" + text + "\"");
            }
            Metric metric = METRICS.stream().filter(x -> x.name().equals(m.group(1))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--threshold names an unknown metric \""
                            + m.group(1) + "\" in \"" + text + "\"; known: " + String.join(", ", metricNames())));
            String sign = m.group(2);
            double number = Double.parseDouble(m.group(3));
            String unit = m.group(4);
            if ("%".equals(unit)) {
                if (sign.isEmpty()) {
                    throw new IllegalArgumentException("--threshold " + text + ": a percentage needs a sign,"
                            + " + (B may rise by at most) or - (B may fall by at most), e.g. " + metric.name()
                            + "=+" + m.group(3) + "%");
                }
                return new Threshold(text, metric, sign.equals("+") ? Mode.RISE_PERCENT : Mode.FALL_PERCENT, number);
            }
            double limit = number * unitFactor(metric, unit, text);
            Mode mode = sign.isEmpty() ? Mode.CEILING : sign.equals("+") ? Mode.RISE_BY : Mode.FALL_BY;
            return new Threshold(text, metric, mode, limit);
        }

        private static double unitFactor(Metric metric, String unit, String text) {
            Map<String, Double> units = switch (metric.kind()) {
                case MICROS -> Map.of("", 1.0, "us", 1.0, "µs", 1.0, "ms", 1e3, "s", 1e6);
                case BYTES -> Map.of("", 1.0, "B", 1.0, "KiB", 1024.0, "MiB", 1024.0 * 1024);
                case COUNT, RATIO -> Map.of("", 1.0);
            };
            Double factor = units.get(unit);
            if (factor == null) {
                throw new IllegalArgumentException("--threshold " + text + ": unit \"" + unit + "\" does not fit "
                        + metric.name() + " (" + metric.description() + "); use "
                        + (units.size() == 1 ? "a plain number or %" : String.join(", ", units.keySet().stream()
                        .filter(u -> !u.isEmpty()).sorted().toList()) + ", a plain number or %"));
            }
            return factor;
        }

        /** True when going from {@code a} (may be null) to {@code b} breaks this threshold. */
        boolean exceeded(Double a, double b) {
            return switch (mode) {
                case CEILING -> b > limit;
                // The tolerance keeps p99=+10% from failing on 110.00000000001 % of A.
                case RISE_PERCENT -> a != null && b > a * (1 + limit / 100) + 1e-9 * Math.abs(a);
                case FALL_PERCENT -> a != null && b < a * (1 - limit / 100) - 1e-9 * Math.abs(a);
                case RISE_BY -> a != null && b - a > limit;
                case FALL_BY -> a != null && a - b > limit;
            };
        }

        /** {@code B ≤ A × 1.10}, for the header of the diff. */
        String rule() {
            return switch (mode) {
                case CEILING -> "B \u2264 " + metric.format(limit);
                case RISE_PERCENT -> "B \u2264 A + " + Format.significant(Format.fourDigits(limit)) + " %";
                case FALL_PERCENT -> "B \u2265 A \u2212 " + Format.significant(Format.fourDigits(limit)) + " %";
                case RISE_BY -> "B \u2264 A + " + metric.format(limit);
                case FALL_BY -> "B \u2265 A \u2212 " + metric.format(limit);
            };
        }
    }

    /** One configuration's value in one run: the median over its repeats, and their spread. */
    record Value(double median, double min, double max, int repeats) {
    }

    /** One line of the diff. */
    record Row(String configuration, Metric metric, Value a, Value b, boolean beyondNoise, boolean worse,
               List<String> exceeded) {

        String change() {
            if (a == null || b == null) {
                return a == null ? "new in B" : "missing in B";
            }
            double delta = b.median() - a.median();
            if (a.median() == 0) {
                return delta == 0 ? "0" : (delta > 0 ? "+" : "\u2212") + metric.format(Math.abs(delta));
            }
            return String.format(Locale.ROOT, "%+.1f %%", 100 * delta / a.median()).replace('-', '\u2212');
        }
    }

    private final RunReport a;
    private final RunReport b;
    private final Path runA;
    private final Path runB;
    private final double noisePercent;
    private final List<Threshold> thresholds;
    private final List<Row> rows;
    private final List<String> onlyInA;
    private final List<String> onlyInB;
    private final List<String> statusChanges;

    private RunComparison(Path runA, Path runB, RunReport a, RunReport b, double noisePercent,
                          List<Threshold> thresholds, List<Row> rows, List<String> onlyInA, List<String> onlyInB,
                          List<String> statusChanges) {
        this.runA = runA;
        this.runB = runB;
        this.a = a;
        this.b = b;
        this.noisePercent = noisePercent;
        this.thresholds = thresholds;
        this.rows = rows;
        this.onlyInA = onlyInA;
        this.onlyInB = onlyInB;
        this.statusChanges = statusChanges;
    }

    /**
     * @throws IllegalArgumentException when either path is not a run directory, or {@code noisePercent} is
     *                                  negative
     */
    public static RunComparison compare(Path runA, Path runB, List<Threshold> thresholds, double noisePercent) {
        if (!(noisePercent >= 0)) {
            throw new IllegalArgumentException("--noise must be a percentage of 0 or more, got " + noisePercent);
        }
        RunReport a = RunReport.read(runA);
        RunReport b = RunReport.read(runB);
        Map<String, List<CellRow>> cellsA = byConfiguration(a.cells());
        Map<String, List<CellRow>> cellsB = byConfiguration(b.cells());
        List<String> onlyInA = new ArrayList<>();
        List<String> onlyInB = new ArrayList<>();
        List<String> statusChanges = new ArrayList<>();
        List<String> configurations = new ArrayList<>(cellsA.keySet());
        for (String configuration : cellsB.keySet()) {
            if (!cellsA.containsKey(configuration)) {
                configurations.add(configuration);
                onlyInB.add(configuration);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String configuration : configurations) {
            List<CellRow> inA = cellsA.getOrDefault(configuration, List.of());
            List<CellRow> inB = cellsB.getOrDefault(configuration, List.of());
            if (inB.isEmpty()) {
                onlyInA.add(configuration);
            }
            String stateA = states(inA);
            String stateB = states(inB);
            if (!inA.isEmpty() && !inB.isEmpty() && !stateA.equals(stateB)) {
                statusChanges.add(configuration + ": " + stateA + " \u2192 " + stateB);
            }
            for (Metric metric : METRICS) {
                Value valueA = value(inA, metric);
                Value valueB = value(inB, metric);
                if (valueA == null && valueB == null) {
                    continue;
                }
                boolean beyond = valueA != null && valueB != null && beyondNoise(valueA, valueB, noisePercent);
                boolean worse = valueA != null && valueB != null
                        && (metric.higherIsBetter() ? valueB.median() < valueA.median()
                        : valueB.median() > valueA.median());
                List<String> exceeded = new ArrayList<>();
                for (Threshold threshold : thresholds) {
                    if (threshold.metric() != metric) {
                        continue;
                    }
                    if (valueB == null) {
                        exceeded.add(threshold.text() + " (no value in B)");
                    } else if (threshold.exceeded(valueA == null ? null : valueA.median(), valueB.median())) {
                        exceeded.add(threshold.text());
                    }
                }
                rows.add(new Row(configuration, metric, valueA, valueB, beyond, worse, List.copyOf(exceeded)));
            }
        }
        return new RunComparison(runA, runB, a, b, noisePercent, List.copyOf(thresholds), List.copyOf(rows),
                List.copyOf(onlyInA), List.copyOf(onlyInB), List.copyOf(statusChanges));
    }

    /** True when any threshold was crossed: the caller's exit code 1. */
    public boolean thresholdsExceeded() {
        return rows.stream().anyMatch(r -> !r.exceeded().isEmpty());
    }

    List<Row> rows() {
        return rows;
    }

    List<String> statusChanges() {
        return statusChanges;
    }

    private static boolean beyondNoise(Value a, Value b, double noisePercent) {
        double delta = Math.abs(b.median() - a.median());
        boolean large = a.median() == 0 ? delta > 0 : 100 * delta / Math.abs(a.median()) > noisePercent;
        if (!large) {
            return false;
        }
        if (a.repeats() > 1 && b.repeats() > 1) {
            return b.min() > a.max() || b.max() < a.min();
        }
        return true;
    }

    private static Map<String, List<CellRow>> byConfiguration(List<CellRow> cells) {
        Map<String, List<CellRow>> map = new LinkedHashMap<>();
        for (CellRow cell : cells) {
            map.computeIfAbsent(cell.configuration(), k -> new ArrayList<>()).add(cell);
        }
        return map;
    }

    private static String states(List<CellRow> cells) {
        return cells.stream().map(c -> c.state().label()).distinct().reduce((x, y) -> x + "/" + y).orElse("absent");
    }

    /** The median over the measured repeats that have the figure, or null when none has. */
    private static Value value(List<CellRow> cells, Metric metric) {
        double[] values = cells.stream().filter(CellRow::isMeasured).map(metric.value())
                .filter(n -> n != null && !Double.isNaN(n.doubleValue())).mapToDouble(Number::doubleValue).sorted().toArray();
        if (values.length == 0) {
            return null;
        }
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return new Value(median, values[0], values[n - 1], n);
    }

    private static Double stat(HistogramSummary stats, Function<HistogramSummary, Double> figure) {
        return stats == null ? null : figure.apply(stats);
    }

    /** The diff for a terminal: a header, one line per configuration and metric, then the verdict of the gate. */
    public String consoleText() {
        return ComparisonText.console(this);
    }

    /** Writes the diff as a self-contained page (no script) and returns {@code target}. */
    public Path writeHtml(Path target) throws IOException {
        ComparisonText.ComparePage page = ComparisonText.page(this);
        PageFrame.write(target, PageFrame.render(html -> JtecompareGenerated.render(html, null, page)));
        return target;
    }

    Path runA() {
        return runA;
    }

    Path runB() {
        return runB;
    }

    RunReport a() {
        return a;
    }

    RunReport b() {
        return b;
    }

    double noisePercent() {
        return noisePercent;
    }

    List<Threshold> thresholds() {
        return thresholds;
    }

    List<String> onlyInA() {
        return onlyInA;
    }

    List<String> onlyInB() {
        return onlyInB;
    }
}
