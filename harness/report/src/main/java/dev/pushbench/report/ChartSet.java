package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The data behind a report's charts, extracted from each cell's {@code latency.hlog} (HdrHistogram
 * interval log, values in nanoseconds, read with HdrHistogram's own {@link HistogramLogReader}) and
 * from the cost figures of its {@code summary.json}. Every chart overlays the cells, one colour per
 * cell in run.json's order, so a cell has the same colour in every chart.
 *
 * <pre>
 *   ChartSet charts = ChartSet.read(runDir, report.cells());
 *   charts.toJson();      // embedded in report.html, drawn by uPlot
 *   charts.describe();    // the same data as text, sealed by the golden-file test
 * </pre>
 *
 * <p>A cluster's cell holds each load agent's intervals under {@code <metric>@<agent>} beside the merged ones under the
 * plain tag; the charts read the plain tags only, so every chart shows the cell as one, whatever carried its load.
 *
 * <p>The over-time chart marks each fault the runner applied ({@code faults} in {@code summary.json}) with a
 * vertical line in its cell's colour ({@link Marker}), placed on that cell's log's time axis.
 *
 * <p>Resilience charts (cuts by cause, time to resume) are drawn only when some measured cell records a cut
 * or a resume time; runs without {@code resilience} have none.
 *
 * <p>Percentile charts use HdrHistogram's "nines" axis: x is log10(1/(1−p)), so 0 is the median's
 * left edge (p0), 1 is p90, 2 is p99, 3 is p99.9. Every series is sampled on one shared grid of
 * {@link #NINES_STEP}, up to the last percentile its sample count can resolve, then its maximum; the
 * over-time chart puts every cell's intervals on the union of their start times (seconds since that
 * cell's log started). A log that cannot be read costs its own series only and becomes a problem.
 *
 * <p>It is long because every chart's data is shaped here, from two sources (interval logs and summaries), on
 * three kinds of axis, with the text form the golden files seal beside it.
 */
record ChartSet(List<Chart> charts, List<String> problems) {

    /** Distance between two points of a percentile curve, in nines. */
    static final double NINES_STEP = 0.05;

    static final String HLOG = "latency.hlog";

    /** Tableau 10: distinct to most eyes, readable on white. */
    static final List<String> PALETTE = List.of("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
            "#b8962e", "#b07aa1", "#ff9da7", "#9c755f", "#79706e");

    private static final MathContext FOUR_DIGITS = new MathContext(4);

    /** What the x axis means: percentile in nines, seconds, or one category per cell. */
    enum XAxis { NINES, SECONDS, CELLS }

    /**
     * One chart: a shared x axis, and one y array per series ({@code null} where a series has no point); {@code markers}
     * are vertical lines across it (the faults on the over-time chart).
     */
    record Chart(String id, String title, String caption, XAxis xAxis, String yLabel, boolean yLog,
                 List<String> categories, List<Double> xs, List<Series> series, List<Marker> markers) {

        Chart(String id, String title, String caption, XAxis xAxis, String yLabel, boolean yLog,
              List<String> categories, List<Double> xs, List<Series> series) {
            this(id, title, caption, xAxis, yLabel, yLog, categories, xs, series, List.of());
        }
    }

    /** A vertical line at {@code x}, labelled, in a cell's colour: one fault of that cell. */
    record Marker(double x, String label, String color) {
    }

    record Series(String label, String color, boolean dashed, List<Double> ys) {
    }

    /**
     * One cell's interval log, merged per tag, with its intervals for the over-time chart; a cluster's per-agent tags
     * ({@code latency@load-1}) are left out, and {@code agentOnly} names the metrics that had per-agent tags but no
     * merged one.
     */
    record CellLog(Map<String, Histogram> totals, Map<String, List<Interval>> intervals, Set<String> agentOnly) {
    }

    /**
     * Separates a metric from a load agent's name in a cluster cell's tags: {@code latency@load-1} is one agent's part of
     * {@code latency}, which the log also holds merged under the plain tag.
     */
    static final char AGENT_TAG_SEPARATOR = '@';

    /** One interval of one tag: start in seconds since the log's start, p50 and p99 in nanoseconds. */
    record Interval(double startSeconds, long count, long p50Nanos, long p99Nanos) {
    }

    static ChartSet read(Path runDir, List<CellRow> cells) {
        Set<String> problems = new LinkedHashSet<>();
        Map<String, Look> colors = new LinkedHashMap<>();
        Map<String, CellLog> logs = new LinkedHashMap<>();
        // One stack in the run: its name on every label would only lengthen the legends.
        boolean oneStack = cells.stream().map(CellRow::stack).distinct().count() == 1;
        for (CellRow cell : cells) {
            String label = oneStack && cell.name().startsWith(cell.stack() + "-")
                    ? cell.name().substring(cell.stack().length() + 1) : cell.name();
            colors.put(cell.name(), new Look(label, PALETTE.get(colors.size() % PALETTE.size())));
            if (!CellRow.isSafeName(cell.name()) || !cell.files().contains(HLOG)) {
                continue;
            }
            Path file = runDir.resolve(RunReport.CELLS_DIR).resolve(cell.name()).resolve(HLOG);
            try {
                CellLog log = readLog(file);
                logs.put(cell.name(), log);
                for (String metric : log.agentOnly()) {
                    problems.add(cell.name() + "/" + HLOG + " holds " + metric + " only per load agent ("
                            + metric + AGENT_TAG_SEPARATOR + "…), not merged, so its charts lack this cell's " + metric);
                }
            } catch (IOException | RuntimeException e) {
                problems.add(cell.name() + "/" + HLOG + " is unreadable, so its charts lack this cell: " + e);
            }
        }
        List<Chart> charts = new ArrayList<>();
        addIfAny(charts, percentileChart("latency", "Delivery latency by percentile",
                "Receive time \u2212 intended publish time, over the measured window. Right is rarer: 2 is p99,"
                        + " 3 is p99.9. Each line ends at its maximum.",
                logs, colors, List.of(new Tag("latency", "", false))));
        addIfAny(charts, percentileChart("intended-vs-actual", "Intended vs actual send",
                "Solid: from the intended publish time (what a user waits). Dashed: from the time the server"
                        + " actually sent (uncorrected). The gap is publisher lateness.",
                logs, colors, List.of(new Tag("latency", " intended", false),
                        new Tag("latency-actual", " actual", true))));
        addIfAny(charts, overTimeChart(logs, colors, cells, problems));
        addIfAny(charts, percentileChart("connect", "Time until a subscription is live",
                "From each subscription's planned start (open loop) until its stream or first poll answer was"
                        + " live.", logs, colors, List.of(new Tag("connect", "", false))));
        List<CellRow> measured = cells.stream().filter(CellRow::isMeasured).toList();
        addIfAny(charts, costChart("cost-cpu", "CPU per delivered message", "\u00b5s", measured, colors,
                captionForCpu(measured),
                List.of(new Bar("server", c -> c.costs().serverCpuMicrosPerMessage()),
                        new Bar("load generator", c -> c.costs().loadgenCpuMicrosPerMessage()),
                        new Bar("proxy", c -> c.costs().proxyCpuMicrosPerMessage()),
                        new Bar("link relay", c -> c.costs().relayCpuMicrosPerMessage()))));
        addIfAny(charts, costChart("cost-bytes", "Bytes on the wire per delivered message", "bytes", measured,
                colors, "costs.wire: bytes down (server to client) and up, per event delivered.",
                List.of(new Bar("down", c -> c.costs().wireBytesDownPerMessage()),
                        new Bar("up", c -> c.costs().wireBytesUpPerMessage()))));
        addIfAny(charts, costChart("cost-memory", "Memory per connection", "KiB", measured, colors,
                "costs.server and costs.loadgen: heap and resident memory per open connection.",
                List.of(new Bar("server heap", c -> kib(c.costs().serverHeapBytesPerConnection())),
                        new Bar("server RSS", c -> kib(c.costs().serverRssBytesPerConnection())),
                        new Bar("load generator heap", c -> kib(c.costs().loadgenHeapBytesPerConnection())),
                        new Bar("proxy RSS", c -> kib(c.costs().proxyRssBytesPerConnection())),
                        new Bar("link relay RSS", c -> kib(c.costs().relayRssBytesPerConnection())))));
        addIfAny(charts, costChart("cost-requests", "Requests per delivered message (polling)", "requests",
                measured, colors, "costs.polling.requestsPerMessage: HTTP requests a client made per event it"
                        + " received; streams make one per subscription.",
                List.of(new Bar("requests", c -> c.costs().pollingRequestsPerMessage()))));
        List<CellRow> withResilience = measured.stream().filter(c -> c.resilience() != null).toList();
        // a chart of zeros says nothing the table does not: drawn only when some connection was cut
        if (withResilience.stream().anyMatch(c -> c.resilience().disconnects() != null && c.resilience().disconnects() > 0)) {
            addIfAny(charts, costChart("resilience-cuts", "Connections cut, by cause", "cuts", withResilience, colors,
                    "resilience.cutsByCause: subscribers' connections that ended unasked over the cell, by why, as the"
                            + " client could tell. An idle timeout is a quiet stream cut by the path.",
                    List.of(new Bar("idle timeout", c -> real(cause(c, CellResult.CutsByCause::idleTimeout))),
                            new Bar("server close", c -> real(cause(c, CellResult.CutsByCause::serverClose))),
                            new Bar("proxy close", c -> real(cause(c, CellResult.CutsByCause::proxyClose))),
                            new Bar("error", c -> real(cause(c, CellResult.CutsByCause::error))))));
        }
        List<CellRow> resumed = withResilience.stream().filter(c -> c.resilience().resumeMicros() != null
                && c.resilience().resumeMicros().p99() != null).toList();
        if (!resumed.isEmpty()) {
            addIfAny(charts, costChart("resilience-resume", "Time to resume after a cut", "ms", resumed, colors,
                    "resilience.resumeMicros: from a subscriber seeing its stream end to its first event after"
                            + " reconnecting (the reconnect delay, the new connect and the wait for the next event).",
                    List.of(new Bar("p50", c -> millisOf(c.resilience().resumeMicros().p50())),
                            new Bar("p99", c -> millisOf(c.resilience().resumeMicros().p99())))));
        }
        return new ChartSet(List.copyOf(charts), List.copyOf(problems));
    }

    private static Long cause(CellRow cell, Function<CellResult.CutsByCause, Long> cause) {
        CellResult.CutsByCause c = cell.resilience().cutsByCause();
        return c == null ? null : cause.apply(c);
    }

    private static Double real(Long value) {
        return value == null ? null : value.doubleValue();
    }

    private static Double millisOf(Double micros) {
        return micros == null ? null : micros / 1000;
    }

    /** How a cell appears in every chart: its label (the name, without the stack when there is one) and colour. */
    private record Look(String label, String color) {
    }

    private record Tag(String tag, String suffix, boolean dashed) {
    }

    private record Bar(String label, Function<CellRow, Double> value) {
    }

    static CellLog readLog(Path file) throws IOException {
        Map<String, Histogram> totals = new LinkedHashMap<>();
        Map<String, List<Interval>> intervals = new LinkedHashMap<>();
        Set<String> perAgent = new TreeSet<>();
        if (!Files.isRegularFile(file)) {
            return new CellLog(totals, intervals, Set.of());
        }
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        try {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                if (!(next instanceof Histogram interval)) {
                    throw new IOException("expected integer histograms, found " + next.getClass().getSimpleName());
                }
                String tag = interval.getTag() == null ? "(untagged)" : interval.getTag();
                int at = tag.indexOf(AGENT_TAG_SEPARATOR);
                if (at >= 0) {
                    // one agent's part: the plain tag holds the agents' parts added, which is what the charts show
                    perAgent.add(tag.substring(0, at));
                    continue;
                }
                totals.computeIfAbsent(tag, t -> new Histogram(3)).add(interval);
                if (interval.getTotalCount() > 0) {
                    double start = interval.getStartTimeStamp() / 1000.0 - reader.getStartTimeSec();
                    intervals.computeIfAbsent(tag, t -> new ArrayList<>()).add(new Interval(start,
                            interval.getTotalCount(), interval.getValueAtPercentile(50),
                            interval.getValueAtPercentile(99)));
                }
            }
        } finally {
            reader.close();
        }
        perAgent.removeAll(totals.keySet());
        return new CellLog(totals, intervals, java.util.Collections.unmodifiableSet(perAgent));
    }

    private static Chart percentileChart(String id, String title, String caption, Map<String, CellLog> logs,
                                         Map<String, Look> colors, List<Tag> tags) {
        double lastNines = 0;
        for (CellLog log : logs.values()) {
            for (Tag tag : tags) {
                Histogram h = log.totals().get(tag.tag());
                if (h != null && h.getTotalCount() > 0) {
                    lastNines = Math.max(lastNines, resolvableNines(h) + NINES_STEP);
                }
            }
        }
        int points = (int) Math.round(Math.ceil(lastNines / NINES_STEP - 1e-9)) + 1;
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            xs.add(round(i * NINES_STEP, 2));
        }
        List<Series> series = new ArrayList<>();
        logs.forEach((cell, log) -> {
            for (Tag tag : tags) {
                Histogram h = log.totals().get(tag.tag());
                if (h == null || h.getTotalCount() == 0) {
                    continue;
                }
                double resolvable = resolvableNines(h);
                List<Double> ys = new ArrayList<>();
                boolean maxShown = false;
                for (double x : xs) {
                    if (x <= resolvable + 1e-9) {
                        double percentile = 100.0 * (1 - Math.pow(10, -x));
                        ys.add(millis(h.getValueAtPercentile(percentile)));
                    } else if (!maxShown) {
                        ys.add(millis(h.getMaxValue()));
                        maxShown = true;
                    } else {
                        ys.add(null);
                    }
                }
                series.add(new Series(colors.get(cell).label() + tag.suffix(), colors.get(cell).color(), tag.dashed(), ys));
            }
        });
        return new Chart(id, title, caption, XAxis.NINES, "ms", true, List.of(), xs, series);
    }

    /** The highest percentile {@code h}'s sample count can tell apart from its maximum: 1 − 1/count. */
    private static double resolvableNines(Histogram h) {
        return Math.floor(Math.log10(h.getTotalCount()) / NINES_STEP + 1e-9) * NINES_STEP;
    }

    private static Chart overTimeChart(Map<String, CellLog> logs, Map<String, Look> colors, List<CellRow> cells,
                                       Set<String> problems) {
        TreeSet<Double> union = new TreeSet<>();
        logs.values().forEach(log -> log.intervals().getOrDefault("latency", List.of())
                .forEach(i -> union.add(round(i.startSeconds(), 2))));
        List<Double> xs = new ArrayList<>(union);
        List<Series> series = new ArrayList<>();
        logs.forEach((cell, log) -> {
            List<Interval> intervals = log.intervals().get("latency");
            if (intervals == null || intervals.isEmpty()) {
                return;
            }
            Double[] p99 = new Double[xs.size()];
            Double[] p50 = new Double[xs.size()];
            for (Interval interval : intervals) {
                int at = xs.indexOf(round(interval.startSeconds(), 2));
                p99[at] = millis(interval.p99Nanos());
                p50[at] = millis(interval.p50Nanos());
            }
            series.add(new Series(colors.get(cell).label() + " p99", colors.get(cell).color(), false, Arrays.asList(p99)));
            series.add(new Series(colors.get(cell).label() + " p50", colors.get(cell).color(), true, Arrays.asList(p50)));
        });
        List<Marker> markers = faultMarkers(logs, colors, cells, problems);
        return new Chart("latency-over-time", "Delivery latency over time",
                "Per interval of the load generator's log (about one second): p99 solid, p50 dashed. x is the"
                        + " interval's start, in seconds since that cell's log began; intervals before the"
                        + " measured window hold no latency samples."
                        + (markers.isEmpty() ? "" : " A vertical dashed line in a cell's colour is a fault the runner"
                        + " applied to it, labelled with its type, placed at its time after the window began (the start"
                        + " of the cell's first interval with latency samples)."),
                XAxis.SECONDS, "ms", true, List.of(), xs, series, markers);
    }

    /**
     * Each faulted cell's faults on its log's time axis: the window began at the start of the cell's first
     * interval holding latency samples (the load generator closes an interval exactly at the window's start,
     * and none before it holds latency), and a fault took effect {@code atNanos − window.startNanos} later
     * (or at its planned time when either is unknown). A cell whose log has no such interval gets a problem,
     * not a guessed line; a cell without a log has no line to mark.
     */
    private static List<Marker> faultMarkers(Map<String, CellLog> logs, Map<String, Look> colors, List<CellRow> cells,
                                             Set<String> problems) {
        List<Marker> markers = new ArrayList<>();
        for (CellRow cell : cells) {
            if (!cell.faulted()) {
                continue;
            }
            CellLog log = logs.get(cell.name());
            if (log == null) {
                continue; // no log, no line of this cell to mark
            }
            List<Interval> intervals = log.intervals().get("latency");
            if (intervals == null || intervals.isEmpty()) {
                problems.add(cell.name() + "'s faults are not marked on the latency-over-time chart: it has no "
                        + HLOG + " interval with latency samples to place the window's start on");
                continue;
            }
            double windowStart = intervals.stream().mapToDouble(Interval::startSeconds).min().orElseThrow();
            for (CellResult.Fault f : cell.faults()) {
                Double into = Recovery.secondsIntoWindow(f, cell.windowStartNanos());
                if (into == null) {
                    problems.add(cell.name() + ": a " + Recovery.kind(f) + " fault has neither atNanos nor"
                            + " plannedSeconds, so it is not marked on the latency-over-time chart");
                    continue;
                }
                markers.add(new Marker(round(windowStart + into, 2), f.type() == null ? "fault" : f.type(),
                        colors.get(cell.name()).color()));
            }
        }
        return List.copyOf(markers);
    }

    private static Chart costChart(String id, String title, String unit, List<CellRow> measured,
                                   Map<String, Look> colors, String caption, List<Bar> bars) {
        List<String> categories = measured.stream().map(c -> colors.get(c.name()).label()).toList();
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            xs.add((double) i);
        }
        List<Series> series = new ArrayList<>();
        int shade = 0;
        for (Bar bar : bars) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (CellRow cell : measured) {
                Double value = bar.value().apply(cell);
                ys.add(value == null ? null : significant(value));
                any |= value != null;
            }
            if (any) {
                series.add(new Series(bar.label(), PALETTE.get(shade), false, ys));
            }
            shade++;
        }
        return new Chart(id, title, caption, XAxis.CELLS, unit, false, categories, xs, series);
    }

    private static String captionForCpu(List<CellRow> measured) {
        boolean derived = measured.stream().anyMatch(c -> c.costs().cpuSource() == CellCosts.CpuSource.DERIVED);
        boolean stored = measured.stream().anyMatch(c -> c.costs().cpuSource() == CellCosts.CpuSource.MEASURED);
        if (derived && !stored) {
            return "Derived, since summary.json has no costs yet: process CPU time over the measured window"
                    + " \u00f7 events delivered. CPU time is sampled in 10 ms steps, so small cells are coarse.";
        }
        return "costs.server and costs.loadgen: CPU time per delivered message"
                + (derived ? "; cells without costs show derived figures (process CPU \u00f7 events)." : ".");
    }

    private static void addIfAny(List<Chart> charts, Chart chart) {
        if (!chart.series().isEmpty()) {
            charts.add(chart);
        }
    }

    private static Double kib(Double bytes) {
        return bytes == null ? null : bytes / 1024;
    }

    private static Double millis(long nanos) {
        return significant(nanos / 1e6);
    }

    private static Double significant(double value) {
        if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new BigDecimal(value).round(FOUR_DIGITS).doubleValue();
    }

    private static double round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    /** The charts as text: one line per chart header, x values, and one line per series. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Chart chart : charts) {
            out.append("chart ").append(chart.id()).append(": ").append(chart.title()).append(" [x ")
                    .append(chart.xAxis().name().toLowerCase(Locale.ROOT)).append(", y ").append(chart.yLabel())
                    .append(chart.yLog() ? " log" : "").append("]\n");
            if (!chart.categories().isEmpty()) {
                out.append("  categories: ").append(String.join(", ", chart.categories())).append('\n');
            }
            out.append("  x: ").append(numbers(chart.xs())).append('\n');
            for (Series s : chart.series()) {
                out.append("  ").append(s.label()).append(s.dashed() ? " (dashed)" : "").append(' ')
                        .append(s.color()).append(": ").append(numbers(s.ys())).append('\n');
            }
            for (Marker m : chart.markers()) {
                out.append("  marker ").append(m.label()).append(' ').append(m.color()).append(": ")
                        .append(numbers(List.of(m.x()))).append('\n');
            }
        }
        for (String problem : problems) {
            out.append("chart problem: ").append(problem).append('\n');
        }
        return out.toString();
    }

    /** Numbers as the golden descriptions write them: plain, space-separated, {@code _} for an absent one. */
    static String numbers(List<Double> values) {
        StringBuilder out = new StringBuilder();
        for (Double v : values) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(v == null ? "_" : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString());
        }
        return out.toString();
    }
}
