package dev.pushbench.runner.run;

import dev.pushbench.report.IndexWriter;
import dev.pushbench.report.ReportWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The report stage, callable alone: a run directory's report and the results index, from stored files only. */
public final class Reports {
    private Reports() {
    }

    /** Writes {@code report.html}; a report that cannot be written is said on {@code out} (if given), never fatal. */
    public static Path write(Path runDir, PrintStream out) {
        try {
            return ReportWriter.write(runDir);
        } catch (IOException | RuntimeException e) {
            if (out != null) {
                out.println("could not write the report of " + runDir + ": " + e.getMessage());
            }
            return runDir.resolve("report.html");
        }
    }

    public static Path writeIndex(Path resultsRoot) throws IOException {
        return IndexWriter.write(resultsRoot);
    }
}
