package dev.pushbench.runner.cli;

import dev.pushbench.runner.cluster.AgentInfo;
import dev.pushbench.runner.cluster.ClusterController;
import dev.pushbench.runner.cluster.ClusterNode;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.ClusterSpec;
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

    @Option(names = "--cluster", split = ",", paramLabel = "HOST:PORT",
            description = "run the roles on a cluster's agents (pushbench agent) found through these members; the scenarios'"
                    + " cluster blocks place them (see docs/cluster.md)")
    List<String> cluster;

    @Option(names = "--bind", defaultValue = ScenarioRunner.HOST, paramLabel = "ADDRESS",
            description = "with --cluster: the address this controller joins from (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "5799", paramLabel = "PORT",
            description = "with --cluster: this controller's cluster (Hazelcast) port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bus-port", defaultValue = "0", paramLabel = "PORT",
            description = "with --cluster: this controller's event bus port; 0: any free (default: ${DEFAULT-VALUE})")
    int busPort;

    @Override
    public Integer call() throws Exception {
        RunBounds.checkResultsDirectory(results);
        List<Scenario> scenarios = ScenarioFiles.loadAll(files);
        RunBounds.checkRunTime(scenarios, yes);
        if (cluster != null) {
            return runOnCluster(scenarios);
        }
        for (Scenario s : scenarios) {
            new ScenarioRunner(s, results, System.out, Verification::quick).checkLimits();
        }
        int exit = Cli.OK;
        for (Scenario s : scenarios) {
            exit = Math.max(exit, new ScenarioRunner(s, results, System.out, Verification::quick).run());
        }
        return exit;
    }

    /** Each scenario on the cluster its block names, through the members given; the controller leaves between scenarios. */
    private int runOnCluster(List<Scenario> scenarios) throws Exception {
        ClusterOptions.checkMembers("--cluster", cluster);
        ClusterOptions.checkAddress("--bind", bind);
        for (Scenario s : scenarios) {
            if (s.cluster() == null) {
                throw new BadInputException(s.source() + ": --cluster needs a cluster block in the scenario (which agent serves,"
                        + " which generate the load); see benchmarks/scenarios/cluster/demo.yaml and docs/cluster.md");
            }
        }
        int exit = Cli.OK;
        for (Scenario s : scenarios) {
            ClusterSpec spec = s.cluster().withMembers(cluster);
            ClusterController controller;
            try {
                controller = ClusterController.connect(new ClusterNode.Options(bind, port, busPort, cluster, spec.name()), spec,
                        System.out);
            } catch (ClusterNode.ClusterException e) {
                System.err.println("pushbench run: " + e.getMessage());
                return Cli.FAILED;
            }
            try (controller) {
                System.out.printf("cluster '%s': %s serves, load from %s%n", spec.name(), controller.server().name(),
                        String.join(", ", controller.loads().stream().map(AgentInfo::name).toList()));
                ScenarioRunner runner = new ScenarioRunner(s, results, System.out, Verification::quick).onCluster(controller);
                runner.checkLimits();
                exit = Math.max(exit, runner.run());
            }
        }
        return exit;
    }
}
