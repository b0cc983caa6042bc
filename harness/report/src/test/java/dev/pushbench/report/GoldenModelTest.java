package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seals what the report is built from: the model it extracts from each committed fixture run, as text
 * (each figure as shown and as stored, the verdict, and every chart series). A change here must be
 * deliberate: rerun with {@code -Dpushbench.golden.update=true} to rewrite the golden files, then review
 * their diff.
 */
class GoldenModelTest {
    private static final String UPDATE = "pushbench.golden.update";

    @TempDir
    Path results;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            ResultsTree.QUICK_RUN + ", quick-run.txt",
            ResultsTree.MINI_RUN + ", mini-run.txt"})
    void theModelMatchesItsGoldenFile(String fixture, String goldenName) throws IOException {
        // Relative to the module directory, surefire's working directory.
        Path golden = Path.of("src/test/resources/golden", goldenName);
        Path runDir = ResultsTree.copyFixture(fixture, results);

        RunReport report = RunReport.read(runDir);
        String actual = report.describe() + "\n" + ChartSet.read(runDir, report.cells()).describe();

        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(golden), "no golden file at " + golden.toAbsolutePath()
                + "; create it with -D" + UPDATE + "=true and review it");
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, "the report model differs from "
                + golden.toAbsolutePath() + "; if the change is deliberate, rerun with -D" + UPDATE
                + "=true and review the diff");
    }
}
