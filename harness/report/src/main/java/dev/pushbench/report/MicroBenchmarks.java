package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.model.JsonFiles;
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

    /** One entry of JMH's JSON, as far as the report reads it. */
    private record JmhEntry(String benchmark, String mode, Integer forks, Integer threads, Map<String, String> params,
                            PrimaryMetric primaryMetric) {
        /** {@code scoreError} is written as the text {@code "NaN"} when JMH cannot compute it (one fork). */
        record PrimaryMetric(Double score, Double scoreError, String scoreUnit) {
        }
    }

    /** One benchmark at one parameter set; {@code scoreError} is JMH's 99.9 % half-width, null when it has none. */
    record Result(String benchmark, String mode, Map<String, String> params, Double score, Double scoreError,
                  String unit, Integer forks, Integer threads) {

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
            root = JsonFiles.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json is unreadable: " + CellRow.describe(e)));
        } catch (IOException e) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json is unreadable: " + e));
        }
        if (root == null || root.isMissingNode() || !root.isArray()) {
            return new MicroBenchmarks(List.of(), List.of("jmh.json should hold a JSON array, found "
                    + (root == null || root.isMissingNode() ? "nothing" : CellRow.describe(root))));
        }
        Set<String> problems = new LinkedHashSet<>();
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            if (!node.isObject()) {
                problems.add("jmh.json[" + i + "] should be an object, found " + CellRow.describe(node));
                continue;
            }
            JmhEntry entry;
            try {
                entry = JsonFiles.readLeniently(node, JmhEntry.class, "jmh.json[" + i + "]", problems::add);
            } catch (JsonProcessingException e) {
                problems.add("jmh.json[" + i + "] is unreadable: " + CellRow.describe(e));
                continue;
            }
            JmhEntry.PrimaryMetric metric = entry.primaryMetric();
            Double score = metric == null ? null : metric.score();
            if (entry.benchmark() == null || score == null) {
                problems.add("jmh.json[" + i + "] has no benchmark name or no primaryMetric.score; skipped");
                continue;
            }
            Double scoreError = metric.scoreError() == null || metric.scoreError().isNaN() ? null : metric.scoreError();
            Map<String, String> params = new LinkedHashMap<>();
            if (entry.params() != null) {
                entry.params().forEach((k, v) -> {
                    if (v != null) {
                        params.put(k, v);
                    }
                });
            }
            results.add(new Result(entry.benchmark(), entry.mode(), params, score, scoreError, metric.scoreUnit(),
                    entry.forks(), entry.threads()));
        }
        return new MicroBenchmarks(List.copyOf(results), List.copyOf(problems));
    }

    /** The results as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Result r : results) {
            out.append("micro: ").append(r.benchmark()).append(" [").append(r.paramsText()).append("] ")
                    .append(r.mode()).append(' ').append(Format.plain(r.score())).append(" \u00b1 ")
                    .append(Format.plain(r.scoreError())).append(' ')
                    .append(r.unit()).append('\n');
        }
        for (String problem : problems) {
            out.append("micro problem: ").append(problem).append('\n');
        }
        return out.toString();
    }
}
