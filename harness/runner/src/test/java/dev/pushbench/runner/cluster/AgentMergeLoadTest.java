package dev.pushbench.runner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real load generators, each streaming its intervals as a load agent's does, against one Jetty server on
 * loopback: what the merge makes of their stream must add up to what each wrote in its own log and reported.
 */
@Timeout(90)
class AgentMergeLoadTest {
    private static final List<String> AGENTS = List.of("load-1", "load-2");

    @Test
    void theMergeOfTwoGeneratorsStreamsAddsUpToTheirOwnFigures(@TempDir Path tmp) throws Exception {
        try (EventFeed feed = new EventFeed(new FeedSpec(1, 20, 64, 1024))) {
            PushContext context = new PushContext(feed, ServerConfig.defaults(Protocol.HTTP_1_1));
            PushServer server = ServerStack.named("jetty").start(context);
            Path cellLog = tmp.resolve("cell/latency.hlog");
            Map<String, LoadResult> byAgent = new LinkedHashMap<>();
            try (AgentMerge merge = new AgentMerge(AGENTS, cellLog)) {
                long t0 = System.nanoTime();
                feed.start(t0);
                LoadSpec cell = new LoadSpec("127.0.0.1", server.port(), Protocol.HTTP_1_1, Transport.SSE, 8, 100, 0,
                        new Schedule(t0, 1, 20), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMillis(200),
                        tmp.resolve("unused.hlog"), null, ClientEngineKind.NIO, List.of());
                Map<String, CompletableFuture<LoadResult>> running = new LinkedHashMap<>();
                for (String agent : AGENTS) {
                    LoadSpec share = cell.share(4, 50).onAgent(0L, tmp.resolve(agent + ".hlog"));
                    running.put(agent, CompletableFuture.supplyAsync(() -> run(share, agent, merge),
                            task -> new Thread(task, agent).start()));
                }
                for (Map.Entry<String, CompletableFuture<LoadResult>> e : running.entrySet()) {
                    byAgent.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
                }
                assertEquals(List.of(), merge.problems(byAgent), "streamed counts equal each generator's own");
                LoadResult merged = merge.result(byAgent);

                Histogram own = generatorHistogram();
                long ownCount = 0;
                for (String agent : AGENTS) {
                    own.add(tagged(tmp.resolve(agent + ".hlog"), "latency"));
                    ownCount += byAgent.get(agent).latencyMicros().count();
                }
                assertTrue(ownCount > 0, "events were delivered");
                assertEquals(HistogramSummary.ofNanos(own), merged.latencyMicros(),
                        "the cell's latency is that of both generators' own logs added");
                assertEquals(ownCount, merged.latencyMicros().count());
                long expected = byAgent.values().stream().mapToLong(r -> r.delivery().expected()).sum();
                assertTrue(expected >= 8 * 30, () -> "about 40 events each in the 2 s window: " + merged.delivery());
                assertEquals(expected, merged.delivery().expected());
                assertEquals(expected, merged.delivery().delivered(), () -> String.valueOf(merged.delivery()));
                assertEquals(0L, merged.delivery().lost());
                assertEquals(8L, merged.connections().connected());
                assertNull(merged.upstream());
            } finally {
                server.close();
                context.close();
            }
            long perAgentTotal = 0;
            for (String agent : AGENTS) {
                long streamed = tagged(cellLog, "latency@" + agent).getTotalCount();
                assertEquals(byAgent.get(agent).latencyMicros().count(), streamed, agent + "'s lines in the cell's log");
                perAgentTotal += streamed;
            }
            assertEquals(perAgentTotal, tagged(cellLog, "latency").getTotalCount(), "the merged lines hold every agent's");
        }
    }

    /** One load agent: its generator's intervals go to the merge with the agent's name, as its agent fills it in. */
    private static LoadResult run(LoadSpec spec, String agent, AgentMerge merge) {
        try {
            return new LoadGenerator(spec, message -> {
                if (message instanceof ControlMessage.Interval i) {
                    merge.interval(new ControlMessage.Interval(agent, i.seq(), i.tag(), i.startMillis(), i.endMillis(),
                            i.histogram()));
                }
            }).run();
        } catch (Exception e) {
            throw new IllegalStateException(agent + "'s load generator failed", e);
        }
    }

    /** Of the load generator's range and precision, so that percentiles read the same buckets. */
    private static Histogram generatorHistogram() {
        return new Histogram(1_000, TimeUnit.SECONDS.toNanos(60), 3);
    }

    /** Every interval of {@code tag} in an interval log, added up. */
    private static Histogram tagged(Path hlog, String tag) throws IOException {
        Histogram all = generatorHistogram();
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        try {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (tag.equals(h.getTag())) {
                    all.add((Histogram) h);
                }
            }
        } finally {
            reader.close();
        }
        return all;
    }
}
