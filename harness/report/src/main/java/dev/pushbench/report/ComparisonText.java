package dev.pushbench.report;

import dev.pushbench.report.RunComparison.Row;
import dev.pushbench.report.RunComparison.Threshold;
import dev.pushbench.report.RunComparison.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link RunComparison} as people read it: the text {@code pushbench compare} prints, and what
 * {@code compare.jte} lays out as {@code compare.html}.
 */
final class ComparisonText {
    private ComparisonText() {
    }

    static String noiseRule(double noisePercent) {
        return String.format(Locale.ROOT, "a change is beyond noise when it exceeds %s %% of A (any change from 0"
                + " counts) and, when both runs repeat a cell, their min\u2013max spreads do not overlap",
                Format.significant(Format.fourDigits(noisePercent)));
    }

    static String describeRun(Path dir, RunReport run) {
        return run.runId() + " (" + (run.scenarioName() == null ? "unnamed" : run.scenarioName()) + ", "
                + run.cells().size() + " cells) in " + dir;
    }

    /** The diff for a terminal: a header, one line per configuration and metric, then the verdict of the gate. */
    static String console(RunComparison c) {
        List<Threshold> thresholds = c.thresholds();
        List<Row> rows = c.rows();
        StringBuilder out = new StringBuilder();
        out.append("A: ").append(describeRun(c.runA(), c.a())).append('\n');
        out.append("B: ").append(describeRun(c.runB(), c.b())).append('\n');
        out.append("noise: ").append(noiseRule(c.noisePercent())).append('\n');
        if (!thresholds.isEmpty()) {
            out.append("thresholds: ");
            out.append(String.join(", ", thresholds.stream().map(t -> t.text() + " (" + t.rule() + ")").toList()));
            out.append('\n');
        }
        out.append('\n');
        int nameWidth = Math.max(4, rows.stream().mapToInt(r -> r.configuration().length()).max().orElse(4));
        String format = "%-" + nameWidth + "s  %-20s %12s %12s %10s  %s%n";
        out.append(String.format(Locale.ROOT, format, "cell", "metric", "A", "B", "change", "").stripTrailing())
                .append('\n');
        String previous = null;
        for (Row row : rows) {
            String name = row.configuration().equals(previous) ? "" : row.configuration();
            previous = row.configuration();
            List<String> marks = new ArrayList<>();
            if (row.beyondNoise()) {
                marks.add(row.worse() ? "WORSE" : "better");
            }
            for (String exceeded : row.exceeded()) {
                marks.add("EXCEEDS " + exceeded);
            }
            out.append(String.format(Locale.ROOT, format, name, row.metric().name(), shown(row, row.a()),
                    shown(row, row.b()), row.change(), String.join("  ", marks)).stripTrailing()).append('\n');
        }
        out.append('\n');
        for (String change : c.statusChanges()) {
            out.append("status changed: ").append(change).append('\n');
        }
        if (!c.onlyInA().isEmpty()) {
            out.append("only in A: ").append(String.join(", ", c.onlyInA())).append('\n');
        }
        if (!c.onlyInB().isEmpty()) {
            out.append("only in B: ").append(String.join(", ", c.onlyInB())).append('\n');
        }
        long beyond = rows.stream().filter(Row::beyondNoise).count();
        long worse = rows.stream().filter(r -> r.beyondNoise() && r.worse()).count();
        out.append(beyond).append(" changes beyond noise (").append(worse).append(" worse, ").append(beyond - worse)
                .append(" better)\n");
        List<String> exceeded = new ArrayList<>();
        for (Row row : rows) {
            for (String threshold : row.exceeded()) {
                exceeded.add(row.configuration() + " " + threshold + ": " + shown(row, row.a()) + " \u2192 "
                        + shown(row, row.b()));
            }
        }
        if (thresholds.isEmpty()) {
            out.append("no thresholds given\n");
        } else if (exceeded.isEmpty()) {
            out.append("thresholds: all met\n");
        } else {
            out.append("thresholds EXCEEDED (").append(exceeded.size()).append("):\n");
            exceeded.forEach(line -> out.append("  ").append(line).append('\n'));
        }
        return out.toString();
    }

    private static String shown(Row row, Value value) {
        if (value == null) {
            return Format.ABSENT;
        }
        String median = row.metric().format(value.median());
        return value.repeats() > 1 ? median + " (\u00d7" + value.repeats() + ")" : median;
    }

    /** One line of the HTML diff: the configuration is shown on its group's first line only. */
    record Line(String css, String configuration, String metric, String description, String a, String b,
                String change, Boolean worse, List<String> exceeded) {
    }

    /**
     * What {@code compare.jte} shows: both runs, the rules, whether the gate passed ({@code met} null without
     * thresholds), and the lines grouped per configuration.
     */
    record ComparePage(PageFrame frame, String runA, String runB, String noise, String thresholds, Boolean met,
                       List<String> statusChanges, String onlyInA, String onlyInB, List<List<Line>> groups) {
    }

    /** What {@code compare.jte} shows, grouped per configuration. */
    static ComparePage page(RunComparison c) {
        List<List<Line>> groups = new ArrayList<>();
        String previous = null;
        for (Row row : c.rows()) {
            boolean first = !row.configuration().equals(previous);
            if (first) {
                groups.add(new ArrayList<>());
            }
            String css = !row.exceeded().isEmpty() ? "exceeded" : row.beyondNoise() ? (row.worse() ? "worse" : "better") : null;
            groups.get(groups.size() - 1).add(new Line(css, first ? row.configuration() : "", row.metric().name(),
                    row.metric().description(), shown(row, row.a()), shown(row, row.b()), row.change(),
                    row.beyondNoise() ? row.worse() : null, row.exceeded()));
            previous = row.configuration();
        }
        List<Threshold> thresholds = c.thresholds();
        return new ComparePage(
                PageFrame.plain("compare " + c.a().runId() + " \u2192 " + c.b().runId() + " \u00b7 pushbench"),
                describeRun(c.runA(), c.a()), describeRun(c.runB(), c.b()), noiseRule(c.noisePercent()),
                thresholds.isEmpty() ? null : String.join(", ", thresholds.stream().map(t -> t.text() + " (" + t.rule() + ")").toList()),
                thresholds.isEmpty() ? null : !c.thresholdsExceeded(), c.statusChanges(),
                c.onlyInA().isEmpty() ? null : String.join(", ", c.onlyInA()),
                c.onlyInB().isEmpty() ? null : String.join(", ", c.onlyInB()),
                groups.stream().map(List::copyOf).toList());
    }
}
