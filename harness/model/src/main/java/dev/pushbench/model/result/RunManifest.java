package dev.pushbench.model.result;

import dev.pushbench.model.Required;
import java.util.List;
import java.util.Map;

/**
 * A run directory's {@code run.json}: what produced the run (the resolved scenario, commit, JDK, OS,
 * cores, library versions, the clock check) and how far it got. The runner rewrites it at each
 * change, so it is valid at any moment; a micro-benchmark run writes one too, with {@code jmh} and
 * {@code loadAverage} and no cells. The schema in {@code docs/schema/run.schema.json} is generated
 * from these records.
 *
 * @param status          {@code running}, {@code complete}, {@code interrupted} or {@code failed}
 * @param cells           the cells' names in run order ({@code cells/NAME/summary.json})
 * @param childJvmOptions the options every server and load generator JVM got
 * @param cluster         a cluster's run ({@code pushbench run --cluster}): where the roles ran; absent on one machine
 */
public record RunManifest(
        @Required String runId,
        @Required String status,
        String startedAt,
        String finishedAt,
        ScenarioInfo scenario,
        Git git,
        Jdk jdk,
        Os os,
        Integer cores,
        Long memoryBytes,
        Long maxOpenFilesPerProcess,
        Map<String, String> libraries,
        String loadgenEngine,
        String loadgenClient,
        List<String> cells,
        List<String> childJvmOptions,
        ClockCheck clockCheck,
        LoadAverage loadAverage,
        Jmh jmh,
        Cluster cluster) {

    /** On one machine: no cluster. */
    public RunManifest(String runId, String status, String startedAt, String finishedAt, ScenarioInfo scenario, Git git,
                       Jdk jdk, Os os, Integer cores, Long memoryBytes, Long maxOpenFilesPerProcess,
                       Map<String, String> libraries, String loadgenEngine, String loadgenClient, List<String> cells,
                       List<String> childJvmOptions, ClockCheck clockCheck, LoadAverage loadAverage, Jmh jmh) {
        this(runId, status, startedAt, finishedAt, scenario, git, jdk, os, cores, memoryBytes, maxOpenFilesPerProcess,
                libraries, loadgenEngine, loadgenClient, cells, childJvmOptions, clockCheck, loadAverage, jmh, null);
    }

    /**
     * Where a cluster's run placed its roles, as the agents answered the controller.
     *
     * @param name   the cluster's name
     * @param server the agent that served
     * @param load   the load agents, in the order the subscribers are split over them
     */
    public record Cluster(String name, Agent server, List<Agent> load) {
    }

    /**
     * An agent: its name, the address it bound to, its cores and its open-file limit per process, the
     * JDK its child JVMs run on and the options every one of them got (the agent's own, never the
     * controller's).
     */
    public record Agent(String agent, String host, Integer cores, Long maxOpenFiles, Jdk jdk, List<String> childJvmOptions) {
    }

    public RunManifest withCluster(Cluster c) {
        return new RunManifest(runId, status, startedAt, finishedAt, scenario, git, jdk, os, cores, memoryBytes,
                maxOpenFilesPerProcess, libraries, loadgenEngine, loadgenClient, cells, childJvmOptions, clockCheck,
                loadAverage, jmh, c);
    }

    public static final String RUNNING = "running";
    public static final String COMPLETE = "complete";
    public static final String INTERRUPTED = "interrupted";
    public static final String FAILED = "failed";

    /**
     * @param file     the scenario file as given
     * @param resolved the scenario with every default filled in, as the runner ran it
     */
    public record ScenarioInfo(String name, String description, String file, Map<String, Object> resolved) {
    }

    /** @param dirty the working tree had uncommitted changes */
    public record Git(String commit, Boolean dirty) {
    }

    public record Jdk(String version, String vendor, String vm, String home) {
    }

    public record Os(String name, String version, String arch) {
    }

    /** @param method how the server's and the load generator's clocks were checked to be one */
    public record ClockCheck(Boolean ok, String method, String detail) {
    }

    /** The system's one-minute load average at the start and the end of a micro-benchmark run. */
    public record LoadAverage(Double start, Double end) {
    }

    /** @param file the JMH result file beside run.json */
    public record Jmh(String file, String options, String note) {
    }

    public RunManifest withStatus(String newStatus, String finished) {
        return new RunManifest(runId, newStatus, startedAt, finished, scenario, git, jdk, os, cores, memoryBytes,
                maxOpenFilesPerProcess, libraries, loadgenEngine, loadgenClient, cells, childJvmOptions, clockCheck,
                loadAverage, jmh, cluster);
    }

    public RunManifest withChildJvmOptions(List<String> options) {
        return new RunManifest(runId, status, startedAt, finishedAt, scenario, git, jdk, os, cores, memoryBytes,
                maxOpenFilesPerProcess, libraries, loadgenEngine, loadgenClient, cells, List.copyOf(options), clockCheck,
                loadAverage, jmh, cluster);
    }

    public RunManifest withClockCheck(ClockCheck check) {
        return new RunManifest(runId, status, startedAt, finishedAt, scenario, git, jdk, os, cores, memoryBytes,
                maxOpenFilesPerProcess, libraries, loadgenEngine, loadgenClient, cells, childJvmOptions, check,
                loadAverage, jmh, cluster);
    }
}
