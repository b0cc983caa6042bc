package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
        Boolean clockOk,
        String clockMethod,
        String clockDetail,
        List<String> cells,
        List<String> problems) {

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
                f.bool("clockCheck.ok"),
                f.text("clockCheck.method"),
                f.text("clockCheck.detail"),
                f.texts("cells"),
                List.copyOf(problems));
    }

    private static RunManifest unreadable(String problem) {
        return new RunManifest(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, List.of(problem));
    }
}
