package dev.pushbench.report;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A run with faults on a schedule and an emulated link, written from {@link CellResult} and {@link RunManifest}
 * records with {@link JsonFiles}, as the runner writes them, each measured cell with a {@code latency.hlog}, for the
 * golden, report and browser tests:
 *
 * <ul>
 *   <li>Jetty SSE and WebSocket over http1.1 across a {@code 4g} link (the relay's costs recorded), each given a
 *       cut (reset) at 3 s and a blackhole at 6 s; SSE with a 2 s heartbeat notices the blackhole sooner and is
 *       stale less per hit than WebSocket, which lost events across its reconnects;</li>
 *   <li>Jetty SSE and long polling over http1.1 on loopback, each given a server restart at 5 s: events due while
 *       the server was down are lost in the outage, the reconnect peak at the server is recorded; long polling is
 *       stale less per hit;</li>
 *   <li>Jetty short polling over http1.1 on loopback with no fault;</li>
 *   <li>Jetty SSE over h2c across {@code 4g} with a cut (drop) whose summary has no {@code atNanos} (its planned
 *       time is used), failed before its window: its log holds the ramp's connect intervals only, so its fault
 *       cannot be marked on the chart.</li>
 * </ul>
 *
 * <p>Every log starts at {@link #LOG_START_MILLIS}; the window begins 2 s into it (the first interval holding
 * latency), at {@link #WINDOW_START_NANOS} on the shared clock, so a fault at {@code WINDOW_START_NANOS + 3.02 s}
 * is drawn at x = 5.02 s.
 */
final class FaultRun {
    static final String RUN_ID = "20261129-120000-faults";

    static final String SSE_4G = "jetty-sse-http1.1-4g";
    static final String WS_4G = "jetty-websocket-http1.1-4g";
    static final String SSE_RESTART = "jetty-sse-http1.1";
    static final String LP_RESTART = "jetty-long-polling-http1.1";
    static final String SP_CALM = "jetty-short-polling-http1.1";
    static final String SSE_H2C_FAILED = "jetty-sse-h2c-4g";

    static final long LOG_START_MILLIS = 1_795_000_000_000L;
    static final long WINDOW_START_NANOS = 50_000_000_000L;
    static final double WINDOW_INTO_LOG_SECONDS = 2.0;
    static final int LOG_SECONDS = 14;

    static final CellResult.Link FOUR_G = new CellResult.Link("4g", 150.0, 20.0, 8_000_000L, 2_000_000L, 30.0, 500.0,
            1500);

    private FaultRun() {
    }

    /** Writes the run into {@code resultsDir/RUN_ID} and returns its directory. */
    static Path write(Path resultsDir) throws IOException {
        Path runDir = resultsDir.resolve(RUN_ID);
        List<CellResult> cells = new ArrayList<>();
        List<CellResult.Fault> cutAndBlackhole = List.of(
                new CellResult.Fault("cut", "reset", 3.0, WINDOW_START_NANOS + 3_020_000_000L, 50L, null, null),
                new CellResult.Fault("blackhole", null, 6.0, WINDOW_START_NANOS + 6_010_000_000L, 50L, null, null));
        cells.add(cell(SSE_4G, new CellResult.Cell("jetty", "sse", "http1.1", "none", true, "4g"), 160_000.0,
                resilience(100L, hist(100, 1_000.0, 2_100_000.0, 2_400_000.0), hist(100, 2_300_000.0, 4_000_000.0, 4_200_000.0),
                        0L, 0L, 40L, 150.0, 35L, null),
                FOUR_G, cutAndBlackhole, relay(4.5)));
        cells.add(cell(WS_4G, new CellResult.Cell("jetty", "websocket", "http1.1", "none", null, "4g"), 158_000.0,
                resilience(100L, hist(100, 1_000.0, 30_000_000.0, 31_000_000.0),
                        hist(100, 1_500_000.0, 32_000_000.0, 33_000_000.0), 12L, 0L, 30L, 1_600.0, 20L, null),
                FOUR_G, cutAndBlackhole, relay(3.9)));
        List<CellResult.Fault> restart = List.of(new CellResult.Fault("restart", null, 5.0,
                WINDOW_START_NANOS + 5_000_000_000L, 100L, 1_200.0, "new server listening on the same port"));
        cells.add(cell(SSE_RESTART, new CellResult.Cell("jetty", "sse", "http1.1", "none", true, "none"), 1_000.0,
                resilience(100L, hist(100, 900.0, 1_000.0, 1_100.0), hist(100, 3_500_000.0, 4_100_000.0, 4_300_000.0),
                        0L, 0L, 0L, 400.0, 100L, 2_400L),
                null, restart, null));
        cells.add(cell(LP_RESTART, new CellResult.Cell("jetty", "long-polling", "http1.1", "none", null, null), 1_400.0,
                resilience(100L, hist(100, 900.0, 1_000.0, 1_100.0), hist(100, 1_300_000.0, 1_500_000.0, 1_600_000.0),
                        0L, 3L, 0L, 140.0, 100L, 2_400L),
                null, restart, null));
        cells.add(cell(SP_CALM, new CellResult.Cell("jetty", "short-polling", "http1.1"), 50_000.0, null, null, List.of(),
                null));
        CellResult failed = cell(SSE_H2C_FAILED, new CellResult.Cell("jetty", "sse", "h2c", "none", true, "4g"), 0,
                null, FOUR_G, List.of(new CellResult.Fault("cut", "drop", 4.0, null, 10L, null, null)), null);
        cells.add(failed);

        Files.createDirectories(runDir);
        JsonFiles.write(runDir.resolve("run.json"), manifest(cells.stream().map(CellResult::name).toList()));
        for (CellResult cell : cells) {
            Path dir = runDir.resolve("cells").resolve(cell.name());
            Files.createDirectories(dir);
            JsonFiles.write(dir.resolve("summary.json"), cell);
            writeLog(dir.resolve("latency.hlog"), cell.latencyMicros() == null ? null : cell.latencyMicros().p50());
        }
        return runDir;
    }

    /**
     * One interval a second; latency from the window's start on, p50 near {@code p50Micros}, higher at 5–8 s; only the
     * ramp's connect intervals when {@code p50Micros} is null (a cell that failed before its window).
     */
    static void writeLog(Path file, Double p50Micros) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("pushbench load generator: values in nanoseconds; tags: latency, connect");
            log.outputLogFormatVersion();
            log.outputStartTime(LOG_START_MILLIS);
            log.setBaseTime(LOG_START_MILLIS);
            log.outputLegend();
            for (int second = 0; second < LOG_SECONDS; second++) {
                long start = LOG_START_MILLIS + second * 1000L;
                if (p50Micros == null && second >= WINDOW_INTO_LOG_SECONDS) {
                    break;
                }
                if (second < WINDOW_INTO_LOG_SECONDS) {
                    Histogram connect = interval("connect", start);
                    connect.recordValueWithCount(2_000_000L, 50);
                    log.outputIntervalHistogram(connect);
                    continue;
                }
                Histogram latency = interval("latency", start);
                long base = Math.round(p50Micros * 1000);
                long spike = second >= 5 && second <= 8 ? 20 : 1;
                latency.recordValueWithCount(base, 90);
                latency.recordValueWithCount(base * 3 * spike, 10);
                log.outputIntervalHistogram(latency);
            }
        }
    }

    private static Histogram interval(String tag, long startMillis) {
        Histogram h = new Histogram(3);
        h.setTag(tag);
        h.setStartTimeStamp(startMillis);
        h.setEndTimeStamp(startMillis + 1000);
        return h;
    }

    private static HistogramSummary hist(long count, double p50, double p99, double max) {
        return new HistogramSummary(count, p50 + p50 / 10, p50, (p50 + p99) / 2, p99, p99, max);
    }

    private static CellResult.Resilience resilience(long hit, HistogramSummary detect, HistogramSummary resume, long lost,
                                                    long duplicated, long late, double staleSeconds, long peak,
                                                    Long outage) {
        // split as a runner's would be: most hits by the first kind, the rest by a second, each with its own detection
        long first = hit - hit / 4;
        List<CellResult.FaultRecovery> byFault = List.of(
                new CellResult.FaultRecovery(outage != null ? "restart" : "cut-reset", first, detect, staleSeconds * 0.6),
                new CellResult.FaultRecovery("blackhole", hit - first, hist(hit - first, 4_000_000, 4_200_000, 4_300_000),
                        staleSeconds * 0.4));
        return new CellResult.Resilience(hit, hit, resume, lost, duplicated, new CellResult.CutsByCause(0L, 0L, 0L, hit),
                detect, hit, late, staleSeconds, peak, outage, byFault);
    }

    private static CellResult.ProxyCosts relay(double cpuMicrosPerMessage) {
        return new CellResult.ProxyCosts(cpuMicrosPerMessage, 7.5, 66_000L, 40_000_000L, 46_600_000L, 1);
    }

    private static CellResult cell(String name, CellResult.Cell cell, double p50, CellResult.Resilience resilience,
                                   CellResult.Link link, List<CellResult.Fault> faults, CellResult.ProxyCosts relay) {
        boolean ok = p50 > 0;
        long lost = resilience == null || resilience.lostAcrossReconnect() == null ? 0 : resilience.lostAcrossReconnect();
        long outage = resilience == null || resilience.lostInOutage() == null ? 0 : resilience.lostInOutage();
        CellResult.Costs costs = ok ? new CellResult.Costs(
                new CellResult.ProcessCosts(150.0, 5_000L, 5_000L, 4_800L, null, 170_000L, 30, null),
                CellResult.ProcessCosts.ofCpu(200.0), new CellResult.Wire(300.0, 20.0, 600_000L, 40_000L, null), null, null,
                relay) : null;
        return new CellResult(cell, name, null, ok ? CellStatus.OK : CellStatus.FAILED,
                ok ? null : "the load generator ended before the window: connection refused", "2026-11-29T12:00:01Z", null,
                null,
                ok ? new CellResult.Connections(100L, 100L, 0L, resilience == null ? 0L : resilience.disconnects(),
                        resilience == null ? 0L : resilience.reconnects(), 200L, 200L, 0.5) : null,
                ok ? new CellResult.Delivery(12_000L, 12_000L - lost - outage, lost + outage, 0L,
                        resilience == null ? 0L : resilience.duplicatedAcrossReconnect(), 0L, lost + outage > 0 ? 100L : 0L,
                        0L) : null,
                ok ? new HistogramSummary(12_000L - lost - outage, p50 + p50 / 5, p50, p50 * 2, p50 * 3, p50 * 40, p50 * 60)
                        : null,
                null, null, null, null, null, null, null,
                ok ? new CellResult.Window(WINDOW_START_NANOS, WINDOW_START_NANOS + 10_000_000_000L, 1.0, 10.0, 0.2, 2.0)
                        : null,
                new CellResult.Loadgen(1.0, 20.0, 2, false, 0L, 0L, null, "nio", "pushbench nio", null, 15.0, 35.0, null,
                        null, null, null, null),
                "2026-11-29T12:00:20Z", 19.0, costs, null,
                ok ? new CellResult.Server("Jetty 12.1.14", 1_200L, null, null, 0L, null) : null,
                null, resilience, link, faults.isEmpty() ? null : faults);
    }

    private static RunManifest manifest(List<String> cells) {
        return FixtureManifests.of(RUN_ID, RunManifest.COMPLETE, "2026-11-29T12:00:00Z", "2026-11-29T12:03:00Z", "flaky", "flaky.yaml",
                FixtureManifests.resolved(100, 5, 20.0, 256, 1000, 10000, 1), FixtureManifests.JETTY, cells);
    }
}
