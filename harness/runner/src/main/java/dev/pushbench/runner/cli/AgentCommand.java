package dev.pushbench.runner.cli;

import dev.pushbench.runner.cluster.Agent;
import dev.pushbench.runner.cluster.ClusterNode;
import dev.pushbench.runner.cluster.ClusterNode.ClusterException;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ClassDataArchive;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.ClusterSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench agent}: joins a pushbench cluster and runs the server and load-generator roles its
 * controller ({@code pushbench run --cluster}) asks for, until stopped (Ctrl-C or SIGTERM), which ends
 * every child it started. See {@code docs/cluster.md}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Join a pushbench cluster and run the server and load-generator roles a controller asks for.",
                "Example: pushbench agent --name load-1 --bind 10.0.0.6 --cluster 10.0.0.5:5701,10.0.0.6:5701",
                "Runs until Ctrl-C; every JVM it started ends with it."})
final class AgentCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "this agent's name, as the scenario's cluster block names it ([a-z0-9][a-z0-9._-]{0,39})")
    String name;

    @Option(names = "--cluster", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "the members to join through (explicit TCP addresses, no multicast), comma-separated")
    List<String> members;

    @Option(names = "--bind", defaultValue = ScenarioRunner.HOST, paramLabel = "ADDRESS",
            description = "the address this agent listens on (cluster, event bus, clock, and its server's port) (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "5701", paramLabel = "PORT", description = "the cluster (Hazelcast) port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bus-port", defaultValue = "0", paramLabel = "PORT",
            description = "the event bus's port; 0: any free (set it when a firewall is in between) (default: ${DEFAULT-VALUE})")
    int busPort;

    @Option(names = "--clock-port", defaultValue = "0", paramLabel = "PORT",
            description = "the clock exchange's TCP port; 0: any free (default: ${DEFAULT-VALUE})")
    int clockPort;

    @Option(names = "--cluster-name", defaultValue = ClusterSpec.DEFAULT_NAME, paramLabel = "NAME",
            description = "only members of this cluster name join (default: ${DEFAULT-VALUE})")
    String clusterName;

    @Option(names = "--dir", defaultValue = "agent-work", paramLabel = "DIR",
            description = "where its children's specs and logs go, one directory each (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ClusterOptions.check("--name", name, ClusterOptions.AGENT_NAME);
        ClusterOptions.check("--cluster-name", clusterName, ClusterOptions.CLUSTER_NAME);
        ClusterOptions.checkMembers("--cluster", members);
        ClusterOptions.checkAddress("--bind", bind);
        List<String> jvmOptions = new ArrayList<>(ScenarioRunner.CHILD_JVM_OPTIONS);
        jvmOptions.addAll(ClassDataArchive.jvmOptions(System.out));
        Agent agent;
        try {
            agent = Agent.start(new ClusterNode.Options(bind, port, busPort, members, clusterName), name,
                    dir.resolve(name), clockPort, jvmOptions, System.out);
        } catch (ClusterException e) {
            System.err.println("pushbench agent: " + e.getMessage());
            return Cli.FAILED;
        } catch (java.io.IOException e) {
            // the address is not this machine's, or the clock port is taken: the options given cannot be served
            throw new BadInputException("--bind " + bind + " / --clock-port " + clockPort + ": " + e.getMessage()
                    + " (is the address this machine's, and the port free?)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "pushbench-agent-stop"));
        System.out.printf("agent %s in cluster '%s' on %s:%d, waiting for a controller (Ctrl-C ends it)%n", name, clusterName,
                bind, port);
        stopped.await();
        return Cli.OK;
    }
}
