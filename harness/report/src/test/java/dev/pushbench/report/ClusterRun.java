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
 * A cluster run ({@code pushbench run --cluster}): one serving agent and two load agents, {@code load-1} and
 * {@code load-2}, each running half the subscribers; written from {@link CellResult} and {@link RunManifest} records
 * with {@link JsonFiles} as the controller writes them, each cell's {@code latency.hlog} holding every agent's
 * intervals under {@code <metric>@<agent>} and their sum under the plain tag. For the golden, report and browser tests:
 *
 * <ul>
 *   <li>Jetty SSE over http1.1, 19,000 subscribers (9,500 each): everything delivered, both clocks ≈ 0 with a few
 *       µs of error over TCP;</li>
 *   <li>Vert.x WebSocket over h2c, 2,000 subscribers: {@code load-2}'s offset is known only over the event bus, to
 *       ± 150 µs, more than 10 % of its 900 µs p50: flagged;</li>
 *   <li>Jetty long polling over http1.1: failed, {@code load-2} having left the cluster mid-cell; its share holds only
 *       what the controller knew of it.</li>
 * </ul>
 *
 * <p>Every merged figure is the agents' sum, so the section shows no mismatch; tests that need one edit the files.
 */
final class ClusterRun {
    static final String RUN_ID = "20261129-210000-cluster";

    static final String SSE_H1 = "jetty-sse-http1.1";
    static final String VX_WS_H2C = "vertx-websocket-h2c";
    static final String LP_FAILED = "jetty-long-polling-http1.1";

    /** Events each subscriber is owed in the window. */
    static final long EVENTS_PER_SUBSCRIBER = 20;

    private ClusterRun() {
    }

    /** Writes the run into {@code resultsDir/RUN_ID} and returns its directory. */
    static Path write(Path resultsDir) throws IOException {
        Path runDir = resultsDir.resolve(RUN_ID);
        List<CellResult> cells = new ArrayList<>();
        cells.add(cell(SSE_H1, "jetty", "sse", "http1.1", CellStatus.OK, null, List.of(
                share("load-1", "10.0.0.11", 9_500, 2_000.0, 21.0,
                        new CellResult.AgentClock(3.2, 21.0, 3.9, 19.5, 0.035, 64, "tcp", 180.0, false)),
                share("load-2", "10.0.0.12", 9_500, 2_100.0, 23.0,
                        new CellResult.AgentClock(-4.1, 18.0, -4.6, 22.0, -0.025, 64, "tcp", 210.0, false)))));
        cells.add(cell(VX_WS_H2C, "vertx", "websocket", "h2c", CellStatus.OK, null, List.of(
                share("load-1", "10.0.0.11", 1_000, 850.0, 12.0,
                        new CellResult.AgentClock(12.0, 30.0, 11.0, 28.0, -0.05, 64, "tcp", 160.0, false)),
                share("load-2", "10.0.0.12", 1_000, 900.0, 13.0,
                        new CellResult.AgentClock(-1_250_000.0, 150.0, -1_250_004.0, 140.0, -0.2, 32, "event-bus", 150.0,
                                true)))));
        cells.add(cell(LP_FAILED, "jetty", "long-polling", "http1.1", CellStatus.FAILED,
                "load agent load-2 left the cluster at 2026-11-29T21:02:41Z, 12.0 s into the measured window", List.of(
                share("load-1", "10.0.0.11", 500, 3_000.0, 40.0,
                        new CellResult.AgentClock(2.0, 25.0, null, null, null, 32, "tcp", 170.0, false)),
                new CellResult.AgentShare("load-2", "10.0.0.12", 500L, null, null, null, null, null,
                        new CellResult.AgentClock(-3.0, 24.0, null, null, null, 32, "tcp", 190.0, false), 12L))));

        Files.createDirectories(runDir);
        JsonFiles.write(runDir.resolve("run.json"), manifest(cells.stream().map(CellResult::name).toList()));
        for (CellResult cell : cells) {
            Path dir = runDir.resolve("cells").resolve(cell.name());
            Files.createDirectories(dir);
            JsonFiles.write(dir.resolve("summary.json"), cell);
            if (cell.status() == CellStatus.OK) {
                writeLog(dir.resolve("latency.hlog"), cell.agents());
            }
        }
        return runDir;
    }

    /**
     * One interval a second from the window's start, each agent's latency near its p50 (a tenth of the events at three
     * times it) under {@code latency@<agent>}, and the sum of the agents' intervals under {@code latency}; the ramp's
     * connects likewise under {@code connect}.
     */
    static void writeLog(Path file, List<CellResult.AgentShare> agents) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("pushbench cluster controller: values in nanoseconds; tags: latency, connect, and"
                    + " <metric>@<agent> per load agent");
            log.outputLogFormatVersion();
            log.outputStartTime(FaultRun.LOG_START_MILLIS);
            log.setBaseTime(FaultRun.LOG_START_MILLIS);
            log.outputLegend();
            for (int second = 0; second < FaultRun.LOG_SECONDS; second++) {
                long start = FaultRun.LOG_START_MILLIS + second * 1000L;
                boolean ramp = second < FaultRun.WINDOW_INTO_LOG_SECONDS;
                String metric = ramp ? "connect" : "latency";
                Histogram merged = interval(metric, start);
                for (CellResult.AgentShare a : agents) {
                    Histogram part = interval(metric + ChartSet.AGENT_TAG_SEPARATOR + a.agent(), start);
                    if (ramp) {
                        part.recordValueWithCount(2_000_000L, 25);
                    } else {
                        long base = Math.round(a.latencyMicros().p50() * 1000);
                        part.recordValueWithCount(base, 90);
                        part.recordValueWithCount(base * 3, 10);
                    }
                    log.outputIntervalHistogram(part);
                    merged.add(part);
                }
                log.outputIntervalHistogram(merged);
            }
        }
    }

    static Histogram interval(String tag, long startMillis) {
        Histogram h = new Histogram(3);
        h.setTag(tag);
        h.setStartTimeStamp(startMillis);
        h.setEndTimeStamp(startMillis + 1000);
        return h;
    }

    private static CellResult.AgentShare share(String agent, String host, long subscribers, double p50, double loadgenCpu,
                                               CellResult.AgentClock clock) {
        long owed = subscribers * EVENTS_PER_SUBSCRIBER;
        // the log's 12 intervals of 100 samples each
        long count = 100L * (FaultRun.LOG_SECONDS - Math.round(FaultRun.WINDOW_INTO_LOG_SECONDS));
        return new CellResult.AgentShare(agent, host, subscribers,
                new CellResult.Delivery(owed, owed, 0L, 0L, 0L, 0L, 0L, 0L),
                new HistogramSummary(count, p50 * 1.2, p50, p50 * 2, p50 * 3, p50 * 3, p50 * 3),
                new CellResult.Connections(subscribers, subscribers, 0L, 0L, 0L, subscribers, subscribers, 1.0),
                new CellResult.Loadgen(loadgenCpu / 5, loadgenCpu, 2, false, 0L, 0L, null, "nio", "pushbench nio", null,
                        null, null, null, null, null, null, null),
                null, clock, 12L);
    }

    private static CellResult cell(String name, String stack, String transport, String protocol, CellStatus status,
                                   String reason, List<CellResult.AgentShare> agents) {
        boolean ok = status == CellStatus.OK;
        long subscribers = agents.stream().mapToLong(CellResult.AgentShare::subscribers).sum();
        long owed = subscribers * EVENTS_PER_SUBSCRIBER;
        long count = agents.stream().mapToLong(a -> a.latencyMicros() == null ? 0 : a.latencyMicros().count()).sum();
        double p50 = agents.stream().mapToDouble(a -> a.latencyMicros() == null ? 0 : a.latencyMicros().p50()).max()
                .orElse(0);
        CellResult.Costs costs = new CellResult.Costs(new CellResult.ProcessCosts(3.0, 5_000L, 5_000L, 4_800L, null,
                170_000L, 30, null), CellResult.ProcessCosts.ofCpu(12.0), new CellResult.Wire(300.0, 20.0, 600_000L,
                40_000L, null), null, null, null);
        CellResult plain = new CellResult(new CellResult.Cell(stack, transport, protocol, "none",
                "sse".equals(transport) ? true : null, "none"), name, null, status, reason, "2026-11-29T21:00:01Z",
                null, null,
                ok ? new CellResult.Connections(subscribers, subscribers, 0L, 0L, 0L, subscribers, subscribers, 1.0) : null,
                ok ? new CellResult.Delivery(owed, owed, 0L, 0L, 0L, 0L, 0L, 0L) : null,
                ok ? new HistogramSummary(count, p50 * 1.2, p50, p50 * 2, p50 * 3, p50 * 3, p50 * 3) : null,
                null, null, null, null, null, null, null,
                new CellResult.Window(FaultRun.WINDOW_START_NANOS, FaultRun.WINDOW_START_NANOS + 12_000_000_000L, 2.0,
                        12.0, 0.2, 2.0),
                ok ? new CellResult.Loadgen(3.0, 17.0, 4, false, 0L, 0L, null, "nio", "pushbench nio", null, 40.0, null,
                        null, null, null, null, null) : null,
                "2026-11-29T21:00:30Z", 29.0, ok ? costs : null, null,
                new CellResult.Server("jetty".equals(stack) ? "Jetty 12.1.14" : "Vert.x 5.0.5", 20_000L, null, null, 0L,
                        null), null, null, null, null, null, null);
        return plain.withAgents(agents);
    }

    private static RunManifest manifest(List<String> cells) {
        return FixtureManifests.of(RUN_ID, RunManifest.COMPLETE, "2026-11-29T21:00:00Z", "2026-11-29T21:03:00Z", "cluster-demo", "cluster/demo.yaml",
                FixtureManifests.resolved(19_000, 1, 2.0, 256, 2000, 10000, 1), FixtureManifests.BOTH_STACKS, cells);
    }
}
