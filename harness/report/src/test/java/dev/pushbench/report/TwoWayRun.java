package dev.pushbench.report;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A two-way run (a chat: 200 members in 10 rooms, each posting every 3 s), written from {@link CellResult} and
 * {@link RunManifest} records with {@link JsonFiles} as the runner writes them, each measured cell with a
 * {@code latency.hlog}, for the golden, report and browser tests:
 *
 * <ul>
 *   <li>Jetty SSE over http1.1 (POST on a second connection, 2 per client) and over h2c (the same connection):
 *       h2c's echo is lower by more than noise, its server CPU per published message within noise;</li>
 *   <li>Jetty WebSocket over http1.1 and h2c (in-band, 1 connection): over http1.1 its echo and bytes up beat SSE +
 *       POST and its CPU is within noise; over h2c it loses on CPU and wins on bytes;</li>
 *   <li>Jetty long polling over http1.1 whose 3 messages failed (flagged, its status still ok);</li>
 *   <li>Jetty short polling over h2c: one-way figures only (no {@code upstream}), left out of the section.</li>
 * </ul>
 */
final class TwoWayRun {
    static final String RUN_ID = "20261129-170000-chat";

    static final String SSE_H1 = "jetty-sse-http1.1";
    static final String SSE_H2C = "jetty-sse-h2c";
    static final String WS_H1 = "jetty-websocket-http1.1";
    static final String WS_H2C = "jetty-websocket-h2c";
    static final String LP_H1 = "jetty-long-polling-http1.1";
    static final String SP_H2C = "jetty-short-polling-h2c";

    private TwoWayRun() {
    }

    /** Writes the run into {@code resultsDir/RUN_ID} and returns its directory. */
    static Path write(Path resultsDir) throws IOException {
        Path runDir = resultsDir.resolve(RUN_ID);
        List<CellResult> cells = new ArrayList<>();
        cells.add(cell(SSE_H1, "sse", "http1.1", 1_400.0, upstream(1_300L, 0L, 900.0, 1_600.0, 5_000.0,
                620.0, 2.0, CellResult.Upstream.POST_SEPARATE, 52.0)));
        cells.add(cell(SSE_H2C, "sse", "h2c", 1_100.0, upstream(1_300L, 0L, 700.0, 1_200.0, 3_900.0,
                410.0, 1.0, CellResult.Upstream.POST_SAME, 50.0)));
        cells.add(cell(WS_H1, "websocket", "http1.1", 900.0, upstream(1_300L, 0L, 500.0, 800.0, 3_000.0,
                330.0, 1.0, CellResult.Upstream.IN_BAND, 49.0)));
        cells.add(cell(WS_H2C, "websocket", "h2c", 1_000.0, upstream(1_300L, 0L, 650.0, 1_150.0, 4_000.0,
                350.0, 1.0, CellResult.Upstream.IN_BAND, 70.0)));
        cells.add(cell(LP_H1, "long-polling", "http1.1", 2_000.0, upstream(1_300L, 3L, 1_100.0, 2_200.0, 9_000.0,
                900.0, 2.0, CellResult.Upstream.POST_SEPARATE, 80.0)));
        cells.add(cell(SP_H2C, "short-polling", "h2c", 500_000.0, null));

        Files.createDirectories(runDir);
        JsonFiles.write(runDir.resolve("run.json"), manifest(cells.stream().map(CellResult::name).toList()));
        for (CellResult cell : cells) {
            Path dir = runDir.resolve("cells").resolve(cell.name());
            Files.createDirectories(dir);
            JsonFiles.write(dir.resolve("summary.json"), cell);
            FaultRun.writeLog(dir.resolve("latency.hlog"), cell.latencyMicros().p50());
        }
        return runDir;
    }

    /** Server CPU per delivered is per published ÷ 20 (a room of 20 receives each message), as the runner's division gives. */
    private static CellResult.Upstream upstream(long published, long failed, double ackP50, double echoP50, double echoP99,
                                                double bytesUp, double connections, String path, double cpuPerPublished) {
        return new CellResult.Upstream(published, published - failed, failed, hist(published - failed, ackP50, ackP50 * 3),
                hist(published - failed, echoP50, echoP99), bytesUp, connections, path, cpuPerPublished,
                cpuPerPublished / 20);
    }

    private static HistogramSummary hist(long count, double p50, double p99) {
        return new HistogramSummary(count, p50 + p50 / 10, p50, (p50 + p99) / 2, p99, p99, p99 * 2);
    }

    private static CellResult cell(String name, String transport, String protocol, double p50, CellResult.Upstream upstream) {
        long delivered = 26_000L - (upstream == null || upstream.failed() == null ? 0 : upstream.failed() * 20);
        CellResult.Costs costs = new CellResult.Costs(
                new CellResult.ProcessCosts(upstream == null ? 3.0 : upstream.serverCpuMicrosPerDelivered(), 5_000L, 5_000L,
                        4_800L, null, 170_000L, 30, null),
                CellResult.ProcessCosts.ofCpu(12.0), new CellResult.Wire(300.0, 20.0, 600_000L, 40_000L, null), null, null,
                null);
        return new CellResult(new CellResult.Cell("jetty", transport, protocol, "none", "sse".equals(transport) ? true : null,
                "none"), name, null, CellStatus.OK, null, "2026-11-29T17:00:01Z", null, null,
                new CellResult.Connections(200L, 200L, 0L, 0L, 0L, 200L, 200L, 0.5),
                new CellResult.Delivery(delivered, delivered, 0L, 0L, 0L, 0L, 0L, 0L),
                new HistogramSummary(delivered, p50 + p50 / 5, p50, p50 * 2, p50 * 3, p50 * 4, p50 * 6),
                null, null, null, null, null, null, null,
                new CellResult.Window(FaultRun.WINDOW_START_NANOS, FaultRun.WINDOW_START_NANOS + 20_000_000_000L, 5.0, 20.0,
                        0.2, 2.0),
                new CellResult.Loadgen(1.0, 20.0, 2, false, 0L, 0L, null, "nio", "pushbench nio", null, 15.0, 35.0, null,
                        null, null, null, null),
                "2026-11-29T17:00:30Z", 29.0, costs, null, new CellResult.Server("Jetty 12.1.14", 1_200L, null, null, 0L, null),
                null, null, null, null, upstream);
    }

    private static RunManifest manifest(List<String> cells) {
        Map<String, Object> resolved = new TreeMap<>(Map.of(
                "clients", new TreeMap<>(Map.of("connections", 200)),
                "feed", new TreeMap<>(Map.of("topics", 10, "ratePerSecond", 0.0, "payloadBytes", 256)),
                "publish", new TreeMap<>(Map.of("ratePerSecond", 0.3333, "payloadBytes", 256, "share", 1.0, "to", "own")),
                "timing", new TreeMap<>(Map.of("warmupMillis", 5000, "durationMillis", 20000, "repeats", 1))));
        return new RunManifest(RUN_ID, RunManifest.COMPLETE, "2026-11-29T17:00:00Z", "2026-11-29T17:10:00Z",
                new RunManifest.ScenarioInfo("chat", null, "chat.yaml", resolved),
                new RunManifest.Git("0123456789abcdef", false), new RunManifest.Jdk("17.0.15", "Debian", "OpenJDK", null),
                new RunManifest.Os("Linux", "6.18", "amd64"), 2, 25_276_026_880L, 20_000L, new TreeMap<>(Map.of("jetty", "12.1.14")),
                "nio", "pushbench nio", cells, null, new RunManifest.ClockCheck(true, "nanoTime bracket", "yes"), null, null);
    }
}
