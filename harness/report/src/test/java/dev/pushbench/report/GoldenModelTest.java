package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seals the report's output for each committed fixture run: the model it extracts, as text (each figure
 * as shown and as stored, the verdict, and every chart series), and the report.html the templates render
 * from it (with the inlined uPlot, report.js and uPlot CSS replaced by a placeholder line each). A change
 * here must be deliberate. The golden files come from the current writer; to regenerate them, run from the
 * repository's root
 *
 * <pre>
 *   ./mvnw -B -o -q -pl harness/report -am test -Dtest=GoldenModelTest -Dsurefire.failIfNoSpecifiedTests=false -Dpushbench.golden.update=true
 * </pre>
 *
 * <p>and review their diff ({@code git diff harness/report/src/test/resources/golden}) before committing it.
 */
class GoldenModelTest {
    private static final String UPDATE = "pushbench.golden.update";

    @TempDir
    Path results;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            ResultsTree.QUICK_RUN + ", quick-run.txt",
            ResultsTree.MINI_RUN + ", mini-run.txt",
            RunFormatsTest.OLD_FORMAT_RUN + ", old-format-run.txt"})
    void theModelMatchesItsGoldenFile(String fixture, String goldenName) throws IOException {
        // Relative to the module directory, surefire's working directory.
        Path golden = Path.of("src/test/resources/golden", goldenName);
        Path runDir = ResultsTree.copyFixture(fixture, results);

        RunReport report = RunReport.read(runDir);
        String actual = report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe();

        assertMatchesGolden(golden, actual);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            ResultsTree.QUICK_RUN + ", quick-run.report.html",
            ResultsTree.MINI_RUN + ", mini-run.report.html",
            RunFormatsTest.OLD_FORMAT_RUN + ", old-format-run.report.html"})
    void theReportPageMatchesItsGoldenFile(String fixture, String goldenName) throws IOException {
        Path golden = Path.of("src/test/resources/golden", goldenName);
        Path runDir = ResultsTree.copyFixture(fixture, results);

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        String actual = html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]");

        assertMatchesGolden(golden, actual);
    }

    /** The run with direct and proxied cells, written from the model's records ({@link ProxyRun}). */
    @Test
    void theProxyRunsModelAndPageMatchTheirGoldenFiles() throws IOException {
        Path runDir = ProxyRun.write(results);

        RunReport report = RunReport.read(runDir);
        assertMatchesGolden(Path.of("src/test/resources/golden", "proxy-run.txt"),
                report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe());
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertMatchesGolden(Path.of("src/test/resources/golden", "proxy-run.report.html"),
                html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                        .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]"));
    }

    /** The run with faults and a 4g link, written from the model's records ({@link FaultRun}). */
    @Test
    void theFaultRunsModelAndPageMatchTheirGoldenFiles() throws IOException {
        Path runDir = FaultRun.write(results);

        RunReport report = RunReport.read(runDir);
        assertMatchesGolden(Path.of("src/test/resources/golden", "fault-run.txt"),
                report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe());
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertMatchesGolden(Path.of("src/test/resources/golden", "fault-run.report.html"),
                html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                        .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]"));
    }

    /** The two-way run, written from the model's records ({@link TwoWayRun}). */
    @Test
    void theTwoWayRunsModelAndPageMatchTheirGoldenFiles() throws IOException {
        Path runDir = TwoWayRun.write(results);

        RunReport report = RunReport.read(runDir);
        assertMatchesGolden(Path.of("src/test/resources/golden", "two-way-run.txt"),
                report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe());
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertMatchesGolden(Path.of("src/test/resources/golden", "two-way-run.report.html"),
                html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                        .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]"));
    }

    /** The capacity run, every kind of bound, written from the model's records ({@link CapacityRun}). */
    @Test
    void theCapacityRunsModelAndPageMatchTheirGoldenFiles() throws IOException {
        Path runDir = CapacityRun.write(results);

        RunReport report = RunReport.read(runDir);
        assertMatchesGolden(Path.of("src/test/resources/golden", "capacity-run.txt"),
                report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe());
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertMatchesGolden(Path.of("src/test/resources/golden", "capacity-run.report.html"),
                html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                        .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]"));
    }

    /** The cluster run, two load agents, one clock flagged, one agent gone, written from the model's records ({@link ClusterRun}). */
    @Test
    void theClusterRunsModelAndPageMatchTheirGoldenFiles() throws IOException {
        Path runDir = ClusterRun.write(results);

        RunReport report = RunReport.read(runDir);
        assertMatchesGolden(Path.of("src/test/resources/golden", "cluster-run.txt"),
                report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe());
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        assertMatchesGolden(Path.of("src/test/resources/golden", "cluster-run.report.html"),
                html.replace(Assets.uplotJs(), "[uPlot " + Assets.UPLOT_VERSION + "]")
                        .replace(Assets.reportJs(), "[report.js]").replace(Assets.uplotCss(), "[uPlot CSS]"));
    }

    private static void assertMatchesGolden(Path golden, String actual) throws IOException {
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(golden), "no golden file at " + golden.toAbsolutePath()
                + "; create it with -D" + UPDATE + "=true and review it");
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, "the report differs from "
                + golden.toAbsolutePath() + "; if the change is deliberate, rerun with -D" + UPDATE
                + "=true and review the diff");
    }
}
