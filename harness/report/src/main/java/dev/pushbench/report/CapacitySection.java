package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The report's "Capacity" section: for every cell whose {@code summary.json} holds a capacity search's outcome
 * ({@code capacity}), the largest load that met the SLO, what bounded the search, what a unit of load cost the
 * server there, every step the search ran, and two kinds of chart: one bar per cell, and per cell its latency
 * against the load.
 *
 * <pre>
 *   CapacitySection capacity = CapacitySection.of(runDir, report.cells());
 *   capacity.isEmpty();     // true for a run without a search: the section is not shown
 *   capacity.summary();     // "sse: vertx · sse · h2c holds the most, at least 20,000 subscribers …"
 *   capacity.chartJson();   // the bars and the curves, drawn by report.js beside the other charts
 * </pre>
 *
 * <p>Only a search that the SLO ended ({@code boundBy: slo}) measured a capacity; every other bound
 * ({@code generator}, {@code fileLimit}, {@code max}, {@code budget}, or one this report does not know) is
 * shown as open-ended, "≥ value", in the text, the table and the bar chart (a hatched bar with an arrow), so the
 * load generator's or the file limit's bound never reads as the server's capacity.
 *
 * <p>The curves plot the valid steps only, sorted by value; a value run several times (the boundary, confirmed)
 * shows its worst run, the one with the highest p99. Steps that are not valid (the load generator did not deliver
 * their plan) are hollow points, with their reasons listed under the chart.
 *
 * <p>It is long because it reads, words and charts three things for each cell (the bound, the unit cost, the steps),
 * with the text form the golden files seal beside them.
 */
record CapacitySection(List<Entry> entries, List<String> summary, String slo, String search, List<BarChart> bars,
                       List<Curve> curves) {

    static final CapacitySection NONE = new CapacitySection(List.of(), List.of(), null, null, List.of(), List.of());

    static final String EXACT_COLOR = "#4e79a7";
    static final String OPEN_COLOR = "#f28e2b";
    static final String SLO_COLOR = "#a40e26";
    static final String INVALID_COLOR = "#59636e";
    static final String CAPACITY_COLOR = "#116329";

    /** A curve is drawn on a log scale when its highest figure is this many times its lowest. */
    static final double LOG_SCALE_RATIO = 20;

    /**
     * One cell's search as shown; every text final, {@link Format#ABSENT} when the summary lacks it.
     *
     * @param open      the search ended at a bound other than the SLO: the value is a lower bound, not a capacity
     * @param display   the capacity as read: "4,800", "≥ 6,000 (generator-bound)", or why there is none
     * @param bound     what ended the search, in a sentence
     * @param slo       what a step had to meet; {@code search} its resolution, confirmations and first failing value
     * @param invalid   one line per step that was not valid: its value and why
     * @param curveId   the id of its latency-against-load chart
     */
    record Entry(CellRow cell, String label, String variable, String noun, Double value, boolean open, String display,
                 String bound, String slo, String search, String note, String unit, String serverCores,
                 String serverHeap, String serverHeapMarginal, String serverShare, List<Step> steps,
                 List<String> invalid, String curveId) {
    }

    /**
     * One step as shown.
     *
     * @param outcome {@code passed}, {@code failed} or {@code invalid}: the row's class
     * @param link    the step's directory relative to the report, or null when it is not there to link to
     */
    record Step(String value, String outcome, String passed, String valid, String p50, String p99, String lost,
                String serverCpu, String loadgenCpu, String stallP99, String saturated, String deliveredPerSecond,
                String reason, String dir, String link) {
    }

    /** One bar per cell of one variable, grouped by transport; {@code open} marks a lower bound. */
    record BarChart(String id, String title, String axisLabel, List<String> categories, List<Double> values,
                    List<Boolean> open, List<String> texts) {
    }

    /**
     * One cell's latency against the load: p50 and p99 in ms at each value (null where none), the not-valid steps' p99,
     * the SLO's p99 as a line and the capacity point as a vertical marker.
     */
    record Curve(String id, String title, String xLabel, boolean yLog, List<Double> xs, List<Double> p50,
                 List<Double> p99, List<Double> invalid, Double sloMillis, Double capacityX, String capacityLabel,
                 String color) {
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    static CapacitySection of(Path runDir, List<CellRow> cells) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            CellRow cell = cells.get(i);
            if (cell.capacity() != null) {
                entries.add(entry(runDir, cell, ChartSet.PALETTE.get(i % ChartSet.PALETTE.size())));
            }
        }
        if (entries.isEmpty()) {
            return NONE;
        }
        List<String> slos = entries.stream().map(Entry::slo).distinct().toList();
        List<String> searches = entries.stream().map(Entry::search).distinct().toList();
        List<Curve> curves = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            CellRow cell = cells.get(i);
            if (cell.capacity() != null) {
                curves.add(curve(cell, entries.stream().filter(e -> e.cell() == cell).findFirst().orElseThrow(),
                        ChartSet.PALETTE.get(i % ChartSet.PALETTE.size())));
            }
        }
        return new CapacitySection(List.copyOf(entries), summary(entries), slos.size() == 1 ? slos.get(0) : null,
                searches.size() == 1 ? searches.get(0) : null, bars(entries), List.copyOf(curves));
    }

    // ---- one cell

    private static Entry entry(Path runDir, CellRow cell, String color) {
        CellResult.Capacity c = cell.capacity();
        String noun = noun(c.variable());
        boolean open = !"slo".equals(c.boundBy());
        List<CellResult.CapacityStep> steps = c.steps() == null ? List.of()
                : c.steps().stream().filter(Objects::nonNull).toList();
        String display;
        if (c.value() == null) {
            Double lowest = steps.stream().map(CellResult.CapacityStep::value).filter(Objects::nonNull)
                    .min(Double::compare).orElse(c.failedAt());
            String tried = lowest == null ? "" : " (" + Format.count(lowest) + " " + noun + ")";
            display = "generator".equals(c.boundBy())
                    ? "no valid step: the load generator could not deliver even the lowest value tried" + tried
                    : "fails the SLO at the lowest value tried" + tried;
        } else if (c.display() != null && !c.display().isBlank()) {
            display = c.display();
        } else {
            display = open ? "\u2265 " + Format.count(c.value()) + " (" + shortBound(c.boundBy()) + ")" : Format.count(c.value());
        }
        List<Step> shown = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (CellResult.CapacityStep s : steps) {
            shown.add(step(runDir, cell, s));
            if (Boolean.FALSE.equals(s.valid())) {
                invalid.add(Format.count(s.value()) + ": " + (s.reason() == null ? "no reason recorded" : s.reason()));
            }
        }
        CellResult.UnitCost u = c.unitCost();
        return new Entry(cell, label(cell), c.variable(), noun, c.value(), open, display, boundSentence(c),
                sloText(c.slo()), searchText(c), c.note(), u == null || u.unit() == null ? Format.ABSENT : u.unit(),
                u == null ? Format.ABSENT : unitFigure(u.serverCores(), "cores"),
                u == null ? Format.ABSENT : unitFigure(u.serverHeapGiB(), "GiB"),
                u == null ? Format.ABSENT : unitFigure(u.serverHeapGiBMarginal(), "GiB"),
                u == null || u.serverShareOfCpu() == null ? Format.ABSENT : Format.percent(100 * u.serverShareOfCpu()),
                List.copyOf(shown), List.copyOf(invalid), "capacity-curve-" + cell.name());
    }

    private static Step step(Path runDir, CellRow cell, CellResult.CapacityStep s) {
        String outcome = Boolean.FALSE.equals(s.valid()) ? "invalid" : Boolean.TRUE.equals(s.passed()) ? "passed" : "failed";
        return new Step(Format.count(s.value()), outcome, yesNo(s.passed()), yesNo(s.valid()), Format.micros(s.p50Micros()),
                Format.micros(s.p99Micros()), Format.count(s.lost()), Format.percent(s.serverCpuPercent()),
                Format.percent(s.loadgenCpuPercent()), Format.micros(s.loadgenDelayP99Micros()), yesNo(s.saturated()),
                s.deliveredPerSecond() == null ? Format.ABSENT : Format.significant(s.deliveredPerSecond()) + "/s",
                s.reason() == null ? "" : s.reason(), s.dir() == null ? Format.ABSENT : s.dir(),
                stepLink(runDir, cell.name(), s.dir()));
    }

    /** {@code cells/<cell>/<dir>/} when {@code dir} is plain relative segments naming a directory that is there. */
    private static String stepLink(Path runDir, String cellName, String dir) {
        if (dir == null || dir.isEmpty()) {
            return null;
        }
        List<String> segments = new ArrayList<>(List.of(RunReport.CELLS_DIR, cellName));
        for (String segment : dir.split("/")) {
            if (!CellRow.isSafeName(segment) || segment.contains("..")) {
                return null;
            }
            segments.add(segment);
        }
        Path target = runDir.resolve(String.join("/", segments));
        return Files.isDirectory(target) ? Html.relativeLink(segments.toArray(String[]::new)) + "/" : null;
    }

    /** The cell as a reader names it, with its repeat when it has one: {@code jetty · sse · h2c · r2}. */
    private static String label(CellRow cell) {
        String configuration = cell.configuration();
        return configuration == null || configuration.equals(cell.name()) ? cell.label()
                : cell.label() + " \u00b7 " + cell.name().substring(configuration.length() + 1);
    }

    /** What a value of the variable counts, for the axis and the figures. */
    static String noun(String variable) {
        return switch (variable == null ? "" : variable) {
            case "clients.connections" -> "subscribers";
            case "feed.rate" -> "events/s per topic";
            case "feed.payload" -> "bytes of payload";
            default -> variable == null ? "(no variable)" : variable;
        };
    }

    private static String shortBound(String boundBy) {
        return switch (boundBy == null ? "" : boundBy) {
            case "generator" -> "generator-bound";
            case "fileLimit" -> "limit: open files";
            case "max" -> "the search's maximum";
            case "budget" -> "time budget";
            default -> boundBy == null ? "bound not recorded" : "bound: " + boundBy;
        };
    }

    private static String boundSentence(CellResult.Capacity c) {
        String failed = c.failedAt() == null ? "the next value up" : Format.count(c.failedAt());
        return switch (c.boundBy() == null ? "" : c.boundBy()) {
            case "slo" -> "the SLO: " + failed + " failed it";
            case "generator" -> "the load generator: it could not deliver the next step's plan, so the server's capacity"
                    + " is at least this";
            case "fileLimit" -> "the per-process open-file limit: the next step would pass it, so the capacity is at"
                    + " least this";
            case "max" -> "the search's maximum: the search stopped there, so the capacity is at least this";
            case "budget" -> "the search's time budget: it ran out, so the capacity is at least this";
            default -> c.boundBy() == null ? "not recorded: read it as at least this"
                    : "\u201c" + c.boundBy() + "\u201d, which this report does not know: read it as at least this";
        };
    }

    static String sloText(CellResult.Slo slo) {
        if (slo == null) {
            return "not recorded";
        }
        List<String> parts = new ArrayList<>();
        if (slo.p99Micros() != null) {
            parts.add("p99 \u2264 " + Format.micros(slo.p99Micros()));
        }
        if (slo.lost() != null) {
            parts.add(slo.lost() == 0 ? "no event lost" : "at most " + Format.count(slo.lost()) + " events lost");
        }
        if (slo.serverCpuPercent() != null) {
            parts.add("server CPU \u2264 " + Format.percent(slo.serverCpuPercent()));
        }
        return parts.isEmpty() ? "not recorded" : String.join(", ", parts);
    }

    private static String searchText(CellResult.Capacity c) {
        List<String> parts = new ArrayList<>();
        if (c.resolution() != null) {
            parts.add("resolution " + Format.significant(100 * c.resolution()) + " %");
        }
        if (c.confirmations() != null) {
            parts.add("the boundary confirmed " + c.confirmations() + (c.confirmations() == 1 ? " time" : " times"));
        }
        return parts.isEmpty() ? "not recorded" : String.join(", ", parts);
    }

    private static String unitFigure(Double value, String unit) {
        return value == null ? Format.ABSENT : Format.significant(value) + " " + unit;
    }

    private static String yesNo(Boolean value) {
        return value == null ? Format.ABSENT : value ? "yes" : "no";
    }

    // ---- the summary at the top

    /**
     * Per variable and transport, which cell holds the most (a lower bound that might hold more is named); then, per
     * bound other than the SLO, the cells whose capacity is only a lower bound; then the cells that passed nothing.
     */
    private static List<String> summary(List<Entry> entries) {
        List<String> lines = new ArrayList<>();
        boolean oneVariable = entries.stream().map(Entry::variable).distinct().count() == 1;
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : entries) {
            groups.computeIfAbsent((oneVariable ? "" : e.noun() + ", ") + e.cell().transport(), k -> new ArrayList<>()).add(e);
        }
        groups.forEach((group, members) -> lines.add(group + ": " + leader(members)));
        Map<String, List<Entry>> byBound = new TreeMap<>(Comparator.comparingInt(CapacitySection::boundOrder)
                .thenComparing(Comparator.naturalOrder()));
        for (Entry e : entries) {
            if (e.open() && e.value() != null) {
                byBound.computeIfAbsent(Objects.requireNonNullElse(e.cell().capacity().boundBy(), "(none)"), k -> new ArrayList<>()).add(e);
            }
        }
        byBound.forEach((bound, members) -> {
            int n = members.size();
            String cells = n + (n == 1 ? " cell " : " cells ");
            String their = n == 1 ? "its capacity is at least what it held" : "their capacity is at least what they held";
            String what = switch (bound) {
                case "generator" -> (n == 1 ? "was" : "were") + " bound by the load generator, not the server";
                case "fileLimit" -> "reached the open-file limit";
                case "max" -> "passed at the search's maximum";
                case "budget" -> "ran out of the search's time budget";
                default -> "ended at a bound this report does not know (\u201c" + bound + "\u201d)";
            };
            lines.add(cells + what + "; " + their + ", not a measured capacity: "
                    + String.join(", ", members.stream().map(e -> e.label() + " " + e.display()).toList()) + ".");
        });
        List<Entry> none = entries.stream().filter(e -> e.value() == null).toList();
        if (!none.isEmpty()) {
            lines.add(none.size() + (none.size() == 1 ? " cell has" : " cells have") + " no capacity: "
                    + String.join("; ", none.stream().map(e -> e.label() + " " + e.display()).toList()) + ".");
        }
        long invalid = entries.stream().mapToLong(e -> e.invalid().size()).sum();
        if (invalid > 0) {
            lines.add(invalid + (invalid == 1 ? " step was" : " steps were") + " not valid (the load generator did not"
                    + " deliver its plan): such a step says nothing about the server, and is hollow on the curves.");
        }
        return List.copyOf(lines);
    }

    private static int boundOrder(String bound) {
        int at = List.of("fileLimit", "generator", "max", "budget").indexOf(bound);
        return at < 0 ? 99 : at;
    }

    private static String leader(List<Entry> members) {
        List<Entry> passing = members.stream().filter(e -> e.value() != null)
                .sorted(Comparator.comparingDouble(Entry::value).reversed()).toList();
        if (passing.isEmpty()) {
            return members.size() == 1 ? "its one cell met the SLO at no value tried."
                    : "none of its " + members.size() + " cells met the SLO at any value tried.";
        }
        Entry best = passing.get(0);
        String amount = Format.count(best.value()) + " " + best.noun();
        StringBuilder line = new StringBuilder(best.label()).append(" holds the most")
                .append(members.size() == 1 ? " (its one cell), " : " of its " + members.size() + " cells, ")
                .append(best.open() ? "at least " + amount + " (" + shortBound(best.cell().capacity().boundBy()) + ")" : amount);
        List<String> tied = passing.stream().skip(1).filter(e -> e.value().equals(best.value()) && !e.open() && !best.open())
                .map(Entry::label).toList();
        if (!tied.isEmpty()) {
            line.append(", tied with ").append(String.join(", ", tied));
        }
        List<String> open = passing.stream().skip(1).filter(Entry::open)
                .map(e -> e.label() + " " + e.display()).toList();
        if (!open.isEmpty()) {
            line.append("; not ruled out: ").append(String.join(", ", open))
                    .append(open.size() == 1 ? ", a lower bound only" : ", lower bounds only");
        }
        return line.append('.').toString();
    }

    // ---- charts

    /** One bar chart per variable, its cells grouped by transport in the order transports first appear. */
    private static List<BarChart> bars(List<Entry> entries) {
        Map<String, List<Entry>> byVariable = new LinkedHashMap<>();
        entries.forEach(e -> byVariable.computeIfAbsent(e.variable(), v -> new ArrayList<>()).add(e));
        List<BarChart> charts = new ArrayList<>();
        byVariable.forEach((variable, members) -> {
            Map<String, List<Entry>> byTransport = new LinkedHashMap<>();
            members.forEach(e -> byTransport.computeIfAbsent(e.cell().transport(), t -> new ArrayList<>()).add(e));
            List<Entry> ordered = byTransport.values().stream().flatMap(List::stream).toList();
            String noun = noun(variable);
            charts.add(new BarChart("capacity-" + (variable == null ? "unknown" : variable.replace('.', '-')),
                    "Capacity: " + noun + " under the SLO", noun,
                    ordered.stream().map(Entry::label).toList(), ordered.stream().map(Entry::value).toList(),
                    ordered.stream().map(Entry::open).toList(),
                    ordered.stream().map(CapacitySection::barText).toList()));
        });
        return List.copyOf(charts);
    }

    /** The figure above a bar: its display, or for a cell that passed nothing where it failed. */
    private static String barText(Entry e) {
        if (e.value() != null) {
            return e.display();
        }
        Double lowest = e.cell().capacity().steps() == null ? null : e.cell().capacity().steps().stream()
                .filter(Objects::nonNull).map(CellResult.CapacityStep::value).filter(Objects::nonNull)
                .min(Double::compare).orElse(null);
        String verb = "generator".equals(e.cell().capacity().boundBy()) ? "no valid step" : "fails the SLO";
        return lowest == null ? verb : verb + " (at " + Format.count(lowest) + ")";
    }

    private static Curve curve(CellRow cell, Entry entry, String color) {
        CellResult.Capacity c = cell.capacity();
        Map<Double, CellResult.CapacityStep> worstValid = new TreeMap<>();
        Map<Double, Double> worstInvalid = new TreeMap<>();
        TreeMap<Double, Boolean> values = new TreeMap<>();
        for (CellResult.CapacityStep s : c.steps() == null ? List.<CellResult.CapacityStep>of() : c.steps()) {
            if (s == null || s.value() == null) {
                continue;
            }
            values.put(s.value(), true);
            if (Boolean.FALSE.equals(s.valid())) {
                if (s.p99Micros() != null) {
                    worstInvalid.merge(s.value(), s.p99Micros(), Math::max);
                }
            } else if (s.p99Micros() != null) {
                worstValid.merge(s.value(), s, (a, b) -> b.p99Micros() > a.p99Micros() ? b : a);
            }
        }
        List<Double> xs = new ArrayList<>(values.keySet());
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> invalid = new ArrayList<>();
        for (Double x : xs) {
            CellResult.CapacityStep s = worstValid.get(x);
            p50.add(s == null ? null : millis(s.p50Micros()));
            p99.add(s == null ? null : millis(s.p99Micros()));
            invalid.add(millis(worstInvalid.get(x)));
        }
        Double slo = c.slo() == null ? null : millis(c.slo().p99Micros());
        double low = Double.MAX_VALUE;
        double high = 0;
        for (List<Double> ys : List.of(p50, p99, invalid, slo == null ? List.<Double>of() : List.of(slo))) {
            for (Double y : ys) {
                if (y != null && y > 0) {
                    low = Math.min(low, y);
                    high = Math.max(high, y);
                }
            }
        }
        boolean log = high > 0 && high / low >= LOG_SCALE_RATIO;
        String marker = c.value() == null ? null
                : entry.open() ? "\u2265 " + Format.count(c.value()) : "capacity " + Format.count(c.value());
        return new Curve(entry.curveId(), entry.label(), entry.noun(), log, List.copyOf(xs), nullable(p50), nullable(p99),
                nullable(invalid), slo, c.value(), marker, color);
    }

    private static List<Double> nullable(List<Double> values) {
        return java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static Double millis(Double micros) {
        return micros == null ? null : Format.fourDigits(micros / 1000);
    }

    /** The bars and the curves as plain maps and lists, in the shape report.js reads. */
    List<Map<String, Object>> chartJson() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (BarChart b : bars) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", b.id());
            c.put("title", b.title());
            c.put("xAxis", "CAPACITY");
            c.put("yLabel", b.axisLabel());
            c.put("yLog", false);
            c.put("categories", b.categories());
            List<Double> xs = new ArrayList<>();
            List<Double> exact = new ArrayList<>();
            List<Double> open = new ArrayList<>();
            List<Map<String, Object>> labels = new ArrayList<>();
            for (int i = 0; i < b.categories().size(); i++) {
                xs.add((double) i);
                Double v = b.values().get(i);
                exact.add(b.open().get(i) ? null : v);
                open.add(b.open().get(i) ? v : null);
                Map<String, Object> label = new LinkedHashMap<>();
                label.put("text", b.texts().get(i));
                label.put("open", b.open().get(i) && v != null);
                label.put("none", v == null);
                labels.add(label);
            }
            c.put("xs", xs);
            List<Object> series = new ArrayList<>();
            if (exact.stream().anyMatch(Objects::nonNull)) {
                series.add(series("capacity (bound by the SLO)", EXACT_COLOR, false, exact));
            }
            if (open.stream().anyMatch(Objects::nonNull)) {
                Map<String, Object> s = series("at least (another bound: not the server's capacity)", OPEN_COLOR, false, open);
                s.put("hatched", true);
                series.add(s);
            }
            c.put("series", series);
            c.put("bars", labels);
            list.add(c);
        }
        for (Curve k : curves) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", k.id());
            c.put("title", k.title());
            c.put("xAxis", "LOAD");
            c.put("xLabel", k.xLabel());
            c.put("yLabel", "ms");
            c.put("yLog", k.yLog());
            c.put("categories", List.of());
            // x = 0 holds the SLO alone, so that its line spans the chart even when one value was tried
            List<Double> xs = new ArrayList<>(k.xs());
            if (k.sloMillis() != null && !xs.isEmpty() && xs.get(0) > 0) {
                xs.add(0, 0.0);
            }
            boolean padded = xs.size() > k.xs().size();
            c.put("xs", xs);
            List<Object> series = new ArrayList<>();
            Map<String, Object> p99 = series("p99", k.color(), false, padded(padded, k.p99()));
            p99.put("points", true);
            series.add(p99);
            Map<String, Object> p50 = series("p50", k.color(), true, padded(padded, k.p50()));
            p50.put("points", true);
            series.add(p50);
            if (k.sloMillis() != null) {
                series.add(series("SLO p99", SLO_COLOR, true, xs.stream().map(x -> k.sloMillis()).toList()));
            }
            if (k.invalid().stream().anyMatch(Objects::nonNull)) {
                Map<String, Object> s = series("not valid (p99)", INVALID_COLOR, false, padded(padded, k.invalid()));
                s.put("pointsOnly", true);
                series.add(s);
            }
            c.put("series", series);
            if (k.capacityX() != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("x", k.capacityX());
                m.put("label", k.capacityLabel());
                m.put("color", CAPACITY_COLOR);
                c.put("markers", List.of(m));
            }
            list.add(c);
        }
        return list;
    }

    private static List<Double> padded(boolean padded, List<Double> ys) {
        List<Double> out = new ArrayList<>(ys);
        if (padded) {
            out.add(0, null);
        }
        return out;
    }

    private static Map<String, Object> series(String label, String color, boolean dashed, List<Double> ys) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("label", label);
        s.put("color", color);
        s.put("dashed", dashed);
        s.put("ys", ys);
        return s;
    }

    // ---- as text

    /** The section as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        if (isEmpty()) {
            return "";
        }
        summary.forEach(l -> out.append("capacity summary: ").append(l).append('\n'));
        out.append("capacity slo: ").append(slo == null ? "differs per cell" : slo).append('\n');
        out.append("capacity search: ").append(search == null ? "differs per cell" : search).append('\n');
        for (Entry e : entries) {
            CellResult.Capacity c = e.cell().capacity();
            out.append("capacity: ").append(e.cell().name()).append(": ").append(c.variable()).append(' ')
                    .append(e.display()).append(" [value ").append(Format.plain(c.value())).append(", boundBy ")
                    .append(c.boundBy()).append(", failedAt ").append(Format.plain(c.failedAt())).append("]\n");
            out.append("  bound by ").append(e.bound()).append("; slo ").append(e.slo()).append("; search ")
                    .append(e.search()).append("; note ").append(e.note() == null ? Format.ABSENT : e.note()).append('\n');
            CellResult.UnitCost u = c.unitCost();
            out.append(String.format(Locale.ROOT, "  per %s [units %s]: server %s, heap %s, marginal heap %s;"
                            + " server's share of the CPU %s%n", e.unit(), u == null ? Format.ABSENT : Format.plain(u.units()),
                    e.serverCores(), e.serverHeap(), e.serverHeapMarginal(), e.serverShare()));
            for (Step s : e.steps()) {
                out.append("  step ").append(s.value()).append(' ').append(s.outcome()).append(": p50 ").append(s.p50())
                        .append(", p99 ").append(s.p99()).append(", lost ").append(s.lost()).append(", server CPU ")
                        .append(s.serverCpu()).append(", generator CPU ").append(s.loadgenCpu()).append(", stall p99 ")
                        .append(s.stallP99()).append(", saturated ").append(s.saturated()).append(", delivered ")
                        .append(s.deliveredPerSecond()).append("; ").append(s.dir())
                        .append(s.link() == null ? " (no link)" : " -> " + s.link())
                        .append(s.reason().isEmpty() ? "" : "; " + s.reason()).append('\n');
            }
        }
        for (BarChart b : bars) {
            out.append("capacity chart ").append(b.id()).append(": ").append(b.title()).append('\n');
            for (int i = 0; i < b.categories().size(); i++) {
                out.append("  ").append(b.categories().get(i)).append(": ").append(Format.plain(b.values().get(i)))
                        .append(b.open().get(i) ? " open" : "").append(" \"").append(b.texts().get(i)).append("\"\n");
            }
        }
        for (Curve k : curves) {
            out.append("capacity chart ").append(k.id()).append(": ").append(k.title()).append(" [x ").append(k.xLabel())
                    .append(", y ms").append(k.yLog() ? " log" : "").append("] ").append(k.color()).append('\n');
            out.append("  x: ").append(numbers(k.xs())).append('\n');
            out.append("  p99: ").append(numbers(k.p99())).append('\n');
            out.append("  p50: ").append(numbers(k.p50())).append('\n');
            out.append("  not valid: ").append(numbers(k.invalid())).append('\n');
            out.append("  slo: ").append(Format.plain(k.sloMillis())).append("; marker ")
                    .append(k.capacityLabel() == null ? Format.ABSENT : k.capacityLabel() + " at " + Format.plain(k.capacityX()))
                    .append('\n');
        }
        return out.toString();
    }

    private static String numbers(List<Double> values) {
        return ChartSet.numbers(values);
    }
}
