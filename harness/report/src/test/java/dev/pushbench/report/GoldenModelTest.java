package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals what the report shows: the values it extracts from the committed fixture run, as text (each
 * figure as shown and as stored). A change here must be deliberate: rerun with
 * {@code -Dpushbench.golden.update=true} to rewrite the golden file, then review its diff.
 */
class GoldenModelTest {
    /** Relative to the module directory, surefire's working directory. */
    private static final Path GOLDEN = Path.of("src/test/resources/golden/quick-run.txt");
    private static final String UPDATE = "pushbench.golden.update";

    @TempDir
    Path results;

    @Test
    void theQuickRunModelMatchesItsGoldenFile() throws IOException {
        Path runDir = ResultsTree.copyFixture(ResultsTree.QUICK_RUN, results);

        String actual = RunReport.read(runDir).describe();

        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(GOLDEN), "no golden file at " + GOLDEN.toAbsolutePath()
                + "; create it with -D" + UPDATE + "=true and review it");
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), actual, "the report model differs from "
                + GOLDEN.toAbsolutePath() + "; if the change is deliberate, rerun with -D" + UPDATE
                + "=true and review the diff");
    }
}
