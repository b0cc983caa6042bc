package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run's {@code run.json} says, read leniently: any field may be absent ({@code null}) because an
 * interrupted run writes what it had. {@code cells} is {@code null} when run.json lists none.
 * {@code problems} name fields of the wrong type, or why run.json could not be read at all.
 */
record RunManifest(
        String runId,
        String status,
        String reason,
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
        Num cores,
        Num memoryBytes,
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
    record Workload(Num connections, Num topics, Num ratePerSecond, Num payloadBytes, Num warmupMillis,
                    Num durationMillis, Num repeats) {

        /** {@code 20 connections · 2 topics × 20/s · 64 B payload · measured 3 s after 1 s warm-up}, or null. */
        String describe() {
            List<String> parts = new ArrayList<>();
            if (connections != null) {
                parts.add(Units.count(connections) + " connections");
            }
            if (topics != null) {
                parts.add(Units.count(topics) + (topics.value() == 1 ? " topic" : " topics")
                        + (ratePerSecond == null ? "" : " \u00d7 " + ratePerSecond.raw() + " events/s"));
            }
            if (payloadBytes != null) {
                parts.add(Units.bytes(payloadBytes) + " payload");
            }
            if (durationMillis != null) {
                parts.add("measured " + Units.micros(durationMillis.value() * 1_000)
                        + (warmupMillis == null ? "" : " after " + Units.micros(warmupMillis.value() * 1_000)
                        + " warm-up"));
            }
            if (repeats != null && repeats.value() > 1) {
                parts.add(repeats.raw() + " repeats per cell");
            }
            return parts.isEmpty() ? null : String.join(" \u00b7 ", parts);
        }
    }

    static final String FILE = "run.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Reads {@code runDir/run.json}; never throws for content, only reports it in {@code problems}. */
    static RunManifest read(Path runDir) {
        Path file = runDir.resolve(FILE);
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return unreadable("run.json is unreadable: " + CellSummary.describe(e));
        } catch (IOException e) {
            return unreadable("run.json is unreadable: " + e);
        }
        if (root == null || root.isMissingNode()) {
            return unreadable("run.json is empty");
        }
        if (!root.isObject()) {
            return unreadable("run.json should hold a JSON object, found " + Fields.describe(root));
        }
        Set<String> problems = new LinkedHashSet<>();
        Fields f = new Fields(root, FILE, problems);
        JsonNode resolved = f.node("scenario.resolved");
        String resolvedJson = null;
        if (resolved != null) {
            try {
                resolvedJson = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(resolved);
            } catch (JsonProcessingException e) {
                problems.add("run.json: scenario.resolved cannot be shown: " + e.getOriginalMessage());
            }
        }
        return new RunManifest(
                f.text("runId"),
                f.text("status"),
                f.text("reason"),
                f.text("startedAt"),
                f.text("finishedAt"),
                f.text("scenario.name"),
                f.text("scenario.description"),
                f.text("scenario.file"),
                resolvedJson,
                f.text("git.commit"),
                f.bool("git.dirty"),
                f.text("jdk.version"),
                f.text("jdk.vendor"),
                f.text("jdk.vm"),
                f.text("os.name"),
                f.text("os.version"),
                f.text("os.arch"),
                f.number("cores"),
                f.number("memoryBytes"),
                f.textMap("libraries"),
                f.text("loadgenEngine"),
                f.text("loadgenClient"),
                f.bool("clockCheck.ok"),
                f.text("clockCheck.method"),
                f.text("clockCheck.detail"),
                f.texts("cells"),
                new Workload(
                        f.number("scenario.resolved.clients.connections"),
                        f.number("scenario.resolved.feed.topics"),
                        f.number("scenario.resolved.feed.ratePerSecond"),
                        f.number("scenario.resolved.feed.payloadBytes"),
                        f.number("scenario.resolved.timing.warmupMillis"),
                        f.number("scenario.resolved.timing.durationMillis"),
                        f.number("scenario.resolved.timing.repeats")),
                List.copyOf(problems));
    }

    private static RunManifest unreadable(String problem) {
        return new RunManifest(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null,
                new Workload(null, null, null, null, null, null, null), List.of(problem));
    }
}
