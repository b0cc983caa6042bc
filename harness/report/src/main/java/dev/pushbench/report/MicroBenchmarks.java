package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's JMH results, when its directory holds {@code jmh.json} (JMH's own JSON result format, as
 * {@code -rf json} writes it: a list of {@code {benchmark, mode, params, primaryMetric {score,
 * scoreError, scoreUnit}, …}}). Read leniently: an entry the report cannot read becomes a problem, and
 * the others are still shown.
 *
 * <pre>
 *   MicroBenchmarks micro = MicroBenchmarks.read(runDir);   // null when there is no jmh.json
 *   micro.results();
 * </pre>
 */
record MicroBenchmarks(List<Result> results, List<String> problems) {

    static final String FILE = "jmh.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One benchmark at one parameter set; {@code scoreError} is JMH's 99.9 % half-width, NaN when it has none. */
    record Result(String benchmark, String mode, Map<String, String> params, Num score, Num scoreError,
                  String unit, Num forks, Num threads) {

        /** {@code dev.pushbench.micro.SseParserBench.parse} → {@code SseParserBench.parse}. */
        String shortName() {
            String[] parts = benchmark.split("\\.");
            return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
        }

        String paramsText() {
            List<String> pairs = new ArrayList<>();
            params.forEach((k, v) -> pairs.add(k + "=" + v));
            return String.join(", ", pairs);
        }
    }

    /** {@code null} when {@code runDir} holds no jmh.json. */
    static MicroBenchmarks read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json is unreadable: " + CellSummary.describe(e)));
        } catch (IOException e) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json is unreadable: " + e));
        }
        if (root == null || root.isMissingNode() || !root.isArray()) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json should hold a JSON array, found "
                    + (root == null || root.isMissingNode() ? "nothing" : Fields.describe(root))));
        }
        Set<String> problems = new LinkedHashSet<>();
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            if (!entry.isObject()) {
                problems.add("jmh.json[" + i + "] should be an object, found " + Fields.describe(entry));
                continue;
            }
            Fields f = new Fields(entry, "jmh.json[" + i + "]", problems);
            String benchmark = f.text("benchmark");
            Num score = f.number("primaryMetric.score");
            if (benchmark == null || score == null) {
                problems.add("jmh.json[" + i + "] has no benchmark name or no primaryMetric.score; skipped");
                continue;
            }
            Map<String, String> params = f.textMap("params");
            // JMH writes "NaN" as a string when a score error cannot be computed (a single fork).
            JsonNode error = f.node("primaryMetric.scoreError");
            Num scoreError = error != null && error.isNumber() ? f.number("primaryMetric.scoreError") : null;
            results.add(new Result(benchmark, f.text("mode"), params == null ? Map.of() : new LinkedHashMap<>(params),
                    score, scoreError, f.text("primaryMetric.scoreUnit"), f.number("forks"), f.number("threads")));
        }
        return new MicroBenchmarks(List.copyOf(results), List.copyOf(problems));
    }

    /** The results as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Result r : results) {
            out.append("micro: ").append(r.benchmark()).append(" [").append(r.paramsText()).append("] ")
                    .append(r.mode()).append(' ').append(r.score().raw()).append(" \u00b1 ")
                    .append(r.scoreError() == null ? Units.ABSENT : r.scoreError().raw()).append(' ')
                    .append(r.unit()).append('\n');
        }
        for (String problem : problems) {
            out.append("micro problem: ").append(problem).append('\n');
        }
        return out.toString();
    }
}
