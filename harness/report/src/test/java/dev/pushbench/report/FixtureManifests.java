package dev.pushbench.report;

import dev.pushbench.model.result.RunManifest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code run.json} of a fixture run built from records: one machine's fixed environment, the run's own
 * name, times and resolved scenario. Ordered maps: the resolved scenario is shown in the page, which a golden
 * file seals.
 *
 * <pre>
 *   RunManifest m = FixtureManifests.of(RUN_ID, RunManifest.COMPLETE, "2026-11-29T12:00:00Z", "2026-11-29T12:03:00Z",
 *           "flaky", "flaky.yaml", FixtureManifests.resolved(100, 5, 20.0, 256, 1000, 10000, 1), JETTY, cells);
 * </pre>
 */
final class FixtureManifests {
    static final Map<String, String> JETTY = Map.of("jetty", "12.1.14");
    static final Map<String, String> BOTH_STACKS = Map.of("jetty", "12.1.14", "vertx", "5.0.5");

    private FixtureManifests() {
    }

    /** The resolved scenario's clients, feed and timing. */
    static Map<String, Object> resolved(int connections, int topics, double ratePerSecond, int payloadBytes, int warmupMillis,
                                        int durationMillis, int repeats) {
        return new TreeMap<>(Map.of(
                "clients", new TreeMap<>(Map.of("connections", connections)),
                "feed", new TreeMap<>(Map.of("topics", topics, "ratePerSecond", ratePerSecond, "payloadBytes", payloadBytes)),
                "timing", new TreeMap<>(Map.of("warmupMillis", warmupMillis, "durationMillis", durationMillis, "repeats", repeats))));
    }

    static RunManifest of(String runId, String status, String startedAt, String finishedAt, String name, String file,
                          Map<String, Object> resolved, Map<String, String> libraries, List<String> cells) {
        return new RunManifest(runId, status, startedAt, finishedAt, new RunManifest.ScenarioInfo(name, null, file, resolved),
                new RunManifest.Git("0123456789abcdef", false), new RunManifest.Jdk("17.0.15", "Debian", "OpenJDK", null),
                new RunManifest.Os("Linux", "6.18", "amd64"), 2, 25_276_026_880L, 20_000L, new TreeMap<>(libraries), "nio",
                "pushbench nio", cells, null, new RunManifest.ClockCheck(true, "nanoTime bracket", "yes"), null, null);
    }
}
