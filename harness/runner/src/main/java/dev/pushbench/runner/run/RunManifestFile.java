package dev.pushbench.runner.run;

import dev.pushbench.core.Environment;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.runner.scenario.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code run.json}: what produced this run (the resolved scenario, commit, JDK, OS, cores, library
 * versions, the clock check) and how far it got. Rewritten at each change so that it is valid at any
 * moment, even after a crash.
 */
final class RunManifest {
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
    private final Map<String, Object> m = new LinkedHashMap<>();

    RunManifest(Path runDir, Scenario scenario, List<CellPlan> cells) {
        this.file = runDir.resolve("run.json");
        m.put("runId", runDir.getFileName().toString());
        m.put("status", "running");
        m.put("startedAt", ScenarioRunner.now());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", scenario.name());
        s.put("description", scenario.description());
        s.put("file", scenario.source() == null ? null : scenario.source().toString());
        s.put("resolved", ScenarioJson.toMap(scenario));
        m.put("scenario", s);
        m.put("git", Environment.git());
        m.put("jdk", Environment.jdk());
        m.put("os", Environment.os());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        Object osBean = ManagementFactory.getOperatingSystemMXBean();
        if (osBean instanceof com.sun.management.OperatingSystemMXBean) {
            m.put("memoryBytes", ((com.sun.management.OperatingSystemMXBean) osBean).getTotalMemorySize());
        }
        m.put("maxOpenFilesPerProcess", ProcessStats.maxOpenFiles());
        m.put("libraries", libraries());
        m.put("loadgenEngine", scenario.clients().engine().id());
        m.put("loadgenClient", scenario.clients().engine().description());
        m.put("cells", cells.stream().map(CellPlan::name).collect(Collectors.toList()));
        write();
    }

    /** The options every child JVM gets (heap, GC, and the class-data archive if there is one). */
    void childJvmOptions(java.util.List<String> options) {
        m.put("childJvmOptions", options);
        write();
    }

    void clockCheck(ClockCheck.Result result) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ok", result.ok());
        c.put("method", result.method());
        c.put("detail", result.detail());
        m.put("clockCheck", c);
        write();
    }

    void finish(String status) {
        m.put("status", status);
        m.put("finishedAt", ScenarioRunner.now());
        write();
    }

    private void write() {
        Json.write(file, m);
    }

    private static Map<String, Object> libraries() {
        Map<String, Object> libs = new LinkedHashMap<>();
        for (String[] lib : LIBRARIES) {
            libs.put(lib[0], mavenVersion(lib[1], lib[2]));
        }
        return libs;
    }

    /** The version in a dependency's pom.properties (kept in the shaded jar), or "unknown". */
    static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RunManifest.class.getResourceAsStream(resource)) {
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
