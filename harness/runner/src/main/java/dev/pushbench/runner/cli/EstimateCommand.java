package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pushbench estimate}: checks scenario files and says how long running them will take. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Check scenario files and print how long running them takes: per supported cell, ramp + warm-up"
                + " + duration + process overhead, and the drain only short polling needs (up to one poll interval;"
                + " the others' drains end once nothing is owed); unsupported cells take no time.")
final class EstimateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario YAML files")
    List<Path> files;

    @Option(names = "--yes", description = "exit 0 even when the total is above 2 hours (without it: exit 2 there, the gate scripts/run-all.sh uses)")
    boolean yes;

    @Option(names = "--results", paramLabel = "DIR", description = "also check that the results directory can be written")
    Path results;

    @Override
    public Integer call() throws Exception {
        if (results != null) {
            RunBounds.checkResultsDirectory(results);
        }
        List<Scenario> scenarios = ScenarioFiles.loadAll(files);
        for (Scenario s : scenarios) {
            // the machine's limits (open files, the children's heaps) refuse a scenario before its estimate
            new ScenarioRunner(s, Path.of("."), System.out, Verification::quick).checkLimits();
        }
        Duration total = Duration.ZERO;
        int cells = 0;
        for (Scenario s : scenarios) {
            Duration d = s.estimatedRunTime(ScenarioRunner.OVERHEAD_PER_CELL);
            int n = s.matrix().cellCount() * s.timing().repeats();
            System.out.printf("%-28s %3d cells  ~%s%n", s.name(), n, RunBounds.format(d));
            total = total.plus(d);
            cells += n;
        }
        System.out.printf("estimated total: %d cells, ~%s%n", cells, RunBounds.format(total));
        RunBounds.checkRunTime(scenarios, yes);
        return Cli.OK;
    }
}
