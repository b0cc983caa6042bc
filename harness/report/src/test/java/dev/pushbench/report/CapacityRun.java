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

/**
 * A capacity run (subscribers at one event per second each, SLO p99 ≤ 100 ms and nothing lost), written from
 * {@link CellResult} and {@link RunManifest} records with {@link JsonFiles} as the runner writes them; each cell's own
 * figures are its capacity point's, with a {@code latency.hlog}, and each step has its directory under {@code steps/}
 * (but one), for the golden, report and browser tests. Every kind of bound:
 *
 * <ul>
 *   <li>Jetty SSE over http1.1: bound by the SLO at 4,800 (5,000 lost events, 6,000 and 8,000 over the p99), the
 *       boundary run three times;</li>
 *   <li>Jetty WebSocket over http1.1: generator-bound at ≥ 6,000, its 8,000 step not valid (the generator saturated);</li>
 *   <li>Vert.x WebSocket over h2c: ≥ 19,744 at the open-file limit;</li>
 *   <li>Vert.x SSE over h2c: ≥ 20,000, the search's maximum;</li>
 *   <li>Jetty long polling over http1.1: ≥ 3,000 when the time budget ran out, its 3,500 step not valid (the generator
 *       stalled);</li>
 *   <li>Jetty short polling over h2c: no value, failing the SLO at 1,000, the lowest value tried, whose step directory
 *       is missing (shown unlinked).</li>
 * </ul>
 */
final class CapacityRun {
    static final String RUN_ID = "20261129-190000-capacity";

    static final String SSE_H1 = "jetty-sse-http1.1";
    static final String WS_H1 = "jetty-websocket-http1.1";
    static final String VX_WS_H2C = "vertx-websocket-h2c";
    static final String VX_SSE_H2C = "vertx-sse-h2c";
    static final String LP_H1 = "jetty-long-polling-http1.1";
    static final String SP_H2C = "jetty-short-polling-h2c";

    static final CellResult.Slo SLO = new CellResult.Slo(100_000.0, 0L, null);

    private CapacityRun() {
    }

    /** Writes the run into {@code resultsDir/RUN_ID} and returns its directory. */
    static Path write(Path resultsDir) throws IOException {
        Path runDir = resultsDir.resolve(RUN_ID);
        List<CellResult> cells = new ArrayList<>();
        cells.add(cell(SSE_H1, "jetty", "sse", "http1.1", 9_000.0, capacity(4_800.0, "slo", "4,800", 5_000.0, List.of(
                pass(1_000, 2_000, 3_000, 40), pass(2_000, 2_400, 4_000, 70), pass(4_000, 3_500, 30_000, 140),
                fail(8_000, 60_000, 450_000, 0, "p99 450 ms is over the SLO's 100 ms"),
                fail(6_000, 20_000, 160_000, 0, "p99 160 ms is over the SLO's 100 ms"),
                fail(5_000, 5_000, 95_000, 12, "12 events lost; the SLO allows none"),
                pass(4_800, 4_000, 70_000, 160), pass(4_800, 4_200, 88_000, 165), pass(4_800, 3_900, 64_000, 158)),
                unitCost(0.48, 0.52, 0.21, 0.09, 0.41), "the next value up, 5,000, failed the SLO")));
        cells.add(cell(WS_H1, "jetty", "websocket", "http1.1", 2_000.0, capacity(6_000.0, "generator",
                "\u2265 6,000 (generator-bound)", null, List.of(
                pass(1_000, 900, 1_500, 40), pass(2_000, 1_000, 2_000, 70), pass(4_000, 1_400, 4_000, 130),
                invalid(8_000, 2_500, 30_000, 196.0, 300.0, "the load generator was saturated (CPU 196 %)"),
                pass(6_000, 1_800, 9_000, 160), pass(6_000, 1_900, 9_500, 170), pass(6_000, 1_700, 8_800, 165)),
                unitCost(0.6, 0.3, 0.12, 0.05, 0.45), "the load generator could not deliver 8,000 subscribers")));
        cells.add(cell(VX_WS_H2C, "vertx", "websocket", "h2c", 1_500.0, capacity(19_744.0, "fileLimit",
                "\u2265 19,744 (limit: open files)", null, List.of(
                pass(2_500, 800, 1_200, 30), pass(5_000, 900, 1_800, 50), pass(10_000, 1_100, 3_000, 90),
                pass(19_744, 1_400, 6_000, 150), pass(19_744, 1_450, 6_500, 152), pass(19_744, 1_380, 5_900, 149)),
                unitCost(1.9744, 0.08, 0.09, 0.05, 0.38), "20,000 subscribers would pass the open-file limit of 20,480")));
        cells.add(cell(VX_SSE_H2C, "vertx", "sse", "h2c", 1_200.0, capacity(20_000.0, "max",
                "\u2265 20,000 (search maximum)", null, List.of(
                pass(5_000, 700, 1_100, 40), pass(10_000, 800, 1_500, 70), pass(20_000, 1_100, 2_800, 120),
                pass(20_000, 1_150, 2_900, 121), pass(20_000, 1_120, 2_700, 119)),
                unitCost(2.0, 0.06, 0.1, null, 0.35), "the search's maximum, 20,000, passed")));
        cells.add(cell(LP_H1, "jetty", "long-polling", "http1.1", 20_000.0, capacity(3_000.0, "budget",
                "\u2265 3,000 (time budget)", 4_000.0, List.of(
                pass(1_000, 5_000, 20_000, 60), pass(2_000, 8_000, 40_000, 110),
                fail(4_000, 90_000, 300_000, 0, "p99 300 ms is over the SLO's 100 ms"),
                invalid(3_500, 30_000, 80_000, 70.0, 40_000.0, "the load generator stalled: its 1 ms timer woke 40 ms late"
                        + " (p99)"),
                pass(3_000, 20_000, 85_000, 150)),
                unitCost(0.3, 0.9, 0.25, 0.2, 0.52), "the search's time budget ran out before 3,000 was confirmed")));
        cells.add(cell(SP_H2C, "jetty", "short-polling", "h2c", 400_000.0, capacity(null, "slo", null, 1_000.0, List.of(
                fail(1_000, 400_000, 2_100_000, 0, "p99 2.10 s is over the SLO's 100 ms")),
                null, "the lowest value tried, 1,000, failed the SLO")));

        Files.createDirectories(runDir);
        JsonFiles.write(runDir.resolve("run.json"), manifest(cells.stream().map(CellResult::name).toList()));
        for (CellResult cell : cells) {
            Path dir = runDir.resolve("cells").resolve(cell.name());
            Files.createDirectories(dir);
            JsonFiles.write(dir.resolve("summary.json"), cell);
            FaultRun.writeLog(dir.resolve("latency.hlog"), cell.latencyMicros().p50());
            if (!cell.name().equals(SP_H2C)) {
                for (CellResult.CapacityStep step : cell.capacity().steps()) {
                    Path stepDir = dir.resolve(step.dir());
                    Files.createDirectories(stepDir);
                    Files.writeString(stepDir.resolve("summary.json"), "{}");
                }
            }
        }
        return runDir;
    }

    private static CellResult.Capacity capacity(Double value, String boundBy, String display, Double failedAt,
                                                List<CellResult.CapacityStep> steps, CellResult.UnitCost unitCost,
                                                String note) {
        List<CellResult.CapacityStep> numbered = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            CellResult.CapacityStep s = steps.get(i);
            numbered.add(new CellResult.CapacityStep(s.value(), s.passed(), s.valid(), s.p50Micros(), s.p99Micros(),
                    s.lost(), s.serverCpuPercent(), s.loadgenCpuPercent(), s.loadgenDelayP99Micros(), s.saturated(),
                    s.deliveredPerSecond(), s.reason(), String.format("steps/%02d-%d", i + 1, Math.round(s.value()))));
        }
        int confirmations = "budget".equals(boundBy) ? 1 : 3;
        return new CellResult.Capacity("clients.connections", value, boundBy, display, SLO, 0.05, confirmations, failedAt,
                List.copyOf(numbered), unitCost, note);
    }

    private static CellResult.UnitCost unitCost(double units, double cores, double heap, Double marginal, double share) {
        return new CellResult.UnitCost("10,000 subscribers", units, cores, heap, marginal, share);
    }

    private static CellResult.CapacityStep pass(double value, double p50, double p99, double serverCpu) {
        return new CellResult.CapacityStep(value, true, true, p50, p99, 0L, serverCpu, serverCpu * 0.8, 900.0, false,
                value, null, null);
    }

    private static CellResult.CapacityStep fail(double value, double p50, double p99, long lost, String reason) {
        return new CellResult.CapacityStep(value, false, true, p50, p99, lost, 180.0, 120.0, 1_200.0, false, value * 0.98,
                reason, null);
    }

    private static CellResult.CapacityStep invalid(double value, double p50, double p99, double loadgenCpu,
                                                   double stallP99, String reason) {
        return new CellResult.CapacityStep(value, false, false, p50, p99, 0L, 150.0, loadgenCpu, stallP99, true,
                value * 0.9, reason, null);
    }

    private static CellResult cell(String name, String stack, String transport, String protocol, double p50,
                                   CellResult.Capacity capacity) {
        long delivered = 200_000L;
        CellResult.Costs costs = new CellResult.Costs(new CellResult.ProcessCosts(3.0, 5_000L, 5_000L, 4_800L, null,
                170_000L, 30, null), CellResult.ProcessCosts.ofCpu(12.0), new CellResult.Wire(300.0, 20.0, 600_000L,
                40_000L, null), null, null, null);
        CellResult plain = new CellResult(new CellResult.Cell(stack, transport, protocol, "none",
                "sse".equals(transport) ? true : null, "none"), name, null, CellStatus.OK, null, "2026-11-29T19:00:01Z",
                null, null, new CellResult.Connections(5_000L, 5_000L, 0L, 0L, 0L, 5_000L, 5_000L, 0.5),
                new CellResult.Delivery(delivered, delivered, 0L, 0L, 0L, 0L, 0L, 0L),
                new HistogramSummary(delivered, p50 + p50 / 5, p50, p50 * 2, p50 * 3, p50 * 4, p50 * 6),
                null, null, null, null, null, null, null,
                new CellResult.Window(FaultRun.WINDOW_START_NANOS, FaultRun.WINDOW_START_NANOS + 20_000_000_000L, 5.0, 20.0,
                        0.2, 2.0),
                new CellResult.Loadgen(1.0, 20.0, 2, false, 0L, 0L, null, "nio", "pushbench nio", null, 15.0, 35.0, null,
                        null, null, null, null),
                "2026-11-29T19:00:30Z", 29.0, costs, null,
                new CellResult.Server("jetty".equals(stack) ? "Jetty 12.1.14" : "Vert.x 5.0.5", 20_000L, null, null, 0L,
                        null), null, null, null, null, null);
        return plain.withCapacity(name, null, CellStatus.OK, null, 600.0, capacity);
    }

    private static RunManifest manifest(List<String> cells) {
        return FixtureManifests.of(RUN_ID, RunManifest.COMPLETE, "2026-11-29T19:00:00Z", "2026-11-29T19:14:00Z", "capacity", "capacity.yaml",
                FixtureManifests.resolved(1_000, 1, 1.0, 256, 5000, 20000, 1), FixtureManifests.BOTH_STACKS, cells);
    }
}
