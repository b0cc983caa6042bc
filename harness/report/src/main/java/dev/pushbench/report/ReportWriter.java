package dev.pushbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders one run directory as a self-contained {@code report.html} beside its files: one table row
 * per cell (in run.json's order), how to read it, and the environment the run was measured in.
 *
 * <pre>
 *   Path report = ReportWriter.write(Path.of("results/20261125-153000-quick"));
 * </pre>
 *
 * <p>A pure function of the stored files: it reads run.json and each {@code cells/<name>/summary.json},
 * touches no network, and can be run again at any time (e.g. on an interrupted or still-running run,
 * whose report then says it is partial). Links to raw files are relative, so the directory can be moved
 * or served as is. A missing or broken summary marks its own row and never fails the report.
 */
public final class ReportWriter {
    /** The report's file name inside the run directory. */
    public static final String FILE = "report.html";

    private static final int COLUMNS = 18;
    private static final int FIGURE_COLUMNS = 13;
    private static final Set<String> KNOWN_RUN_STATUSES = Set.of("complete", "interrupted", "running", "failed");
    private static final Map<String, String> FILE_LABELS = Map.of(
            "summary.json", "summary", "latency.hlog", "hlog", "server.log", "server log", "loadgen.log", "loadgen log");

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
        Path target = runDir.resolve(FILE);
        Page.write(target, render(report));
        return target;
    }

    static String render(RunReport report) {
        RunManifest m = report.manifest();
        String scenario = m.scenarioName() == null ? "unnamed scenario" : m.scenarioName();
        StringBuilder out = new StringBuilder(32_768);
        Page.open(out, scenario + " \u00b7 " + report.runId() + " \u00b7 pushbench");

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
        if (m.description() != null) {
            out.append("<p class=\"description\">").append(Html.text(m.description().strip())).append("</p>\n");
        }
        if (!report.notes().isEmpty()) {
            out.append("<ul class=\"notes\">\n");
            for (String note : report.notes()) {
                out.append("<li>").append(Html.text(note)).append("</li>\n");
            }
            out.append("</ul>\n");
        }

        out.append("<h2>Results</h2>\n");
        table(out, report.cells());
        howToRead(out);
        environment(out, report);
        Page.close(out);
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

    private static void table(StringBuilder out, List<CellSummary> cells) {
        if (cells.isEmpty()) {
            out.append("<p class=\"muted\">No cells: run.json lists none and cells/ holds none.</p>\n");
            return;
        }
        out.append("<table>\n<thead>\n<tr>")
                .append("<th rowspan=\"2\">Stack</th><th rowspan=\"2\">Transport</th><th rowspan=\"2\">Protocol</th>")
                .append("<th rowspan=\"2\">Status</th>")
                .append("<th rowspan=\"2\" class=\"num\" title=\"connections established / target\">Connected</th>")
                .append("<th rowspan=\"2\" class=\"num\" title=\"events delivered / events the feed published for"
                        + " the subscribers\">Delivered</th>")
                .append("<th rowspan=\"2\" class=\"num\">Lost</th>")
                .append("<th rowspan=\"2\" class=\"num\" title=\"duplicated\">Dup.</th>")
                .append("<th rowspan=\"2\" class=\"num\" title=\"reordered\">Reord.</th>")
                .append("<th colspan=\"6\" class=\"group\">Delivery latency</th>")
                .append("<th colspan=\"2\" class=\"group\">Connect</th>")
                .append("<th rowspan=\"2\">Raw files</th></tr>\n<tr>")
                .append("<th>from</th><th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p99</th>")
                .append("<th class=\"num\">p99.9</th><th class=\"num\">max</th>")
                .append("<th class=\"num\">p50</th><th class=\"num\">p99</th></tr>\n</thead>\n");
        for (CellSummary cell : cells) {
            out.append("<tbody class=\"cell\" id=\"").append(Html.text("cell-" + cell.name())).append("\">\n");
            if (cell.hasFigures()) {
                figureRows(out, cell);
            } else {
                reasonRow(out, cell);
            }
            noteRow(out, cell);
            out.append("</tbody>\n");
        }
        out.append("</table>\n");
    }

    private static void figureRows(StringBuilder out, CellSummary cell) {
        String span = " rowspan=\"2\"";
        out.append("<tr>");
        identity(out, cell, span);
        CellSummary.Connections c = cell.connections();
        if (c == null) {
            absent(out, span);
        } else {
            boolean shortOfTarget = c.target() != null && c.connected() != null
                    && c.connected().value() < c.target().value();
            out.append("<td").append(span).append(" class=\"num").append(shortOfTarget ? " bad" : "")
                    .append("\" title=\"").append(Html.text("connect failures " + Units.count(c.connectFailures())
                            + ", reconnects " + Units.count(c.reconnects())))
                    .append("\">").append(Html.text(Units.count(c.connected()) + " / " + Units.count(c.target())))
                    .append("</td>");
        }
        CellSummary.Delivery d = cell.delivery();
        if (d == null) {
            absent(out, span);
            absent(out, span);
            absent(out, span);
            absent(out, span);
        } else {
            boolean shortOfExpected = d.expected() != null && d.delivered() != null
                    && d.delivered().value() < d.expected().value();
            String share = Units.share(d.delivered(), d.expected());
            out.append("<td").append(span).append(" class=\"num").append(shortOfExpected ? " bad" : "").append('"');
            if (!share.isEmpty()) {
                out.append(" title=\"").append(Html.text(share + " delivered")).append('"');
            }
            out.append('>').append(Html.text(Units.count(d.delivered()) + " / " + Units.count(d.expected())))
                    .append("</td>");
            count(out, span, d.lost());
            count(out, span, d.duplicated());
            count(out, span, d.reordered());
        }
        if ("short-polling".equals(cell.transport())) {
            out.append("<td class=\"from\" title=\"for short polling, latency from the intended time is the"
                    + " staleness a client sees\">intended (staleness)</td>");
        } else {
            out.append("<td class=\"from\" title=\"measured from each event's intended publish time\">intended</td>");
        }
        percentiles(out, cell.latency());
        Stats connect = cell.connect();
        micros(out, span, connect == null ? null : connect.p50());
        micros(out, span, connect == null ? null : connect.p99());
        files(out, cell, span);
        out.append("</tr>\n<tr class=\"actual\">");
        out.append("<td class=\"from\" title=\"measured from the time the server actually sent each event\">"
                + "actual send</td>");
        percentiles(out, cell.latencyActual());
        out.append("</tr>\n");
    }

    private static void reasonRow(StringBuilder out, CellSummary cell) {
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
        out.append("<td colspan=\"").append(FIGURE_COLUMNS).append("\" class=\"why ").append(cell.state().cssClass())
                .append("\">").append(Html.text(why)).append("</td>");
        files(out, cell, "");
        out.append("</tr>\n");
    }

    /** Reason (when figures took the row), warnings, then the measurement context, beneath the row. */
    private static void noteRow(StringBuilder out, CellSummary cell) {
        List<String> context = context(cell);
        boolean reason = cell.hasFigures() && cell.reason() != null;
        if (!reason && cell.notes().isEmpty() && context.isEmpty()) {
            return;
        }
        out.append("<tr class=\"notes\"><td colspan=\"").append(COLUMNS).append("\" class=\"note\">");
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
        return context;
    }

    private static void identity(StringBuilder out, CellSummary cell, String span) {
        String title = " title=\"" + Html.text(cell.name()) + "\"";
        out.append("<td").append(span).append(title).append('>').append(Html.text(cell.stack())).append("</td>");
        out.append("<td").append(span).append('>').append(Html.text(cell.transport())).append("</td>");
        out.append("<td").append(span).append('>').append(Html.text(cell.protocol())).append("</td>");
        String label = cell.state() == CellState.UNKNOWN && cell.status() != null ? cell.status() : cell.state().label();
        out.append("<td").append(span).append("><span class=\"status ").append(cell.state().cssClass()).append("\">")
                .append(Html.text(label)).append("</span></td>");
    }

    private static void percentiles(StringBuilder out, Stats stats) {
        micros(out, "", stats == null ? null : stats.p50());
        micros(out, "", stats == null ? null : stats.p90());
        micros(out, "", stats == null ? null : stats.p99());
        micros(out, "", stats == null ? null : stats.p999());
        micros(out, "", stats == null ? null : stats.max());
    }

    private static void micros(StringBuilder out, String span, Num micros) {
        if (micros == null) {
            absent(out, span);
            return;
        }
        out.append("<td").append(span).append(" class=\"num\" title=\"").append(Html.text(Units.rawMicros(micros)))
                .append("\">").append(Html.text(Units.micros(micros))).append("</td>");
    }

    private static void count(StringBuilder out, String span, Num count) {
        if (count == null) {
            absent(out, span);
            return;
        }
        out.append("<td").append(span).append(" class=\"num").append(count.isPositive() ? " bad" : "")
                .append("\" title=\"").append(Html.text(count.raw())).append("\">")
                .append(Html.text(Units.count(count))).append("</td>");
    }

    private static void absent(StringBuilder out, String span) {
        out.append("<td").append(span).append(" class=\"num muted\">").append(Units.ABSENT).append("</td>");
    }

    private static void files(StringBuilder out, CellSummary cell, String span) {
        out.append("<td").append(span).append(" class=\"files\">");
        if (CellSummary.isSafeName(cell.name())) {
            for (String file : cell.files()) {
                out.append("<a href=\"").append(Html.text(Html.relativeLink(RunReport.CELLS_DIR, cell.name(), file)))
                        .append("\">").append(Html.text(FILE_LABELS.getOrDefault(file, file))).append("</a> ");
            }
        }
        out.append("</td>");
    }

    private static void howToRead(StringBuilder out) {
        out.append("""
                <h2>How to read this</h2>
                <ul>
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
                <li><b>Connect</b> is the time to open one connection. Percentiles cover the measured window \
                only; warm-up is excluded.</li>
                <li>Durations are rounded to three significant digits; hover a figure for the stored value in \
                microseconds. The raw files hold everything: <code>latency.hlog</code> is an HdrHistogram \
                interval log, readable by HdrHistogram&#39;s own tools.</li>
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
        out.append("</dd>\n<dt>clock check</dt><dd>");
        if (m.clockOk() == null) {
            out.append(Units.ABSENT);
        } else {
            out.append(m.clockOk() ? "<span class=\"status ok\">ok</span>" : "<span class=\"status failed\">failed</span>");
            String detail = joined(m.clockMethod(), m.clockDetail());
            if (detail != null) {
                out.append(' ').append(Html.text(detail));
            }
        }
        out.append("</dd>\n</dl>\n");

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
