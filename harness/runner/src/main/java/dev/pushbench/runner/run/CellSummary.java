package dev.pushbench.runner.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one cell's {@code summary.json} (DESIGN §5: the field names are the contract between the
 * runner, the report and the checks) from what the server and the load generator reported.
 */
final class CellSummary {
    private final Map<String, Object> m = new LinkedHashMap<>();
    private final Map<String, Object> server = new LinkedHashMap<>();
    private final Map<String, Object> serverProcess = new LinkedHashMap<>();

    CellSummary(CellPlan cell) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("stack", cell.stack());
        c.put("transport", cell.transport().id());
        c.put("protocol", cell.protocol().id());
        m.put("cell", c);
        m.put("name", cell.name());
        m.put("repeat", cell.repeat());
        m.put("status", "failed");
        m.put("reason", "did not finish");
        m.put("startedAt", ScenarioRunner.now());
    }

    void unsupported(String reason) {
        m.put("status", "unsupported");
        m.put("reason", reason);
    }

    void failed(String reason) {
        m.put("status", "failed");
        m.put("reason", reason);
    }

    void ok() {
        m.put("status", "ok");
        m.put("reason", null);
    }

    /**
     * A cell whose subscribers did not all connect, or that was owed no event at all, measured
     * something else than the scenario asked for: it is failed, with its figures kept for diagnosis.
     */
    void checkValidity() {
        Map<String, Object> c = Json.map(m, "connections");
        Map<String, Object> d = Json.map(m, "delivery");
        if (c.isEmpty() || d.isEmpty()) {
            failed("the load generator reported no connection or delivery figures");
            return;
        }
        long target = Json.longOf(c, "target");
        long connected = Json.longOf(c, "connected");
        if (connected < target) {
            Object error = Json.map(m, "loadgen").get("lastError");
            failed("only " + connected + " of " + target + " subscribers were live by the end of the ramp ("
                    + Json.longOf(c, "connectFailures") + " connect failures" + (error == null ? "" : "; last: " + error) + ")");
            return;
        }
        if (Json.longOf(d, "expected") == 0) {
            failed("no event was owed to any subscriber in the measured window: the feed rate or the duration is too low to measure");
        }
    }

    void durationSeconds(double seconds) {
        m.put("finishedAt", ScenarioRunner.now());
        m.put("durationSeconds", Math.round(seconds * 10) / 10.0);
    }

    void server(String key, Object value) {
        server.put(key, value);
    }

    void clock(boolean ok, long before, long theirs, long after) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ok", ok);
        c.put("runnerBeforeNanos", before);
        c.put("serverNanos", theirs);
        c.put("runnerAfterNanos", after);
        m.put("clock", c);
    }

    void verify(List<String> failures) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("passed", failures.isEmpty());
        v.put("failures", new ArrayList<>(failures));
        m.put("verify", v);
    }

    void serverProcess(String when, Map<String, Object> stats) {
        serverProcess.put(when, Json.map(stats, "process"));
    }

    /** The load generator's result: connections, delivery, latency, polling, window, loadgen health. */
    void load(Map<String, Object> result) {
        for (String key : List.of("connections", "delivery", "latencyMicros", "latencyActualMicros", "connectMicros",
                "pollMicros", "polling", "window")) {
            if (result.containsKey(key)) {
                m.put(key, result.get(key));
            }
        }
        Map<String, Object> loadgen = new LinkedHashMap<>(Json.map(result, "loadgen"));
        loadgen.put("process", result.get("process"));
        m.put("loadgen", loadgen);
    }

    void serverEnd(Map<String, Object> stats) {
        server.put("published", stats.get("published"));
        server.put("publisherLagMicros", stats.get("publisherLagMicros"));
        server.put("counters", stats.get("counters"));
        server.put("listenerFailures", stats.get("listenerFailures"));
        serverProcess.put("end", Json.map(stats, "process"));
    }

    Map<String, Object> write(Path file) {
        if (!serverProcess.isEmpty()) {
            server.put("process", serverProcess);
        }
        if (!server.isEmpty()) {
            m.put("server", server);
        }
        Json.write(file, m);
        return m;
    }

    /** The progress line printed when a cell ends. */
    static String oneLine(Map<String, Object> s) {
        String status = String.valueOf(s.get("status"));
        if (!"ok".equals(status)) {
            return status + ": " + s.get("reason");
        }
        Map<String, Object> d = Json.map(s, "delivery");
        Map<String, Object> l = Json.map(s, "latencyMicros");
        return String.format("ok   delivered %s/%s lost %s dup %s  latency p50 %s p99 %s max %s  (%.0f s)",
                d.get("delivered"), d.get("expected"), d.get("lost"), d.get("duplicated"),
                micros(l.get("p50")), micros(l.get("p99")), micros(l.get("max")),
                ((Number) s.getOrDefault("durationSeconds", 0)).doubleValue());
    }

    static String micros(Object value) {
        if (!(value instanceof Number)) {
            return "-";
        }
        double us = ((Number) value).doubleValue();
        if (us >= 1_000_000) {
            return String.format("%.2fs", us / 1e6);
        }
        if (us >= 1000) {
            return String.format("%.1fms", us / 1e3);
        }
        return String.format("%.0fµs", us);
    }
}
