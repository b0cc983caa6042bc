package dev.pushbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Renders {@code results/index.html}: every run directory (a directory holding run.json), newest first,
 * with its scenario, start time, status, its verdict in one line, cell counts and a link to its report.
 *
 * <pre>
 *   ReportWriter.write(runDir);                    // the run's own report first
 *   IndexWriter.write(Path.of("results"));         // then the list of all runs
 * </pre>
 *
 * <p>Like {@link ReportWriter}, a pure function of stored files. "Newest" is run.json's
 * {@code startedAt}; a run without one is placed by the time in its run id ({@code yyyyMMdd-HHmmss-…},
 * read as UTC), and a run with neither goes last. A run whose run.json is unreadable is still listed.
 */
public final class IndexWriter {
    /** The index's file name inside the results directory. */
    public static final String FILE = "index.html";

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private IndexWriter() {
    }

    /** One listed run: its directory name (the link) and its model. */
    record Entry(String directory, RunReport report, boolean hasReport, Instant started) {
    }

    /**
     * Writes {@code resultsDir/index.html}, replacing any earlier one.
     *
     * @return the written file
     * @throws IllegalArgumentException when {@code resultsDir} is not a directory
     * @throws IOException when the directory cannot be listed or the index cannot be written
     */
    public static Path write(Path resultsDir) throws IOException {
        Path target = resultsDir.resolve(FILE);
        PageFrame.write(target, render(entries(resultsDir)));
        return target;
    }

    /** The run directories of {@code resultsDir}, newest first. */
    static List<Entry> entries(Path resultsDir) throws IOException {
        if (!Files.isDirectory(resultsDir)) {
            throw new IllegalArgumentException("resultsDir must be a directory, got " + resultsDir
                    + " (" + (Files.exists(resultsDir) ? "not a directory" : "does not exist") + ")");
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(resultsDir)) {
            for (Path runDir : children.filter(Files::isDirectory).toList()) {
                if (!Files.isRegularFile(runDir.resolve(RunInfo.FILE))) {
                    continue;
                }
                RunReport report = RunReport.read(runDir);
                String directory = runDir.getFileName().toString();
                Instant started = Format.instant(report.manifest().startedAt());
                if (started == null) {
                    started = runIdTime(directory);
                }
                entries.add(new Entry(directory, report, Files.isRegularFile(runDir.resolve(ReportWriter.FILE)),
                        started));
            }
        }
        entries.sort(Comparator.comparing(Entry::started, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
                .thenComparing(Entry::directory)
                .reversed());
        return entries;
    }

    /** The time at the head of a run id ({@code 20261125-153000-quick}), read as UTC, or {@code null}. */
    static Instant runIdTime(String runId) {
        if (runId.length() < 15) {
            return null;
        }
        try {
            return LocalDateTime.parse(runId.substring(0, 15), RUN_ID_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One run as {@code index.jte} lists it; {@code link} is null without a report, {@code warnings} null without ⚠. */
    record Row(String directory, String link, String scenario, String problem, String started, String statusCss,
               String statusLabel, String verdictLine, String warnings, int cells, int ok, int failed, int unsupported,
               int other) {
    }

    /** What {@code index.jte} shows: the page frame and one row per run, newest first. */
    record IndexPage(PageFrame frame, List<Row> rows) {
        /** True when some verdict line carries ⚠, so the page explains the sign. */
        boolean anyWarned() {
            return rows.stream().anyMatch(r -> r.warnings() != null);
        }
    }

    static String render(List<Entry> entries) {
        List<Row> rows = new ArrayList<>();
        for (Entry entry : entries) {
            RunReport report = entry.report();
            RunInfo m = report.manifest();
            String css = report.isPartial() ? (m.status() == null ? "unknown" : "partial") : "complete";
            if ("failed".equals(m.status())) {
                css = "failed";
            }
            List<String> warnings = report.isMicroOnly() ? List.of() : report.verdict().findings().get(0).warnings();
            rows.add(new Row(entry.directory(),
                    entry.hasReport() ? Html.relativeLink(entry.directory(), ReportWriter.FILE) : null,
                    m.scenarioName(), m.problems().isEmpty() ? null : m.problems().get(0), Format.time(m.startedAt()),
                    css, report.statusLabel(), verdictLine(report),
                    warnings.isEmpty() ? null : "\u26a0 " + String.join("; ", warnings),
                    report.cells().size(), report.count(CellState.OK), report.count(CellState.FAILED),
                    report.count(CellState.UNSUPPORTED), report.count(CellState.NOT_RUN) + report.count(CellState.INTERRUPTED)
                    + report.count(CellState.UNREADABLE) + report.count(CellState.UNKNOWN)));
        }
        IndexPage page = new IndexPage(PageFrame.plain("pushbench runs"), List.copyOf(rows));
        return PageFrame.render(html -> JteindexGenerated.render(html, null, page));
    }

    /** The run's answer in one line: the latency verdict, or what a micro-benchmark run holds. */
    static String verdictLine(RunReport report) {
        if (report.isMicroOnly()) {
            int results = report.micro().results().size();
            return "micro-benchmarks: " + results + (results == 1 ? " result" : " results");
        }
        return report.verdict().oneLine();
    }
}
