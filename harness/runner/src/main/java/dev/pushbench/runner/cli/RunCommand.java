package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pushbench run}: runs scenarios, one run directory each, and writes their reports. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run scenarios: every cell (stack x transport x protocol) with its server and load generator in their own JVMs.",
                "All files are checked before anything starts; the report path is the last line printed."})
final class RunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario YAML files, e.g. benchmarks/scenarios/quick.yaml")
    List<Path> files;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "where run directories go (default: ${DEFAULT-VALUE})")
    Path results;

    @Option(names = "--yes", description = "run even when the run is estimated above 2 hours")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        RunBounds.checkResultsDirectory(results);
        List<Scenario> scenarios = ScenarioFiles.loadAll(files);
        RunBounds.checkRunTime(scenarios, yes);
        for (Scenario s : scenarios) {
            new ScenarioRunner(s, results, System.out, Verification::quick).checkLimits();
        }
        int exit = Cli.OK;
        for (Scenario s : scenarios) {
            exit = Math.max(exit, new ScenarioRunner(s, results, System.out, Verification::quick).run());
        }
        return exit;
    }
}
