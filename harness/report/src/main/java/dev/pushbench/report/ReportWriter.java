package dev.pushbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders one run directory as a self-contained {@code report.html} beside its files: each cell's capacity under
 * an SLO ("Capacity", when the runner searched for it), the verdict (which configuration is best on latency, CPU and
 * memory, and by how much), the matrix of cells with heat-coloured, sortable columns, the links shaped cells
 * crossed, each cluster cell's load agents and their clocks ("Load agents", when a cluster ran the cells), what the faults cost users ("Recovery", when
 * the runner applied any), charts of every cell's distributions (faults marked on latency over time),
 * micro-benchmarks when the run holds {@code jmh.json}, how to read it, and the environment the run was measured in.
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
 *
 * <p>This class computes what the page shows ({@link View}); the templates {@code report.jte} and its parts
 * in {@code src/main/jte} lay it out, escaping every text by construction.
 */
public final class ReportWriter {
    /** The report's file name inside the run directory. */
    public static final String FILE = "report.html";

    private static final Set<String> KNOWN_RUN_STATUSES = Set.of("complete", "interrupted", "running", "failed");

    private ReportWriter() {
    }

    /** One line of the environment list: a label and its value, absent (null) shown as "—". */
    record Entry(String key, String value) {
    }

    /**
     * Everything {@code report.jte} shows, computed: the template only lays it out.
     *
     * @param statusCss the run status badge's class: the status when known, {@code partial} or {@code unknown}
     * @param table     null when the run has no cells (the page says so) or holds micro-benchmarks only
     * @param before    environment entries before the commit; {@code after} those between commit and clock check
     */
    record View(RunReport report, RunInfo manifest, String scenario, String statusCss, RunReport.Banner banner,
                String description, String workload, Verdict verdict, ResultsTable table, ChartSet charts,
                List<Entry> before, List<Entry> after, String clockDetail, String uplotVersion) {
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
        PageFrame.write(target, render(report, charts));
        return target;
    }

    static String render(RunReport report, ChartSet charts) {
        RunInfo m = report.manifest();
        String scenario = m.scenarioName() == null ? "unnamed scenario" : m.scenarioName();
        PageFrame frame = new PageFrame(scenario + " \u00b7 " + report.runId() + " \u00b7 pushbench",
                List.of(Assets.uplotJs(), Assets.reportJs()), Assets.uplotCss(),
                charts.charts().isEmpty() && report.capacity().isEmpty() ? null
                        : Html.scriptJson(chartJson(charts, report.capacity())));
        String status = m.status();
        String statusCss = status != null && KNOWN_RUN_STATUSES.contains(status) ? status : "unknown";
        if (report.isPartial() && "complete".equals(status)) {
            statusCss = "partial";
        }
        String description = m.description() == null || m.description().isBlank() ? null : m.description().strip();
        boolean scenarioRun = !report.isMicroOnly();
        View view = new View(report, m, scenario, statusCss, report.banner(), description, m.workload().describe(),
                scenarioRun ? report.verdict() : null, scenarioRun && !report.cells().isEmpty() ? ResultsTable.of(report.cells()) : null,
                charts, before(report), after(m), joined(m.clockMethod(), m.clockDetail()), Assets.UPLOT_VERSION);
        ReportPage page = new ReportPage(frame, view);
        return PageFrame.render(html -> JtereportGenerated.render(html, null, page));
    }

    /** The frame and the view, the one parameter {@code report.jte} takes. */
    record ReportPage(PageFrame frame, View view) {
    }

    private static List<Entry> before(RunReport report) {
        RunInfo m = report.manifest();
        return List.of(new Entry("run", report.runId()), new Entry("scenario file", m.scenarioFile()),
                new Entry("started", Format.time(m.startedAt())), new Entry("finished", Format.time(m.finishedAt())));
    }

    private static List<Entry> after(RunInfo m) {
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("JDK", joined(m.jdkVersion(), m.jdkVendor(), m.jdkVm())));
        entries.add(new Entry("OS", joined(m.osName(), m.osVersion(), m.osArch())));
        entries.add(new Entry("CPU cores", m.cores() == null ? null : m.cores().toString()));
        entries.add(new Entry("memory", m.memoryBytes() == null ? null : Format.bytes(m.memoryBytes())));
        String libraries = null;
        if (m.libraries() != null && !m.libraries().isEmpty()) {
            List<String> each = new ArrayList<>();
            m.libraries().forEach((library, version) -> each.add(library + " " + version));
            libraries = String.join(", ", each);
        }
        entries.add(new Entry("libraries", libraries));
        // cells compare only within one load-generator engine: say which one measured these
        entries.add(new Entry("load generator", m.loadgenClient() == null ? null
                : m.loadgenClient() + (m.loadgenEngine() == null ? "" : " (engine " + m.loadgenEngine() + ")")));
        return List.copyOf(entries);
    }

    /** The chart model as plain maps and lists, in the shape report.js reads: the Charts section's, then the Capacity's. */
    private static Map<String, Object> chartJson(ChartSet charts, CapacitySection capacity) {
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
            if (!chart.markers().isEmpty()) {
                List<Object> markers = new ArrayList<>();
                for (ChartSet.Marker m : chart.markers()) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("x", m.x());
                    one.put("label", m.label());
                    one.put("color", m.color());
                    markers.add(one);
                }
                c.put("markers", markers);
            }
            list.add(c);
        }
        list.addAll(capacity.chartJson());
        return Map.of("charts", list);
    }

    static String joined(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                present.add(part);
            }
        }
        return present.isEmpty() ? null : String.join(" \u00b7 ", present);
    }
}
