package dev.pushbench.runner.cli;

import dev.pushbench.report.RunComparison;
import dev.pushbench.runner.run.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pushbench compare RUN_A RUN_B}: the difference between two runs, cell by cell and metric by
 * metric, on the console and as {@code compare.html}; with {@code --threshold}, a gate for CI.
 *
 * <pre>
 *   pushbench compare results/20261125-153000-quick results/20261126-090000-quick \
 *       --threshold p99=+10% --threshold lost=0
 * </pre>
 *
 * <p>Exit codes: 0 no threshold exceeded, 1 a threshold exceeded, 2 bad input (not a run directory, an
 * unknown metric, a malformed threshold). The HTML's path is the last line printed.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two runs cell by cell (cells matched by name, repeats by their median): latency"
                + " p50/p99/p99.9/max, delivered/lost/duplicated, connect p99 and cost figures. Writes compare.html"
                + " and prints its path last.",
                "A change is marked beyond noise when it exceeds --noise %% of A and, when both runs repeat a cell,"
                        + " their min-max spreads do not overlap."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no threshold exceeded", "1:a threshold exceeded", "2:bad input (run directory, metric, threshold)"})
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_A", description = "the baseline run directory")
    Path runA;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "the run directory to compare with it")
    Path runB;

    @Option(names = "--threshold", paramLabel = "METRIC=LIMIT",
            description = {"fail (exit 1) when crossed; repeatable. p99=+10%% (B at most 10 %% above A),"
                    + " delivered=-1%% (at most 1 %% below), p99=+2ms (at most 2 ms above), lost=0 or p99=50ms"
                    + " (a ceiling for B). A cell that has the metric in A but not in B exceeds it.",
                    "Metrics: p50, p99, p999, max, actual-p99, delivered, lost, late, duplicated, reordered, connect-p99,"
                            + " server-cpu, loadgen-cpu, heap-per-connection, rss-per-connection, bytes-down,"
                            + " bytes-up, requests."})
    List<String> thresholds = new ArrayList<>();

    // Descriptions are format strings for picocli: a literal percent sign is written %%.
    @Option(names = "--noise", paramLabel = "PERCENT", defaultValue = "10%",
            description = "smallest relative change marked as beyond noise (default: ${DEFAULT-VALUE})")
    String noise;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write the HTML diff (default: RUN_B/" + RunComparison.FILE + ")")
    Path output;

    @Override
    public Integer call() throws Exception {
        requireRun("RUN_A", runA);
        requireRun("RUN_B", runB);
        List<RunComparison.Threshold> parsed = new ArrayList<>();
        for (String threshold : thresholds) {
            try {
                parsed.add(RunComparison.Threshold.parse(threshold));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        double noisePercent = noisePercent(noise);
        RunComparison comparison = RunComparison.compare(runA, runB, parsed, noisePercent);
        System.out.print(comparison.consoleText());
        Path html = comparison.writeHtml(output != null ? output : runB.resolve(RunComparison.FILE));
        System.out.println(html);
        return comparison.thresholdsExceeded() ? Cli.FAILED : Cli.OK;
    }

    private static void requireRun(String label, Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(label + " must be a run directory, got " + dir
                    + (Files.exists(dir) ? " (not a directory)" : " (does not exist)"));
        }
        if (!Files.isRegularFile(dir.resolve("run.json"))) {
            throw new BadInputException(label + " must be a run directory, got " + dir + " (no run.json in it)");
        }
    }

    private static double noisePercent(String text) throws BadInputException {
        String number = text.strip().endsWith("%") ? text.strip().substring(0, text.strip().length() - 1) : text.strip();
        try {
            double value = Double.parseDouble(number);
            if (value >= 0 && !Double.isInfinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with what is allowed
        }
        throw new BadInputException("--noise must be a percentage of 0 or more, e.g. 10%, got \"" + text + "\"");
    }
}
