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
        Page.write(target, render(entries(resultsDir)));
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
                if (!Files.isRegularFile(runDir.resolve(RunManifest.FILE))) {
                    continue;
                }
                RunReport report = RunReport.read(runDir);
                String directory = runDir.getFileName().toString();
                Instant started = Page.instant(report.manifest().startedAt());
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

    static String render(List<Entry> entries) {
        StringBuilder out = new StringBuilder(8_192);
        Page.open(out, "pushbench runs");
        out.append("<h1>pushbench runs</h1>\n");
        if (entries.isEmpty()) {
            out.append("<p class=\"muted\">No runs yet: no directory here holds a run.json.</p>\n");
            Page.close(out);
            return out.toString();
        }
        out.append("<p class=\"sub\">").append(entries.size()).append(entries.size() == 1 ? " run" : " runs")
                .append(", newest first.</p>\n");
        out.append("<table>\n<thead>\n<tr><th>Run</th><th>Scenario</th><th>Started</th><th>Status</th>")
                .append("<th>Verdict</th>")
                .append("<th class=\"num\">Cells</th><th class=\"num\">ok</th><th class=\"num\">failed</th>")
                .append("<th class=\"num\">unsupported</th><th class=\"num\" title=\"not run, unreadable or")
                .append(" unknown status\">other</th></tr>\n</thead>\n<tbody>\n");
        for (Entry entry : entries) {
            RunReport report = entry.report();
            RunManifest m = report.manifest();
            out.append("<tr><td>");
            if (entry.hasReport()) {
                out.append("<a href=\"").append(Html.text(Html.relativeLink(entry.directory(), ReportWriter.FILE)))
                        .append("\">").append(Html.text(entry.directory())).append("</a>");
            } else {
                out.append(Html.text(entry.directory()))
                        .append(" <span class=\"sub\">(no report.html yet)</span>");
            }
            out.append("</td><td>").append(m.scenarioName() == null ? Units.ABSENT : Html.text(m.scenarioName()));
            if (!m.problems().isEmpty()) {
                out.append("<div class=\"sub notes\">").append(Html.text(m.problems().get(0))).append("</div>");
            }
            out.append("</td><td class=\"num\">").append(Html.text(Page.time(m.startedAt()))).append("</td><td>");
            String css = report.isPartial() ? (m.status() == null ? "unknown" : "partial") : "complete";
            if ("failed".equals(m.status())) {
                css = "failed";
            }
            out.append("<span class=\"status ").append(css).append("\">").append(Html.text(report.statusLabel()))
                    .append("</span></td><td class=\"verdict-line\">").append(Html.text(verdictLine(report)))
                    .append("</td>");
            int other = report.count(CellState.NOT_RUN) + report.count(CellState.UNREADABLE)
                    + report.count(CellState.UNKNOWN);
            count(out, report.cells().size(), false);
            count(out, report.count(CellState.OK), false);
            count(out, report.count(CellState.FAILED), true);
            count(out, report.count(CellState.UNSUPPORTED), false);
            count(out, other, true);
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        Page.close(out);
        return out.toString();
    }

    /** The run's answer in one line: the latency verdict, or what a micro-benchmark run holds. */
    static String verdictLine(RunReport report) {
        if (report.isMicroOnly()) {
            int results = report.micro().results().size();
            return "micro-benchmarks: " + results + (results == 1 ? " result" : " results");
        }
        return report.verdict().oneLine();
    }

    private static void count(StringBuilder out, int count, boolean badWhenPositive) {
        out.append("<td class=\"num").append(badWhenPositive && count > 0 ? " bad" : "").append("\">")
                .append(count).append("</td>");
    }
}
