package dev.pushbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Renders one run directory as a self-contained {@code report.html} beside its files: the verdict
 * (which configuration is best on latency, CPU and memory, and by how much), the matrix of cells with
 * heat-coloured, sortable columns, charts of every cell's distributions, micro-benchmarks when the run
 * holds {@code jmh.json}, how to read it, and the environment the run was measured in.
 *
 * <pre>
 *   Path report = ReportWriter.write(Path.of("results/20261125-153000-quick"));
 * </pre>
 *
 * <p>A pure function of the stored files: it reads run.json, each {@code cells/<name>/summary.json} and
 * {@code latency.hlog}, and jmh.json, touches no network, and can be run again at any time (e.g. on an
 * interrupted or still-running run, whose report then says it is partial). uPlot and the page's script are
 * inlined from the classpath; chart data is embedded as JSON; links to raw files are relative, so the
 * directory can be moved or served as is. Without JavaScript the page still reads: the verdict and the
 * table are HTML, only the charts and sorting need the script. A missing or broken summary marks its
 * own row and never fails the report.
 */
public final class ReportWriter {
    /** The report's file name inside the run directory. */
    public static final String FILE = "report.html";

    private static final Set<String> KNOWN_RUN_STATUSES = Set.of("complete", "interrupted", "running", "failed");
    private static final Map<String, String> FILE_LABELS = Map.of(
            "summary.json", "summary", "latency.hlog", "hlog", "server.log", "server log", "loadgen.log", "loadgen log");
    /** Columns before the figures: the cell (transport, protocol, stack) and its status. */
    private static final int IDENTITY_COLUMNS = 2;

    private ReportWriter() {
    }

    /**
     * Writes {@code runDir/report.html}, replacing any earlier one.
     *
     * @return the written file
     * @throws IllegalArgumentException when {@code runDir} is not a directory holding run.json
     * @throws IOException when the report cannot be written
     */
    public static Path write(Path runDir) throws IOException {
        RunReport report = RunReport.read(runDir);
        ChartSet charts = ChartSet.read(runDir, report.cells());
        Path target = runDir.resolve(FILE);
        Page.write(target, render(report, charts));
        return target;
    }

    static String render(RunReport report, ChartSet charts) {
        RunManifest m = report.manifest();
        String scenario = m.scenarioName() == null ? "unnamed scenario" : m.scenarioName();
        List<String> scripts = List.of(Assets.uplotJs(), Assets.reportJs());
        StringBuilder out = new StringBuilder(262_144);
        Page.open(out, scenario + " \u00b7 " + report.runId() + " \u00b7 pushbench", scripts, Assets.uplotCss());

        out.append("<p class=\"sub\"><a href=\"../index.html\">all runs</a></p>\n");
        out.append("<h1>").append(Html.text(scenario)).append("</h1>\n");
        out.append("<p class=\"sub\">run <code>").append(Html.text(report.runId())).append("</code> \u00b7 ");
        runStatus(out, report);
        out.append(" \u00b7 started ").append(Html.text(Page.time(m.startedAt())))
                .append(" \u00b7 finished ").append(Html.text(Page.time(m.finishedAt()))).append("</p>\n");
        RunReport.Banner banner = report.banner();
        if (banner != null) {
            out.append("<p class=\"banner ").append(banner.kind()).append("\">")
                    .append(Html.text(banner.text())).append("</p>\n");
        }
        if (m.description() != null && !m.description().isBlank()) {
            out.append("<p class=\"description\">").append(Html.text(m.description().strip())).append("</p>\n");
        }
        String workload = m.workload().describe();
        if (workload != null) {
            out.append("<p class=\"workload\"><b>Workload:</b> ").append(Html.text(workload)).append("</p>\n");
        }
        if (!report.notes().isEmpty()) {
            out.append("<ul class=\"notes\">\n");
            for (String note : report.notes()) {
                out.append("<li>").append(Html.text(note)).append("</li>\n");
            }
            out.append("</ul>\n");
        }

        if (!report.isMicroOnly()) {
            verdict(out, report.verdict());
            out.append("<h2 id=\"results\">Results</h2>\n");
            table(out, report.cells());
            chartSection(out, charts);
        }
        micro(out, report.micro());
        howToRead(out);
        environment(out, report);
        Page.close(out, charts.charts().isEmpty() ? null : Html.scriptJson(chartJson(charts)), scripts);
        return out.toString();
    }

    private static void runStatus(StringBuilder out, RunReport report) {
        String status = report.manifest().status();
        String css = status != null && KNOWN_RUN_STATUSES.contains(status) ? status : "unknown";
        if (report.isPartial() && "complete".equals(status)) {
            css = "partial";
        }
        out.append("<span class=\"status ").append(css).append("\">")
                .append(Html.text(report.statusLabel())).append("</span>");
    }

    // ---- verdict

    private static void verdict(StringBuilder out, Verdict verdict) {
        out.append("<section class=\"verdict\" id=\"verdict\">\n<h2>Verdict</h2>\n<div class=\"findings\">\n");
        for (Verdict.Finding f : verdict.findings()) {
            String css = f.best() == null ? " none" : f.warnings().isEmpty() ? "" : " warned";
            out.append("<div class=\"finding").append(css).append("\" data-criterion=\"")
                    .append(f.criterion().name().toLowerCase(Locale.ROOT)).append("\">");
            out.append("<h3>").append(Html.text(f.criterion().title())).append(" \u00b7 ")
                    .append(Html.text(f.criterion().shortTitle())).append("</h3>");
            if (f.best() == null) {
                out.append("<div>").append(Html.text(f.unavailable())).append("</div>");
            } else {
                out.append("<div><span class=\"best\">").append(Html.text(f.best().configuration()))
                        .append("</span> <span class=\"figure\">")
                        .append(Html.text(f.criterion().format(f.best().value()))).append("</span></div>");
                if (f.runnerUp() == null) {
                    out.append("<div class=\"runner-up\">the only measured configuration with this figure</div>");
                } else {
                    out.append("<div class=\"runner-up\"><span class=\"margin\">").append(Html.text(f.margin()))
                            .append("</span> for the runner-up, ").append(Html.text(f.runnerUp().configuration()))
                            .append(": ").append(Html.text(f.criterion().format(f.runnerUp().value())))
                            .append("</div>");
                }
                if (f.best().repeats() > 1) {
                    out.append("<div class=\"basis\">median of ").append(f.best().repeats())
                            .append(" repeats, ").append(Html.text(f.criterion().format(f.best().min())))
                            .append(" \u2013 ").append(Html.text(f.criterion().format(f.best().max())))
                            .append("</div>");
                }
                if (!f.warnings().isEmpty()) {
                    out.append("<ul class=\"warnings\">");
                    for (String warning : f.warnings()) {
                        out.append("<li>\u26a0 ").append(Html.text(warning)).append("</li>");
                    }
                    out.append("</ul>");
                }
            }
            out.append("<div class=\"basis\">").append(Html.text(f.figure())).append("</div>");
            out.append("</div>\n");
        }
        out.append("</div>\n");
        if (!verdict.notes().isEmpty()) {
            out.append("<ul class=\"verdict-notes\">\n");
            for (String note : verdict.notes()) {
                out.append("<li>").append(Html.text(note)).append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }

    // ---- matrix table

    /** A cost column of the table, shown when any cell has its figure. */
    private record CostColumn(String key, String header, String title, Function<Costs, Num> value,
                              boolean bytes) {
    }

    private static final List<CostColumn> COST_COLUMNS = List.of(
            new CostColumn("cpu-server", "server", "server CPU time per delivered message", Costs::serverCpuMicrosPerMessage, false),
            new CostColumn("cpu-loadgen", "client", "load generator CPU time per delivered message",
                    Costs::loadgenCpuMicrosPerMessage, false),
            new CostColumn("heap", "heap / conn", "server heap per connection", Costs::serverHeapBytesPerConnection, true),
            new CostColumn("bytes-down", "bytes / msg", "bytes on the wire, server to client, per delivered message",
                    Costs::wireBytesDownPerMessage, true),
            new CostColumn("requests", "req. / msg", "HTTP requests per delivered message (polling)",
                    Costs::pollingRequestsPerMessage, false));

    private static void table(StringBuilder out, List<CellSummary> cells) {
        if (cells.isEmpty()) {
            out.append("<p class=\"muted\">No cells: run.json lists none and cells/ holds none.</p>\n");
            return;
        }
        List<CostColumn> costs = COST_COLUMNS.stream()
                .filter(column -> cells.stream().anyMatch(c -> column.value().apply(c.costs()) != null))
                .toList();
        Map<String, Function<CellSummary, Num>> costValues = new LinkedHashMap<>();
        costs.forEach(column -> costValues.put(column.key(), cell -> column.value().apply(cell.costs())));
        Heat heat = Heat.of(cells, costValues);
        int columns = IDENTITY_COLUMNS + 5 + 6 + 2 + costs.size();
        out.append("<div class=\"table-wrap\">\n<table class=\"matrix sortable groups\">\n<thead>\n<tr>")
                .append(header("Cell", "name", "text", 2, "transport, protocol \u00b7 server stack"))
                .append(header("Status", "status", "text", 2, ""))
                .append(header("Connected", "connected", "num", 2, "connections established / target"))
                .append(header("Delivered", "delivered", "num", 2,
                        "events delivered / events the feed published for the subscribers"))
                .append(header("Lost", "lost", "num", 2, ""))
                .append(header("Dup.", "duplicated", "num", 2, "duplicated"))
                .append(header("Reord.", "reordered", "num", 2, "reordered"))
                .append("<th colspan=\"6\" class=\"group\">Delivery latency</th>")
                .append("<th colspan=\"2\" class=\"group\">Connect</th>");
        if (!costs.isEmpty()) {
            out.append("<th colspan=\"").append(costs.size()).append("\" class=\"group\">")
                    .append(costs.stream().allMatch(c -> c.key().startsWith("cpu")) ? "CPU per message" : "Cost")
                    .append("</th>");
        }
        out.append("</tr>\n<tr>")
                .append("<th>from</th>")
                .append(header("p50", "p50", "num", 1, "latency p50 from intended time"))
                .append(header("p90", "p90", "num", 1, "latency p90 from intended time"))
                .append(header("p99", "p99", "num", 1, "latency p99 from intended time"))
                .append(header("p99.9", "p999", "num", 1, "latency p99.9 from intended time"))
                .append(header("max", "max", "num", 1, "latency max from intended time"))
                .append(header("p50", "connect-p50", "num", 1, "time until a subscription is live, p50"))
                .append(header("p99", "connect-p99", "num", 1, "time until a subscription is live, p99"));
        for (CostColumn cost : costs) {
            out.append(header(cost.header(), cost.key(), "num", 1, cost.title()));
        }
        out.append("</tr>\n</thead>\n");
        for (CellSummary cell : cells) {
            out.append("<tbody class=\"cell\" id=\"").append(Html.text("cell-" + cell.name())).append("\">\n");
            if (cell.hasFigures()) {
                figureRows(out, cell, costs, heat);
            } else {
                reasonRow(out, cell, columns);
            }
            noteRow(out, cell, columns);
            out.append("</tbody>\n");
        }
        out.append("</table>\n</div>\n");
    }

    private static String header(String label, String key, String type, int rows, String title) {
        StringBuilder th = new StringBuilder("<th");
        if (rows > 1) {
            th.append(" rowspan=\"").append(rows).append('"');
        }
        if ("num".equals(type)) {
            th.append(" class=\"num\"");
        }
        th.append(" data-sort=\"").append(key).append("\" data-type=\"").append(type).append('"');
        if (!title.isEmpty()) {
            th.append(" title=\"").append(Html.text(title)).append('"');
        }
        return th.append('>').append(Html.text(label)).append("</th>").toString();
    }

    private static void figureRows(StringBuilder out, CellSummary cell, List<CostColumn> costs, Heat heat) {
        String span = " rowspan=\"2\"";
        out.append("<tr>");
        identity(out, cell, span);
        CellSummary.Connections c = cell.connections();
        if (c == null) {
            absent(out, span, "connected");
        } else {
            boolean shortOfTarget = c.target() != null && c.connected() != null
                    && c.connected().value() < c.target().value();
            out.append("<td").append(span).append(" class=\"num").append(shortOfTarget ? " bad" : "")
                    .append("\" data-k=\"connected\"").append(sortValue(c.connected()))
                    .append(" title=\"").append(Html.text("connect failures " + Units.count(c.connectFailures())
                            + ", reconnects " + Units.count(c.reconnects())))
                    .append("\">").append(Html.text(Units.count(c.connected()) + " / " + Units.count(c.target())))
                    .append("</td>");
        }
        CellSummary.Delivery d = cell.delivery();
        if (d == null) {
            absent(out, span, "delivered");
            absent(out, span, "lost");
            absent(out, span, "duplicated");
            absent(out, span, "reordered");
        } else {
            boolean shortOfExpected = d.expected() != null && d.delivered() != null
                    && d.delivered().value() < d.expected().value();
            String share = Units.share(d.delivered(), d.expected());
            Num ratio = Heat.deliveredRatio(cell);
            out.append("<td").append(span).append(" class=\"num").append(shortOfExpected ? " bad" : "")
                    .append(heat.css(cell, "delivered")).append("\" data-k=\"delivered\"").append(sortValue(ratio));
            boolean late = d.late() != null && d.late().isPositive();
            if (!share.isEmpty() || late) {
                out.append(" title=\"").append(Html.text((share.isEmpty() ? "" : share + " delivered")
                        + (late ? (share.isEmpty() ? "" : "; ") + Units.count(d.late())
                                + " late: still in flight when the drain ended (behind, not skipped)" : ""))).append('"');
            }
            out.append('>').append(Html.text(Units.count(d.delivered()) + " / " + Units.count(d.expected())
                    + (late ? " (" + Units.count(d.late()) + " late)" : "")))
                    .append("</td>");
            count(out, span, "lost", d.lost(), heat.css(cell, "lost"));
            count(out, span, "duplicated", d.duplicated(), heat.css(cell, "duplicated"));
            count(out, span, "reordered", d.reordered(), heat.css(cell, "reordered"));
        }
        if ("short-polling".equals(cell.transport())) {
            out.append("<td class=\"from\" title=\"for short polling, latency from the intended time is the"
                    + " staleness a client sees\">staleness</td>");
        } else {
            out.append("<td class=\"from\" title=\"measured from each event's intended publish time\">intended</td>");
        }
        percentiles(out, cell, cell.latency(), "", heat);
        Stats connect = cell.connect();
        micros(out, span, "connect-p50", connect == null ? null : connect.p50(), heat.css(cell, "connect-p50"));
        micros(out, span, "connect-p99", connect == null ? null : connect.p99(), heat.css(cell, "connect-p99"));
        for (CostColumn cost : costs) {
            Num value = cost.value().apply(cell.costs());
            if (value == null) {
                absent(out, span, cost.key());
                continue;
            }
            String shown = cost.bytes() ? Units.bytes(value)
                    : cost.key().startsWith("cpu") ? Units.micros(value) : Units.count(value);
            String derived = cost.key().startsWith("cpu") && cell.costs().cpuSource() == Costs.CpuSource.DERIVED
                    ? " (derived: process CPU in the window \u00f7 events delivered)" : "";
            out.append("<td").append(span).append(" class=\"num").append(heat.css(cell, cost.key()))
                    .append("\" data-k=\"").append(cost.key()).append('"').append(sortValue(value))
                    .append(" title=\"").append(Html.text(value.raw() + derived)).append("\">")
                    .append(Html.text(shown)).append("</td>");
        }
        out.append("</tr>\n<tr class=\"actual\">");
        out.append("<td class=\"from\" title=\"measured from the time the server actually sent each event\">"
                + "actual send</td>");
        percentiles(out, cell, cell.latencyActual(), "actual-", heat);
        out.append("</tr>\n");
    }

    private static void reasonRow(StringBuilder out, CellSummary cell, int columns) {
        out.append("<tr>");
        identity(out, cell, "");
        String why = cell.reason();
        if (why == null) {
            why = switch (cell.state()) {
                case NOT_RUN -> "not run: no summary.json (the cell was not reached, or the run stopped during it)";
                case OK -> "summary.json holds no figures";
                default -> "no reason recorded";
            };
        }
        out.append("<td colspan=\"").append(columns - IDENTITY_COLUMNS).append("\" class=\"why ")
                .append(cell.state().cssClass()).append("\">").append(Html.text(why)).append("</td>");
        out.append("</tr>\n");
    }

    /** Reason (when figures took the row), warnings, the measurement context and the raw files, beneath the row. */
    private static void noteRow(StringBuilder out, CellSummary cell, int columns) {
        List<String> context = context(cell);
        boolean reason = cell.hasFigures() && cell.reason() != null;
        boolean files = CellSummary.isSafeName(cell.name()) && !cell.files().isEmpty();
        if (!reason && cell.notes().isEmpty() && context.isEmpty() && !files) {
            return;
        }
        out.append("<tr class=\"notes\"><td colspan=\"").append(columns).append("\" class=\"note\">");
        if (reason) {
            out.append("<div class=\"reason\">").append(Html.text(cell.state().label() + ": " + cell.reason()))
                    .append("</div>");
        }
        for (String note : cell.notes()) {
            out.append("<div class=\"warn\">\u26a0 ").append(Html.text(note)).append("</div>");
        }
        if (!context.isEmpty()) {
            out.append("<div>").append(Html.text(String.join(" \u00b7 ", context))).append("</div>");
        }
        if (files) {
            files(out, cell);
        }
        out.append("</td></tr>\n");
    }

    private static List<String> context(CellSummary cell) {
        List<String> context = new ArrayList<>();
        if (cell.warmupSeconds() != null || cell.measureSeconds() != null) {
            context.add("warm-up " + Units.seconds(cell.warmupSeconds()) + ", measured "
                    + Units.seconds(cell.measureSeconds()));
        }
        if (cell.latency() != null && cell.latency().count() != null) {
            context.add(Units.count(cell.latency().count()) + " latency samples");
        }
        if (cell.loadgenCpuPercent() != null) {
            context.add("load generator CPU " + Units.percent(cell.loadgenCpuPercent()));
        }
        if (cell.publisherLag() != null) {
            context.add("publisher lag p99 " + Units.micros(cell.publisherLag().p99())
                    + ", max " + Units.micros(cell.publisherLag().max()));
        }
        if (cell.poll() != null) {
            context.add("poll request p50 " + Units.micros(cell.poll().p50())
                    + ", p99 " + Units.micros(cell.poll().p99()));
        }
        Costs costs = cell.costs();
        if (costs.serverRssBytesPerConnection() != null) {
            context.add("server RSS per connection " + Units.bytes(costs.serverRssBytesPerConnection()));
        }
        if (costs.wireBytesUpPerMessage() != null) {
            context.add("bytes up per message " + Units.bytes(costs.wireBytesUpPerMessage()));
        }
        if (costs.pollingEmptyResponseRatio() != null) {
            context.add("empty poll answers " + Units.percent(new Num(costs.pollingEmptyResponseRatio().raw(),
                    costs.pollingEmptyResponseRatio().value() * 100)));
        }
        if (cell.repeat() != null && !cell.name().equals(cell.configuration())) {
            context.add("repeat " + cell.repeat() + " of " + cell.configuration());
        }
        return context;
    }

    private static void identity(StringBuilder out, CellSummary cell, String span) {
        out.append("<td").append(span).append(" class=\"cell-name\" title=\"").append(Html.text(cell.name()))
                .append("\" data-k=\"name\" data-v=\"").append(Html.text(cell.name())).append("\"><b>")
                .append(Html.text(cell.transport())).append("</b><div class=\"stack\">").append(Html.text(cell.protocol()))
                .append(" \u00b7 ").append(Html.text(cell.stack()));
        if (cell.repeat() != null && !cell.name().equals(cell.configuration())) {
            out.append(" \u00b7 repeat ").append(cell.repeat());
        }
        out.append("</div></td>");
        String label = cell.state() == CellState.UNKNOWN && cell.status() != null ? cell.status() : cell.state().label();
        out.append("<td").append(span).append(" data-k=\"status\" data-v=\"").append(Html.text(label))
                .append("\"><span class=\"status ").append(cell.state().cssClass()).append("\">")
                .append(Html.text(label)).append("</span></td>");
    }

    private static void percentiles(StringBuilder out, CellSummary cell, Stats stats, String prefix, Heat heat) {
        String[] keys = {"p50", "p90", "p99", "p999", "max"};
        Num[] values = stats == null ? new Num[5]
                : new Num[] {stats.p50(), stats.p90(), stats.p99(), stats.p999(), stats.max()};
        for (int i = 0; i < keys.length; i++) {
            String key = prefix + keys[i];
            micros(out, "", key, values[i], heat.css(cell, key));
        }
    }

    private static void micros(StringBuilder out, String span, String key, Num micros, String heatCss) {
        if (micros == null) {
            absent(out, span, key);
            return;
        }
        out.append("<td").append(span).append(" class=\"num").append(heatCss).append("\" data-k=\"").append(key)
                .append('"').append(sortValue(micros)).append(" title=\"").append(Html.text(Units.rawMicros(micros)))
                .append("\">").append(Html.text(Units.micros(micros))).append("</td>");
    }

    private static void count(StringBuilder out, String span, String key, Num count, String heatCss) {
        if (count == null) {
            absent(out, span, key);
            return;
        }
        out.append("<td").append(span).append(" class=\"num").append(count.isPositive() ? " bad" : "").append(heatCss)
                .append("\" data-k=\"").append(key).append('"').append(sortValue(count))
                .append(" title=\"").append(Html.text(count.raw())).append("\">")
                .append(Html.text(Units.count(count))).append("</td>");
    }

    private static String sortValue(Num value) {
        return value == null ? "" : " data-v=\"" + Html.text(value.raw()) + "\"";
    }

    private static void absent(StringBuilder out, String span, String key) {
        out.append("<td").append(span).append(" class=\"num muted\" data-k=\"").append(key).append("\">")
                .append(Units.ABSENT).append("</td>");
    }

    private static void files(StringBuilder out, CellSummary cell) {
        out.append("<div class=\"files\">raw files: ");
        for (String file : cell.files()) {
            out.append("<a href=\"").append(Html.text(Html.relativeLink(RunReport.CELLS_DIR, cell.name(), file)))
                    .append("\">").append(Html.text(FILE_LABELS.getOrDefault(file, file))).append("</a> ");
        }
        out.append("</div>");
    }

    // ---- charts

    private static void chartSection(StringBuilder out, ChartSet charts) {
        if (charts.charts().isEmpty() && charts.problems().isEmpty()) {
            return;
        }
        out.append("<h2 id=\"charts\">Charts</h2>\n");
        if (!charts.charts().isEmpty()) {
            out.append("<p class=\"sub\">Hover for values; click a legend entry to hide or show it; drag across a"
                    + " chart to zoom, double-click to reset. One colour per cell, the same in every chart.</p>\n");
        }
        for (String problem : charts.problems()) {
            out.append("<p class=\"notes\">\u26a0 ").append(Html.text(problem)).append("</p>\n");
        }
        out.append("<div class=\"charts\">\n");
        for (ChartSet.Chart chart : charts.charts()) {
            out.append("<figure class=\"chart\"><figcaption><b>").append(Html.text(chart.title())).append("</b>")
                    .append(Html.text(chart.caption())).append("</figcaption>")
                    .append("<div class=\"plot\" id=\"chart-").append(Html.text(chart.id())).append("\">")
                    .append("<noscript><p class=\"muted\">This chart needs JavaScript; its data is in the cells\u2019"
                            + " latency.hlog and summary.json files.</p></noscript></div></figure>\n");
        }
        out.append("</div>\n");
    }

    /** The chart model as plain maps and lists, in the shape report.js reads. */
    private static Map<String, Object> chartJson(ChartSet charts) {
        List<Object> list = new ArrayList<>();
        for (ChartSet.Chart chart : charts.charts()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", chart.id());
            c.put("title", chart.title());
            c.put("xAxis", chart.xAxis().name());
            c.put("yLabel", chart.yLabel());
            c.put("yLog", chart.yLog());
            c.put("categories", chart.categories());
            c.put("xs", chart.xs());
            List<Object> series = new ArrayList<>();
            for (ChartSet.Series s : chart.series()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("label", s.label());
                one.put("color", s.color());
                one.put("dashed", s.dashed());
                one.put("ys", s.ys());
                series.add(one);
            }
            c.put("series", series);
            list.add(c);
        }
        return Map.of("charts", list);
    }

    // ---- micro-benchmarks

    private static void micro(StringBuilder out, MicroBenchmarks micro) {
        if (micro == null) {
            return;
        }
        out.append("<h2 id=\"micro\">Micro-benchmarks</h2>\n<p class=\"sub\">From <a href=\"")
                .append(MicroBenchmarks.FILE).append("\">").append(MicroBenchmarks.FILE)
                .append("</a> (JMH). The error is JMH\u2019s 99.9 % confidence half-width.</p>\n");
        for (String problem : micro.problems()) {
            out.append("<p class=\"notes\">\u26a0 ").append(Html.text(problem)).append("</p>\n");
        }
        if (micro.results().isEmpty()) {
            out.append("<p class=\"muted\">No benchmark results.</p>\n");
            return;
        }
        out.append("<table class=\"micro sortable\">\n<thead><tr>")
                .append(header("Benchmark", "benchmark", "text", 1, ""))
                .append(header("Params", "params", "text", 1, ""))
                .append(header("Mode", "mode", "text", 1, ""))
                .append(header("Score", "score", "num", 1, ""))
                .append("<th class=\"num\">\u00b1 Error</th><th>Unit</th></tr></thead>\n<tbody>\n");
        for (MicroBenchmarks.Result r : micro.results()) {
            out.append("<tr><td data-k=\"benchmark\" data-v=\"").append(Html.text(r.benchmark())).append("\" title=\"")
                    .append(Html.text(r.benchmark())).append("\"><code>").append(Html.text(r.shortName()))
                    .append("</code></td><td data-k=\"params\" data-v=\"").append(Html.text(r.paramsText()))
                    .append("\">").append(Html.text(r.paramsText())).append("</td><td data-k=\"mode\" data-v=\"")
                    .append(Html.text(r.mode())).append("\">").append(Html.text(r.mode()))
                    .append("</td><td class=\"num\" data-k=\"score\"").append(sortValue(r.score())).append(" title=\"")
                    .append(Html.text(r.score().raw())).append("\">").append(Html.text(Units.significant(r.score())))
                    .append("</td><td class=\"num\">")
                    .append(r.scoreError() == null ? Units.ABSENT : Html.text("\u00b1 " + Units.significant(r.scoreError())))
                    .append("</td><td>").append(Html.text(r.unit())).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    // ---- how to read, environment

    private static void howToRead(StringBuilder out) {
        out.append("""
                <h2>How to read this</h2>
                <ul>
                <li>The <b>verdict</b> compares configurations that were measured (status ok). Repeats of one \
                configuration count as one, by their median. A margin under 10 %, or run-to-run spreads that \
                overlap, is marked as within noise; so is a winner that lost events or whose load generator was \
                saturated.</li>
                <li>In the table, each figure column is coloured relative to the other measured cells: \
                <span class="legend heat-0">greener is better</span>, redder is worse. Click a column header \
                to sort by it.</li>
                <li><b>Delivery latency</b> is the time from an event&#39;s <em>intended</em> publish time (fixed by \
                the feed&#39;s schedule before the run) until a subscriber received it. When the publisher or \
                server falls behind, that lateness counts: coordinated omission is not hidden.</li>
                <li>The <b>actual send</b> row measures from the moment the server really sent each event, for \
                comparison (as wrk2 reports its uncorrected latency). A large gap between the two rows means \
                events left late, not that the network was slow.</li>
                <li>For <b>short polling</b>, latency is the staleness a client sees: on average about half the \
                poll interval plus a round trip. It is reported as measured, not corrected.</li>
                <li><b>Delivered / expected</b>: expected counts come from the feed&#39;s schedule, not from what \
                arrived. <b>Lost</b> events never arrived, <b>Dup.</b> arrived more than once, <b>Reord.</b> \
                arrived after a later event of the same topic. Non-zero counts are shown in red.</li>
                <li><b>Connect</b> is the time from a subscription&#39;s planned start until it was live. \
                Percentiles cover the measured window only; warm-up is excluded.</li>
                <li><b>Cost</b>: CPU time per delivered message, for the server and for the load generator (the \
                clients). Until a run records <code>costs</code>, it is derived from process CPU time over the \
                measured window \u00f7 events delivered; CPU time is sampled in 10 ms steps, so a short run is \
                coarse.</li>
                <li>Durations are rounded to three significant digits; hover a figure for the stored value. The \
                raw files hold everything: <code>latency.hlog</code> is an HdrHistogram interval log, readable by \
                HdrHistogram&#39;s own tools.</li>
                </ul>
                """);
    }

    private static void environment(StringBuilder out, RunReport report) {
        RunManifest m = report.manifest();
        out.append("<h2>Environment</h2>\n<dl class=\"env\">\n");
        entry(out, "run", report.runId());
        entry(out, "scenario file", m.scenarioFile());
        entry(out, "started", Page.time(m.startedAt()));
        entry(out, "finished", Page.time(m.finishedAt()));
        out.append("<dt>commit</dt><dd>");
        if (m.gitCommit() == null) {
            out.append(Units.ABSENT);
        } else {
            out.append("<code>").append(Html.text(m.gitCommit())).append("</code>");
            if (Boolean.TRUE.equals(m.gitDirty())) {
                out.append(" <span class=\"bad\">with uncommitted changes</span>");
            }
        }
        out.append("</dd>\n");
        entry(out, "JDK", joined(m.jdkVersion(), m.jdkVendor(), m.jdkVm()));
        entry(out, "OS", joined(m.osName(), m.osVersion(), m.osArch()));
        entry(out, "CPU cores", m.cores() == null ? null : m.cores().raw());
        entry(out, "memory", m.memoryBytes() == null ? null : Units.bytes(m.memoryBytes()));
        out.append("<dt>libraries</dt><dd>");
        if (m.libraries() == null || m.libraries().isEmpty()) {
            out.append(Units.ABSENT);
        } else {
            List<String> libraries = new ArrayList<>();
            m.libraries().forEach((library, version) -> libraries.add(library + " " + version));
            out.append(Html.text(String.join(", ", libraries)));
        }
        out.append("</dd>\n");
        // cells compare only within one load-generator engine: say which one measured these
        entry(out, "load generator", m.loadgenClient() == null ? null
                : m.loadgenClient() + (m.loadgenEngine() == null ? "" : " (engine " + m.loadgenEngine() + ")"));
        out.append("<dt>clock check</dt><dd>");
        if (m.clockOk() == null) {
            out.append(Units.ABSENT);
        } else {
            out.append(m.clockOk() ? "<span class=\"status ok\">ok</span>" : "<span class=\"status failed\">failed</span>");
            String detail = joined(m.clockMethod(), m.clockDetail());
            if (detail != null) {
                out.append(' ').append(Html.text(detail));
            }
        }
        out.append("</dd>\n<dt>report</dt><dd>charts drawn with uPlot ").append(Assets.UPLOT_VERSION)
                .append(", inlined</dd>\n</dl>\n");

        out.append("<h2>Scenario</h2>\n<p>");
        if (report.hasScenarioYaml()) {
            out.append("The input as given: <a href=\"").append(RunReport.SCENARIO_FILE).append("\">")
                    .append(RunReport.SCENARIO_FILE).append("</a>.");
        } else {
            out.append("<span class=\"muted\">scenario.yaml is missing from this run directory.</span>");
        }
        out.append(" The run&#39;s full record: <a href=\"").append(RunManifest.FILE).append("\">")
                .append(RunManifest.FILE).append("</a>.</p>\n");
        if (m.resolvedScenarioJson() != null) {
            out.append("<details><summary>Resolved scenario, as run</summary><pre>")
                    .append(Html.text(m.resolvedScenarioJson())).append("</pre></details>\n");
        }
    }

    private static void entry(StringBuilder out, String key, String value) {
        out.append("<dt>").append(Html.text(key)).append("</dt><dd>")
                .append(value == null ? Units.ABSENT : Html.text(value)).append("</dd>\n");
    }

    private static String joined(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                present.add(part);
            }
        }
        return present.isEmpty() ? null : String.join(" \u00b7 ", present);
    }
}
