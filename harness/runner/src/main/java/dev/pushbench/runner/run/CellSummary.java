package dev.pushbench.runner.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds one cell's {@code summary.json} (DESIGN §5: the field names are the contract between the
 * runner, the report and the checks) from what the server and the load generator reported.
 */
final class CellSummary {
    private final Map<String, Object> m = new LinkedHashMap<>();
    private final Map<String, Object> server = new LinkedHashMap<>();
    private final Map<String, Object> serverProcess = new LinkedHashMap<>();
    private final List<Map<String, Object>> memoryPoints = new ArrayList<>();
    private Map<String, Object> loadCosts = Map.of();
    private Map<String, Object> loadgenIdle = Map.of();

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

    /** One memory point: the load generator's stats (after GC) and the server's, at the same connection count. */
    void memoryPoint(Map<String, Object> line, Map<String, Object> serverStats, boolean settled) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("connections", line.get("connections"));
        p.put("settled", settled);
        p.put("server", Json.map(serverStats, "process"));
        p.put("serverPublished", serverStats.get("published"));
        p.put("serverHistoryBytes", serverStats.get("historyBytes"));
        p.put("loadgen", Json.map(line, "process"));
        memoryPoints.add(p);
    }

    /** The load generator's result: connections, delivery, latency, polling, window, loadgen health. */
    void load(Map<String, Object> result) {
        loadCosts = Json.map(result, "costs");
        loadgenIdle = Json.map(result, "idle");
        for (String key : List.of("connections", "delivery", "latencyMicros", "latencyActualMicros", "connectMicros",
                "tcpConnectMicros", "tlsHandshakeMicros",
                "pollMicros", "polling", "window")) {
            if (result.containsKey(key)) {
                m.put(key, result.get(key));
            }
        }
        Map<String, Object> loadgen = new LinkedHashMap<>(Json.map(result, "loadgen"));
        loadgen.put("process", result.get("process"));
        m.put("loadgen", loadgen);
        markMachineSaturation(loadgen);
    }

    /**
     * On one machine the load generator is starved as soon as both processes together use nearly all
     * cores, whatever its own share: then it is marked saturated too, with the server's CPU beside it.
     */
    private void markMachineSaturation(Map<String, Object> loadgen) {
        Map<String, Object> start = Json.map(serverProcess, "measureStart");
        Map<String, Object> end = Json.map(serverProcess, "measureEnd");
        if (!start.containsKey("cpuNanos") || !end.containsKey("cpuNanos") || !(loadgen.get("cpuPercent") instanceof Number)) {
            return;
        }
        double wall = Json.longOf(end, "nanoTime") - Json.longOf(start, "nanoTime");
        if (wall <= 0) {
            return;
        }
        double serverPercent = 100.0 * (Json.longOf(end, "cpuNanos") - Json.longOf(start, "cpuNanos")) / wall;
        double total = serverPercent + ((Number) loadgen.get("cpuPercent")).doubleValue();
        int cores = loadgen.get("cores") instanceof Number ? ((Number) loadgen.get("cores")).intValue() : Runtime.getRuntime().availableProcessors();
        loadgen.put("serverCpuPercent", round3(serverPercent));
        loadgen.put("machineCpuPercent", round3(total));
        if (Boolean.TRUE.equals(loadgen.get("saturated"))) {
            loadgen.put("saturatedBecause", "the load generator used " + loadgen.get("cpuPercent") + " % CPU of " + cores + " cores");
        } else if (total >= 90.0 * cores) {
            loadgen.put("saturated", true);
            loadgen.put("saturatedBecause", "server and load generator together used " + Math.round(total) + " % CPU of "
                    + cores * 100 + " % (" + cores + " cores): the generator competed for CPU");
        }
    }

    void serverEnd(Map<String, Object> stats) {
        server.put("published", stats.get("published"));
        server.put("publisherLagMicros", stats.get("publisherLagMicros"));
        server.put("counters", stats.get("counters"));
        server.put("listenerFailures", stats.get("listenerFailures"));
        serverProcess.put("end", Json.map(stats, "process"));
    }

    /**
     * The cost ledger (DESIGN §5 {@code costs}): CPU per delivered message for each process over the
     * measured window, memory per connection as the median slope between neighbouring memory points, and
     * the wire and polling figures the load generator counted at its sockets.
     */
    private Map<String, Object> costs() {
        Map<String, Object> costs = new LinkedHashMap<>();
        Map<String, Object> d = Json.map(m, "delivery");
        Object delivered = d.get("delivered");
        Map<String, Object> server = new LinkedHashMap<>();
        Map<String, Object> start = Json.map(serverProcess, "measureStart");
        Map<String, Object> end = Json.map(serverProcess, "measureEnd");
        if (delivered instanceof Number && ((Number) delivered).longValue() > 0 && start.containsKey("cpuNanos") && end.containsKey("cpuNanos")) {
            double cpuMicros = (Json.longOf(end, "cpuNanos") - Json.longOf(start, "cpuNanos")) / 1000.0;
            server.put("cpuMicrosPerMessage", round3(cpuMicros / ((Number) delivered).longValue()));
        }
        Map<String, Object> loadgen = new LinkedHashMap<>(Json.map(loadCosts, "loadgen"));
        // heap and direct memory are freed when connections close: the median slope between neighbouring memory points
        // the feed goes on publishing while the points are read, and until the topics' history is
        // full each event adds to the server's heap: that part (counted by the server) is taken out
        // a point read before the server had noticed its closed connections would count them as held
        putSlope(server, "heapBytesPerConnection", p -> !settled(p) ? null
                : minus(Json.map(p, "server").get("heapUsedBytes"), p.get("serverHistoryBytes")));
        putSlope(server, "directBytesPerConnection", p -> !settled(p) ? null : Json.map(p, "server").get("directBytes"));
        long unsettled = memoryPoints.stream().filter(p -> !settled(p)).count();
        if (unsettled > 0) {
            server.put("memoryNote", unsettled + " of " + memoryPoints.size() + " memory points were read before the server"
                    + " had noticed its closed connections (10 s); they are left out of its memory per connection"
                    + (unsettled > memoryPoints.size() - 2 ? ", which is therefore not given" : "")
                    + ". A server that learns of a closed stream only when it next writes to it needs events or"
                    + " heartbeats more often than that");
        }
        putSlope(loadgen, "directBytesPerConnection", p -> Json.map(p, "loadgen").get("directBytes"));
        if (!memoryPoints.isEmpty()) {
            Map<String, Object> top = memoryPoints.get(0);
            // RSS rarely shrinks when memory is freed, so it is read on the way up: idle (before any
            // subscriber) to all connected; it includes whatever else the process grew by in between
            putPerConnection(server, "rssBytesPerConnection", "rssBytes", Json.map(serverProcess, "idle"), Json.map(top, "server"), top.get("connections"));
            putPerConnection(loadgen, "rssBytesPerConnection", "rssBytes", loadgenIdle, Json.map(top, "loadgen"), top.get("connections"));
            // the load generator keeps each subscriber's bookkeeping after closing it, so a slope on the way
            // down would miss it: its heap per connection is read on the way up, idle (after GC) to all live
            putPerConnection(loadgen, "heapBytesPerConnection", "heapUsedBytes", loadgenIdle, Json.map(top, "loadgen"), top.get("connections"));
            server.put("threadsAtLoad", Json.map(top, "server").get("threads"));
            loadgen.put("threadsAtLoad", Json.map(top, "loadgen").get("threads"));
        }
        costs.put("server", server);
        costs.put("loadgen", loadgen);
        if (loadCosts.containsKey("wire")) {
            costs.put("wire", loadCosts.get("wire"));
        }
        if (loadCosts.containsKey("polling")) {
            costs.put("polling", loadCosts.get("polling"));
        }
        return costs;
    }

    /** Puts the slope of {@code y} over the memory points' connection counts, if there are two or more. */
    private void putSlope(Map<String, Object> into, String name, Function<Map<String, Object>, Object> y) {
        List<double[]> xy = new ArrayList<>();
        for (Map<String, Object> p : memoryPoints) {
            Object x = p.get("connections");
            Object v = y.apply(p);
            if (x instanceof Number && v instanceof Number && ((Number) v).longValue() >= 0) {
                xy.add(new double[] {((Number) x).doubleValue(), ((Number) v).doubleValue()});
            }
        }
        Double slope = slope(xy);
        if (slope != null) {
            into.put(name, Math.round(slope));
        }
    }

    private static boolean settled(Map<String, Object> point) {
        return !Boolean.FALSE.equals(point.get("settled"));
    }

    /** {@code a − b}, or {@code a} when {@code b} is absent; null without {@code a}. */
    private static Object minus(Object a, Object b) {
        if (!(a instanceof Number)) {
            return null;
        }
        return b instanceof Number ? ((Number) a).longValue() - ((Number) b).longValue() : a;
    }

    /** (key when loaded − key when idle) ÷ connections, when both readings exist. */
    private static void putPerConnection(Map<String, Object> into, String name, String key, Map<String, Object> idle,
                                         Map<String, Object> loaded, Object connections) {
        Object before = idle.get(key);
        Object after = loaded.get(key);
        if (before instanceof Number && after instanceof Number && connections instanceof Number
                && ((Number) connections).longValue() > 0 && ((Number) before).longValue() > 0) {
            into.put(name, Math.round((((Number) after).doubleValue() - ((Number) before).doubleValue()) / ((Number) connections).doubleValue()));
        }
    }

    /**
     * Memory per connection from the memory points: the median of the slopes between neighbouring
     * points (by connection count). Each step down closes a quarter of the connections, so each
     * slope is one estimate of what a connection holds. One disturbed reading (a late free, a pool
     * that grew) moves the two slopes beside it in opposite directions, and a one-off change
     * between two readings that no connection caused (something freed or allocated mid-sweep) moves
     * one slope: either way the median of the four stays on the undisturbed ones. The median of
     * every pair's slope (Theil–Sen), used before, survives the first but not the second: a one-off
     * change of S bytes before the middle point raises it by about S / N. Null when connections do
     * not vary.
     */
    static Double slope(List<double[]> xy) {
        List<double[]> byConnections = new ArrayList<>(xy);
        byConnections.sort(Comparator.comparingDouble(p -> p[0]));
        List<Double> slopes = new ArrayList<>();
        for (int i = 1; i < byConnections.size(); i++) {
            double dx = byConnections.get(i)[0] - byConnections.get(i - 1)[0];
            if (dx != 0) {
                slopes.add((byConnections.get(i)[1] - byConnections.get(i - 1)[1]) / dx);
            }
        }
        if (slopes.isEmpty()) {
            return null;
        }
        Collections.sort(slopes);
        int m = slopes.size();
        return m % 2 == 1 ? slopes.get(m / 2) : (slopes.get(m / 2 - 1) + slopes.get(m / 2)) / 2;
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    Map<String, Object> write(Path file) {
        if ("ok".equals(m.get("status")) || !loadCosts.isEmpty()) {
            m.put("costs", costs());
        }
        if (!memoryPoints.isEmpty()) {
            m.put("memoryPoints", memoryPoints);
        }
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
        Object late = d.get("late");
        return String.format("ok   delivered %s/%s lost %s%s dup %s  latency p50 %s p99 %s max %s  (%.0f s)",
                d.get("delivered"), d.get("expected"), d.get("lost"),
                late instanceof Number && ((Number) late).longValue() > 0 ? " late " + late : "", d.get("duplicated"),
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
