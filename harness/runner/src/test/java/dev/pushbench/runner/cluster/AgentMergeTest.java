package dev.pushbench.runner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramCodec;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two load agents' intervals and results merged: percentiles from the histograms added, the interval log with
 * per-agent and merged tags, what is left merged at close, the counts that must add up, and every summed figure.
 */
class AgentMergeTest {
    private static final long BASE_MILLIS = System.currentTimeMillis();

    @TempDir
    Path dir;

    /** A histogram of the load generator's range holding {@code nanos}. */
    private static Histogram histogram(long... nanos) {
        Histogram h = new Histogram(1_000, TimeUnit.SECONDS.toNanos(60), 3);
        for (long v : nanos) {
            h.recordValue(v);
        }
        return h;
    }

    private static ControlMessage.Interval interval(String agent, long seq, String tag, Histogram h) {
        long start = BASE_MILLIS + 1000 * seq + (agent.hashCode() & 7);
        return new ControlMessage.Interval(agent, seq, tag, start, start + 1000, HistogramCodec.encode(h));
    }

    /** Random values: {@code perInterval} of them in each of {@code intervals}, uniform in [lowNanos, highNanos). */
    private static List<long[]> values(long seed, int intervals, int perInterval, long lowNanos, long highNanos) {
        Random random = new Random(seed);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < intervals; i++) {
            long[] v = new long[perInterval];
            for (int j = 0; j < perInterval; j++) {
                v[j] = lowNanos + (long) (random.nextDouble() * (highNanos - lowNanos));
            }
            out.add(v);
        }
        return out;
    }

    private static long count(List<long[]> intervals) {
        return intervals.stream().mapToLong(v -> v.length).sum();
    }

    /** One interval of a log; its times as the log gives them back, in milliseconds since the epoch. */
    private record Line(String tag, long count, long startMillis, long endMillis) {
    }

    private static List<Line> readLog(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        try {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                Histogram h = (Histogram) next;
                lines.add(new Line(h.getTag(), h.getTotalCount(), h.getStartTimeStamp(), h.getEndTimeStamp()));
            }
        } finally {
            reader.close();
        }
        return lines;
    }

    private static long countOf(List<Line> lines, String tag) {
        return lines.stream().filter(l -> tag.equals(l.tag())).mapToLong(Line::count).sum();
    }

    @Test
    void mergedPercentilesAreThoseOfOneHistogramHoldingEveryValue() throws IOException {
        // a fast agent and a slow one: an average of their percentiles would be far from the merged ones
        List<long[]> fast = values(1, 4, 3_000, 1_000_000, 2_000_000);
        List<long[]> slow = values(2, 4, 1_000, 10_000_000, 40_000_000);
        Histogram all = histogram();
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), dir.resolve("latency.hlog"))) {
            for (int i = 0; i < 4; i++) {
                merge.interval(interval("load-1", i, "latency", histogram(fast.get(i))));
                merge.interval(interval("load-2", i, "latency", histogram(slow.get(i))));
                all.add(histogram(fast.get(i)));
                all.add(histogram(slow.get(i)));
            }
            Map<String, LoadResult> byAgent = Map.of(
                    "load-1", result(own(fast), 12_000L, 0L, 0L),
                    "load-2", result(own(slow), 4_000L, 0L, 0L));
            LoadResult cell = merge.result(byAgent);

            assertEquals(HistogramSummary.ofNanos(all), cell.latencyMicros());
            assertEquals(count(fast) + count(slow), cell.latencyMicros().count());
            double averagedP50 = (byAgent.get("load-1").latencyMicros().p50() + byAgent.get("load-2").latencyMicros().p50()) / 2;
            assertNotEquals(averagedP50, cell.latencyMicros().p50(), 1_000.0);
            assertTrue(merge.problems(byAgent).isEmpty(), () -> merge.problems(byAgent).toString());
        }
    }

    private static HistogramSummary own(List<long[]> intervals) {
        Histogram h = histogram();
        intervals.forEach(v -> h.add(histogram(v)));
        return HistogramSummary.ofNanos(h);
    }

    @Test
    void theLogReadsBackWithEveryAgentsTagAndTheMergedOne() throws IOException {
        Path hlog = dir.resolve("cell/latency.hlog");
        List<long[]> one = values(3, 3, 200, 1_000_000, 5_000_000);
        List<long[]> two = values(4, 3, 300, 2_000_000, 9_000_000);
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), hlog)) {
            for (int i = 0; i < 3; i++) {
                merge.interval(interval("load-1", i, "latency", histogram(one.get(i))));
                merge.interval(interval("load-1", i, "connect", histogram(5_000_000L)));
                merge.interval(interval("load-2", i, "latency", histogram(two.get(i))));
            }
        }
        List<Line> lines = readLog(hlog);
        assertEquals(count(one), countOf(lines, "latency@load-1"));
        assertEquals(count(two), countOf(lines, "latency@load-2"));
        assertEquals(count(one) + count(two), countOf(lines, "latency"));
        assertEquals(3, countOf(lines, "connect@load-1"));
        assertEquals(3, countOf(lines, "connect"));
        List<Line> merged = lines.stream().filter(l -> l.tag().equals("latency")).toList();
        assertEquals(3, merged.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(one.get(i).length + two.get(i).length, merged.get(i).count(), "merged interval " + i);
            // earliest start, latest end of the two agents' interval i; a log writes its times in seconds with
            // three decimals after its base time, and reading adds them back in floating point: ± 1 ms
            long oneStart = BASE_MILLIS + 1000L * i + ("load-1".hashCode() & 7);
            long twoStart = BASE_MILLIS + 1000L * i + ("load-2".hashCode() & 7);
            assertEquals(Math.min(oneStart, twoStart), merged.get(i).startMillis(), 1, "merged interval " + i + "'s start");
            assertEquals(Math.max(oneStart, twoStart) + 1000, merged.get(i).endMillis(), 1, "merged interval " + i + "'s end");
        }
    }

    @Test
    void anIntervalOneAgentNeverSentIsMergedAtCloseFromTheOthers() throws IOException {
        Path hlog = dir.resolve("latency.hlog");
        AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), hlog);
        for (int i = 0; i < 3; i++) {
            merge.interval(interval("load-1", i, "latency", histogram(1_000_000L, 2_000_000L)));
        }
        merge.interval(interval("load-2", 0, "latency", histogram(3_000_000L)));
        merge.interval(interval("load-2", 1, "latency", histogram(4_000_000L)));

        // load-2 is past interval 0 only: interval 1 may still get more of its metrics
        List<Line> before = readLog(hlog);
        assertEquals(List.of(3L), before.stream().filter(l -> l.tag().equals("latency")).map(Line::count).toList());
        assertEquals(6, countOf(before, "latency@load-1"));

        merge.close();
        List<Line> after = readLog(hlog);
        assertEquals(List.of(3L, 3L, 2L), after.stream().filter(l -> l.tag().equals("latency")).map(Line::count).toList());
        assertEquals(8, merge.total("latency").getTotalCount());
    }

    @Test
    void problemsNameTheAgentWhoseStreamedCountsDoNotAddUpToItsOwn() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2", "load-3"), dir.resolve("latency.hlog"))) {
            long[] hundred = new long[100];
            java.util.Arrays.fill(hundred, 1_500_000L);
            merge.interval(interval("load-1", 0, "latency", histogram(hundred)));
            merge.interval(interval("load-1", 0, "connect", histogram(7_000_000L)));
            merge.interval(interval("load-2", 0, "latency", histogram(hundred)));
            merge.interval(interval("load-2", 0, "connect", histogram(7_000_000L)));

            Map<String, LoadResult> byAgent = new LinkedHashMap<>();
            byAgent.put("load-1", result(summary(120), 120L, 0L, 0L, summary(1)));
            byAgent.put("load-2", result(summary(100), 100L, 0L, 0L, summary(2)));
            List<String> problems = merge.problems(byAgent);

            assertEquals(3, problems.size(), problems.toString());
            assertEquals("load-1: its streamed latency intervals hold 100 values, its own result counts 120", problems.get(0));
            assertEquals("load-2: its streamed connect intervals hold 1 values, its own result counts 2", problems.get(1));
            assertEquals("load-3: no result came", problems.get(2));
        }
    }

    @Test
    void intervalsThatCannotBeTakenAreLeftOutAndSaid() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), dir.resolve("latency.hlog"))) {
            merge.interval(interval("load-9", 0, "latency", histogram(1_000_000L)));
            merge.interval(interval("load-1", 0, "latency", histogram(1_000_000L)));
            merge.interval(interval("load-1", 0, "latency", histogram(1_000_000L)));
            merge.interval(new ControlMessage.Interval("load-1", 0, "latency actual", 0, 1, HistogramCodec.encode(histogram(1))));
            merge.interval(new ControlMessage.Interval("load-1", 0, "connect", 0, 1, "not base64 at all"));
            // both past interval 0, so it is merged; then load-2's connect of interval 0 comes late
            merge.interval(interval("load-2", 0, "latency", histogram(2_000_000L)));
            merge.interval(interval("load-1", 1, "latency", histogram(1_000_000L)));
            merge.interval(interval("load-2", 1, "latency", histogram(2_000_000L)));
            merge.interval(interval("load-2", 0, "connect", histogram(9_000_000L)));

            List<String> problems = merge.problems(Map.of(
                    "load-1", result(summary(2), 2L, 0L, 0L, HistogramSummary.EMPTY),
                    "load-2", result(summary(2), 2L, 0L, 0L, summary(1))));
            assertEquals(5, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("an interval from 'load-9', not one of the load agents"), problems.get(0));
            assertTrue(problems.get(1).contains("twice"), problems.get(1));
            assertTrue(problems.get(2).contains("tag 'latency actual'"), problems.get(2));
            assertTrue(problems.get(3).contains("does not decode"), problems.get(3));
            assertTrue(problems.get(4).startsWith("load-2's interval 0 of connect came after that interval was merged"),
                    problems.get(4));
            assertEquals(4, merge.total("latency").getTotalCount());
            assertEquals(1, merge.total("connect").getTotalCount());
        }
        List<Line> lines = readLog(dir.resolve("latency.hlog"));
        assertEquals(1, countOf(lines, "connect"));
        assertEquals(4, countOf(lines, "latency"));
    }

    @Test
    void countsAreSummedAndRatiosRecomputedFromTheSums() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), dir.resolve("latency.hlog"))) {
            Map<String, LoadResult> byAgent = new LinkedHashMap<>();
            byAgent.put("load-1", full(1, 1_000L, 5_000L, 100));
            byAgent.put("load-2", full(2, 3_000L, 15_000L, 300));
            LoadResult cell = merge.result(byAgent);

            assertEquals(new CellResult.Delivery(4_000L, 3_980L, 20L, 3L, 3L, 6L, 3L, 0L), cell.delivery());
            CellResult.Connections c = cell.connections();
            assertEquals(400L, c.target());
            assertEquals(397L, c.connected());
            assertEquals(3L, c.connectFailures());
            assertEquals(2.0, c.rampSeconds());
            assertEquals(List.of("10.0.0.1", "10.0.0.2"), c.sourceAddresses());
            assertEquals(new CellResult.Polling(4_000L, 1_000L, 0.25), cell.polling());

            CellResult.Window w = cell.window();
            assertEquals(1_000L, w.startNanos());
            assertEquals(15_000L, w.endNanos());
            assertEquals(2.0, w.drainSeconds());

            CellResult.Loadgen g = cell.loadgen();
            assertEquals(3.0, g.cpuSecondsInWindow());
            assertEquals(60.0, g.cpuPercent());
            assertEquals(6, g.cores());
            assertEquals(Boolean.TRUE, g.saturated());
            assertEquals("load-2: stalled 2", g.saturatedBecause());
            assertEquals("jetty", g.engine());
            assertEquals(30L, g.scheduledSends());
            assertNull(g.delayMicros());
            assertNull(g.serverCpuPercent());

            // 3 CPU seconds over 3,980 messages; 6,000 bytes down over the same
            assertEquals(Math.round(3e6 / 3_980 * 1000) / 1000.0, cell.costs().loadgen().cpuMicrosPerMessage());
            assertEquals(Math.round(6_000.0 / 3_980 * 1000) / 1000.0, cell.costs().wire().bytesDownPerMessage());
            assertEquals(6_000L, cell.costs().wire().bytesDownInWindow());
            assertEquals(4_000L, cell.costs().polling().requestsInWindow());
            assertEquals(0.219, cell.costs().polling().emptyResponseRatio()); // (125 + 750) / 4,000
            assertNull(cell.costs().server());

            assertEquals(new ProcessSnapshot(null, true, 3_000L, 300L, 30L, 3_000L, 30, 300L), cell.idle());
            assertEquals(new ProcessSnapshot(null, false, 6_000L, 600L, 60L, -1L, 60, null), cell.process());
            assertEquals(3L, cell.resilience().disconnects());
            assertEquals(new CellResult.CutsByCause(0L, 3L, 0L, 0L), cell.resilience().cutsByCause());
            assertNull(cell.upstream());
            assertNull(cell.tlsHandshakeMicros());
            assertEquals(HistogramSummary.EMPTY, cell.pollMicros()); // measured, but no histogram streamed
        }
    }

    @Test
    void windowsMoveOntoTheServersClockByEachAgentsOffset() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), dir.resolve("latency.hlog"))) {
            Map<String, LoadResult> byAgent = Map.of("load-1", full(1, 1_000L, 5_000L, 100),
                    "load-2", full(2, 900_000L, 904_000L, 300));
            CellResult.Window w = merge.result(byAgent, Map.of("load-2", -899_500L)).window();
            assertEquals(500L, w.startNanos());
            assertEquals(5_000L, w.endNanos());
        }
    }

    @Test
    void aShareIsTheAgentsOwnFiguresWithItsClockAndStreamedCount() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), dir.resolve("latency.hlog"))) {
            merge.interval(interval("load-1", 0, "latency", histogram(1_000_000L)));
            merge.interval(interval("load-1", 0, "connect", histogram(1_000_000L)));
            merge.interval(interval("load-1", 1, "latency", histogram(1_000_000L)));
            LoadResult own = full(1, 1_000L, 5_000L, 100);
            CellResult.AgentClock clock = new CellResult.AgentClock(12.0, 3.0, 13.0, 3.5, 0.01, 40, "tcp", 80.0, false);
            CellResult.AgentShare share = merge.share("load-1", "10.0.0.1", 100, own, clock);
            assertEquals(new CellResult.AgentShare("load-1", "10.0.0.1", 100L, own.delivery(), own.latencyMicros(),
                    own.connections(), own.loadgen(), own.costs(), clock, 3L), share);
            assertThrows(IllegalArgumentException.class, () -> merge.share("load-7", "h", 1, own, clock));
        }
    }

    @Test
    void refusesAgentNamesThatAreNotOneOfTheSuitesNorDistinct() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new AgentMerge(List.of("load-1", "Load 2"), dir.resolve("x.hlog")));
        assertTrue(bad.getMessage().contains("'Load 2'"), bad.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new AgentMerge(List.of("load-1", "load-1"), dir.resolve("x.hlog")));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AgentMerge(List.of(), dir.resolve("x.hlog")));
    }

    @Test
    void resultRefusesAnAgentItWasNotGiven() throws IOException {
        try (AgentMerge merge = new AgentMerge(List.of("load-1"), dir.resolve("latency.hlog"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> merge.result(Map.of("load-2", full(1, 0L, 1L, 1))));
            assertTrue(e.getMessage().contains("'load-2'"), e.getMessage());
        }
    }

    private static HistogramSummary summary(long count) {
        return new HistogramSummary(count, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
    }

    private static LoadResult result(HistogramSummary latency, long delivered, long lost, long withLoss) {
        return result(latency, delivered, lost, withLoss, HistogramSummary.EMPTY);
    }

    private static LoadResult result(HistogramSummary latency, long delivered, long lost, long withLoss,
                                     HistogramSummary connect) {
        return new LoadResult(null, new CellResult.Delivery(delivered + lost, delivered, lost, 0L, 0L, 0L, withLoss, 0L),
                latency, HistogramSummary.EMPTY, connect, HistogramSummary.EMPTY,
                HistogramSummary.EMPTY, null, null, null, null, null, null, null, null, null);
    }

    /** Every figure filled, scaled by {@code k}, with its window {@code [startNanos, endNanos]}. */
    private static LoadResult full(int k, long startNanos, long endNanos, long subscribers) {
        CellResult.Connections connections = new CellResult.Connections(subscribers, subscribers - k, (long) k, 0L, 0L,
                subscribers, subscribers, (double) k, 1.0, subscribers, 0L, 5.0, 0.5 * k, List.of("10.0.0." + k));
        CellResult.Delivery delivery = new CellResult.Delivery(1_000L * 2 * k - 1_000, 995L * (2 * k - 1),
                5L * (2 * k - 1), (long) k, (long) k, 2L * k, (long) k, 0L);
        CellResult.Loadgen loadgen = new CellResult.Loadgen((double) k, 20.0 * k, 2 * k, k == 2, 0L, 0L, null, "jetty",
                "Jetty 12", null, null, null, k == 2 ? "stalled 2" : null, 10L * k, 0L, 5.0, 1.0 * k,
                HistogramSummary.EMPTY);
        CellResult.Costs costs = new CellResult.Costs(null, CellResult.ProcessCosts.ofCpu(1.0),
                new CellResult.Wire(1.0, 1.0, 2_000L * k, 100L * k, null),
                new CellResult.PollingCosts(1.0, 0.125 * k, 1_000L * (2 * k - 1)));
        ProcessSnapshot idle = new ProcessSnapshot(7L * k, true, 1_000L * k, 100L * k, 10L * k, 1_000L * k, 10 * k, 100L * k);
        ProcessSnapshot end = new ProcessSnapshot(9L * k, false, 2_000L * k, 200L * k, 20L * k, k == 2 ? -1L : 1_000L,
                20 * k, k == 2 ? null : 1L);
        CellResult.Resilience resilience = new CellResult.Resilience((long) k, 0L, HistogramSummary.EMPTY, 0L, 0L,
                new CellResult.CutsByCause(0L, (long) k, 0L, 0L));
        return new LoadResult(connections, delivery, HistogramSummary.EMPTY, HistogramSummary.EMPTY, HistogramSummary.EMPTY,
                HistogramSummary.EMPTY, HistogramSummary.EMPTY, null, HistogramSummary.EMPTY,
                new CellResult.Polling(1_000L * (2 * k - 1), 250L * (2 * k - 1), 0.25),
                new CellResult.Window(startNanos, endNanos, 1.0, 10.0, (double) k, 5.0), loadgen, costs, idle, end,
                resilience, null);
    }
}
