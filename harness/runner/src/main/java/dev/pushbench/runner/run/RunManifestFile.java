package dev.pushbench.runner.run;

import dev.pushbench.core.Environment;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.scenario.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import java.util.stream.Collectors;

/**
 * Keeps a run's {@code run.json} ({@link RunManifest}): what produced this run (the resolved scenario, commit, JDK, OS, cores, library
 * versions, the clock check) and how far it got. Rewritten at each change so that it is valid at any
 * moment, even after a crash.
 */
final class RunManifestFile {
    private static final String[][] LIBRARIES = {
        {"jetty", "org.eclipse.jetty", "jetty-server"},
        {"jetty-client", "org.eclipse.jetty", "jetty-client"},
        {"vertx", "io.vertx", "vertx-core"},
        {"netty", "io.netty", "netty-transport"},
        {"hdrhistogram", "org.hdrhistogram", "HdrHistogram"},
        {"picocli", "info.picocli", "picocli"},
        {"jackson", "com.fasterxml.jackson.core", "jackson-databind"},
        {"snakeyaml", "org.yaml", "snakeyaml"},
    };

    private final Path file;
    private RunManifest manifest;

    RunManifestFile(Path runDir, Scenario scenario, List<CellPlan> cells) {
        this.file = runDir.resolve("run.json");
        Object osBean = ManagementFactory.getOperatingSystemMXBean();
        Long memoryBytes = osBean instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) osBean).getTotalMemorySize() : null;
        manifest = new RunManifest(runDir.getFileName().toString(), RunManifest.RUNNING, Instant.now().toString(), null,
                new RunManifest.ScenarioInfo(scenario.name(), scenario.description(),
                        scenario.source() == null ? null : scenario.source().toString(), ScenarioJson.toMap(scenario)),
                Environment.git(), Environment.jdk(), Environment.os(), Runtime.getRuntime().availableProcessors(),
                memoryBytes, ProcessStats.maxOpenFiles(), libraries(), scenario.clients().engine().id(),
                scenario.clients().engine().description(), cells.stream().map(CellPlan::name).collect(Collectors.toList()),
                null, null, null, null);
        write();
    }

    /** The options every child JVM gets (heap, GC, and the class-data archive if there is one). */
    void childJvmOptions(List<String> options) {
        manifest = manifest.withChildJvmOptions(options);
        write();
    }

    /** A cluster's run: where its roles run. */
    void cluster(RunManifest.Cluster placement) {
        manifest = manifest.withCluster(placement);
        write();
    }

    void clockCheck(ClockCheck.Result result) {
        manifest = manifest.withClockCheck(new RunManifest.ClockCheck(result.ok(), result.method(), result.detail()));
        write();
    }

    /** @param status {@link RunManifest#COMPLETE}, {@link RunManifest#INTERRUPTED} or {@link RunManifest#FAILED} */
    void finish(String status) {
        manifest = manifest.withStatus(status, Instant.now().toString());
        write();
    }

    private void write() {
        JsonFiles.write(file, manifest);
    }

    private static Map<String, String> libraries() {
        Map<String, String> libs = new LinkedHashMap<>();
        for (String[] lib : LIBRARIES) {
            libs.put(lib[0], mavenVersion(lib[1], lib[2]));
        }
        // picocli's jar carries no pom.properties; it names its version in code
        libs.computeIfPresent("picocli", (name, version) -> "unknown".equals(version) ? CommandLine.VERSION : version);
        return libs;
    }

    /** The version in a dependency's pom.properties (kept in the shaded jar), or "unknown". */
    static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RunManifestFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
