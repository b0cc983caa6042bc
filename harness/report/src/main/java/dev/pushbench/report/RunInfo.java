package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run's {@code run.json} says, read leniently into the results model ({@link RunManifest}) and
 * flattened for the pages: any field may be absent ({@code null}) because an interrupted run writes what
 * it had. {@code cells} is {@code null} when run.json lists none. {@code problems} name fields of the wrong
 * type, or why run.json could not be read at all.
 */
record RunInfo(
        String runId,
        String status,
        String startedAt,
        String finishedAt,
        String scenarioName,
        String description,
        String scenarioFile,
        String resolvedScenarioJson,
        String gitCommit,
        Boolean gitDirty,
        String jdkVersion,
        String jdkVendor,
        String jdkVm,
        String osName,
        String osVersion,
        String osArch,
        Integer cores,
        Long memoryBytes,
        Map<String, String> libraries,
        String loadgenEngine,
        String loadgenClient,
        Boolean clockOk,
        String clockMethod,
        String clockDetail,
        List<String> cells,
        Workload workload,
        List<String> problems) {

    /** The resolved scenario's shape, for the line above the verdict; any figure may be absent. */
    record Workload(Long connections, Long topics, Double ratePerSecond, Long payloadBytes, Long warmupMillis,
                    Long durationMillis, Long repeats, Publish publish) {

        static final Workload NONE = new Workload(null, null, null, null, null, null, null, null);

        /** {@code 20 connections · 2 topics × 20/s · 64 B payload · measured 3 s after 1 s warm-up}, or null. */
        String describe() {
            List<String> parts = new ArrayList<>();
            if (connections != null) {
                parts.add(Format.count(connections) + " connections");
            }
            if (topics != null) {
                parts.add(Format.count(topics) + (topics == 1 ? " topic" : " topics")
                        + (ratePerSecond == null ? "" : " \u00d7 " + Format.plain(ratePerSecond) + " events/s"));
            }
            if (payloadBytes != null) {
                parts.add(Format.bytes(payloadBytes) + " payload");
            }
            if (publish != null && publish.ratePerSecond() != null) {
                boolean all = publish.share() == null || publish.share() >= 1;
                parts.add((all ? "every subscriber" : Format.plain(publish.share()) + " of the subscribers")
                        + " publishing " + Format.significant(publish.ratePerSecond()) + "/s"
                        + (publish.payloadBytes() == null ? "" : " × " + Format.bytes(publish.payloadBytes()))
                        + ("random".equals(publish.to()) ? " to a random room" : " to its room"));
            }
            if (durationMillis != null) {
                parts.add("measured " + Format.micros(durationMillis * 1_000.0)
                        + (warmupMillis == null ? "" : " after " + Format.micros(warmupMillis * 1_000.0)
                        + " warm-up"));
            }
            if (repeats != null && repeats > 1) {
                parts.add(repeats + " repeats per cell");
            }
            return parts.isEmpty() ? null : String.join(" \u00b7 ", parts);
        }
    }

    /**
     * The part of {@code scenario.resolved} the report reads. The scenario itself belongs to the runner
     * (its YAML and defaults), so run.json stores it as a free-form object and these names are the contract.
     */
    private record ResolvedScenario(Clients clients, Feed feed, Timing timing, Publish publish) {
        record Clients(Long connections) {
        }

        record Feed(Long topics, Double ratePerSecond, Long payloadBytes) {
        }

        record Timing(Long warmupMillis, Long durationMillis, Long repeats) {
        }
    }

    /** {@code scenario.resolved.publish}: what a two-way scenario's subscribers published; absent for one-way runs. */
    record Publish(Double ratePerSecond, Long payloadBytes, Double share, String to) {
    }

    static final String FILE = "run.json";

    /** Reads {@code runDir/run.json}; never throws for content, only reports it in {@code problems}. */
    static RunInfo read(Path runDir) {
        Path file = runDir.resolve(FILE);
        JsonNode root;
        try {
            root = JsonFiles.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return unreadable("run.json is unreadable: " + CellRow.describe(e));
        } catch (IOException e) {
            return unreadable("run.json is unreadable: " + e);
        }
        if (root == null || root.isMissingNode()) {
            return unreadable("run.json is empty");
        }
        if (!root.isObject()) {
            return unreadable("run.json should hold a JSON object, found " + CellRow.describe(root));
        }
        Set<String> problems = new LinkedHashSet<>();
        RunManifest m;
        Workload workload = Workload.NONE;
        String resolvedJson = null;
        try {
            m = JsonFiles.readLeniently(root, RunManifest.class, FILE, problems::add);
            JsonNode resolved = root.path("scenario").path("resolved");
            if (resolved.isObject()) {
                resolvedJson = JsonFiles.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(resolved);
                ResolvedScenario s = JsonFiles.readLeniently(resolved, ResolvedScenario.class, FILE + ": scenario.resolved",
                        problems::add);
                workload = new Workload(
                        s.clients() == null ? null : s.clients().connections(),
                        s.feed() == null ? null : s.feed().topics(),
                        s.feed() == null ? null : s.feed().ratePerSecond(),
                        s.feed() == null ? null : s.feed().payloadBytes(),
                        s.timing() == null ? null : s.timing().warmupMillis(),
                        s.timing() == null ? null : s.timing().durationMillis(),
                        s.timing() == null ? null : s.timing().repeats(), s.publish());
            }
        } catch (JsonProcessingException e) {
            return unreadable("run.json is unreadable: " + CellRow.describe(e));
        }
        RunManifest.ScenarioInfo scenario = m.scenario();
        RunManifest.Git git = m.git();
        RunManifest.Jdk jdk = m.jdk();
        RunManifest.Os os = m.os();
        RunManifest.ClockCheck clock = m.clockCheck();
        return new RunInfo(
                m.runId(),
                m.status(),
                m.startedAt(),
                m.finishedAt(),
                scenario == null ? null : scenario.name(),
                scenario == null ? null : scenario.description(),
                scenario == null ? null : scenario.file(),
                resolvedJson,
                git == null ? null : git.commit(),
                git == null ? null : git.dirty(),
                jdk == null ? null : jdk.version(),
                jdk == null ? null : jdk.vendor(),
                jdk == null ? null : jdk.vm(),
                os == null ? null : os.name(),
                os == null ? null : os.version(),
                os == null ? null : os.arch(),
                m.cores(),
                m.memoryBytes(),
                libraries(m.libraries()),
                m.loadgenEngine(),
                m.loadgenClient(),
                clock == null ? null : clock.ok(),
                clock == null ? null : clock.method(),
                clock == null ? null : clock.detail(),
                m.cells() == null ? null : m.cells().stream().filter(java.util.Objects::nonNull).toList(),
                workload,
                List.copyOf(problems));
    }

    /** The libraries whose versions are text; a mistyped one is already a problem. */
    private static Map<String, String> libraries(Map<String, String> read) {
        if (read == null) {
            return null;
        }
        Map<String, String> libraries = new java.util.LinkedHashMap<>();
        read.forEach((library, version) -> {
            if (version != null) {
                libraries.put(library, version);
            }
        });
        return libraries;
    }

    private static RunInfo unreadable(String problem) {
        return new RunInfo(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, Workload.NONE,
                List.of(problem));
    }
}
