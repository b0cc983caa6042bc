package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pushbench report}: rebuilds a run's report (and the results index) from its stored files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild report.html of a run directory, and index.html beside it, from the stored files alone.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "a run directory, e.g. results/20261125-153000-quick")
    Path runDir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(runDir.resolve("run.json"))) {
            throw new BadInputException(runDir + ": not a run directory (no run.json in it)");
        }
        Path report = Reports.write(runDir, System.err);
        Path parent = runDir.toAbsolutePath().getParent();
        if (parent != null) {
            Reports.writeIndex(parent);
        }
        System.out.println(report);
        return Cli.OK;
    }
}
