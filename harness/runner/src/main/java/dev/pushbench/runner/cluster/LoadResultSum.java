package dev.pushbench.runner.cluster;

import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Several load agents' {@link LoadResult}s added into the one a cell reports, figure by figure: counts
 * summed, ratios recomputed from the summed counts, and every histogram's summary taken from the agents'
 * histograms added (given by {@code merged}), never from their percentiles. {@link AgentMerge#result} is its
 * caller.
 *
 * <pre>
 *   LoadResult cell = LoadResultSum.of(byAgent, metric -&gt; HistogramSummary.ofNanos(addedUp(metric)), Map.of());
 * </pre>
 *
 * <p>One rule for absent figures: a sum is absent when any agent's part of it is, since a total missing a
 * part would read as the whole. The figures only the runner knows (the server's CPU beside the generator's,
 * the saturation verdict, the server's side of resilience) stay absent for the runner to add.
 */
final class LoadResultSum {
    private LoadResultSum() {
    }

    /**
     * @param byAgent           each agent's result, by agent name (none null)
     * @param merged            a metric's summary from every agent's histograms of it added
     * @param serverOffsetNanos each agent's clock offset to the serving agent's (server − agent), to put the agents'
     *                          windows on one clock; an agent not in it counts as 0
     */
    static LoadResult of(Map<String, LoadResult> byAgent, Function<Metric, HistogramSummary> merged,
                         Map<String, Long> serverOffsetNanos) {
        List<LoadResult> all = List.copyOf(byAgent.values());
        CellResult.Delivery delivery = delivery(parts(all, LoadResult::delivery));
        return new LoadResult(
                connections(parts(all, LoadResult::connections)),
                delivery,
                summary(all, LoadResult::latencyMicros, merged, Metric.LATENCY),
                summary(all, LoadResult::latencyActualMicros, merged, Metric.LATENCY_ACTUAL),
                summary(all, LoadResult::connectMicros, merged, Metric.CONNECT),
                summary(all, LoadResult::tcpConnectMicros, merged, Metric.TCP_CONNECT),
                summary(all, LoadResult::connectCallMicros, merged, Metric.CONNECT_CALL),
                summary(all, LoadResult::tlsHandshakeMicros, merged, Metric.TLS_HANDSHAKE),
                summary(all, LoadResult::pollMicros, merged, Metric.POLL),
                polling(parts(all, LoadResult::polling)),
                window(byAgent, serverOffsetNanos),
                loadgen(byAgent),
                costs(parts(all, LoadResult::costs), parts(all, LoadResult::loadgen), delivery),
                snapshot(parts(all, LoadResult::idle)),
                snapshot(parts(all, LoadResult::process)),
                resilience(all, merged),
                // two-way cells are not run on a cluster: the publishers' ledger would need merging across agents too
                null);
    }

    /** Every agent's part, or null when any agent lacks it. */
    private static <P, T> List<T> parts(List<P> all, Function<P, T> part) {
        List<T> out = new ArrayList<>(all.size());
        for (P r : all) {
            T t = part.apply(r);
            if (t == null) {
                return null;
            }
            out.add(t);
        }
        return out;
    }

    private static <P> Long sum(List<P> parts, Function<P, Long> field) {
        long total = 0;
        for (P p : parts) {
            Long v = field.apply(p);
            if (v == null) {
                return null;
            }
            total += v;
        }
        return total;
    }

    private static <P> Double sumDouble(List<P> parts, Function<P, Double> field) {
        double total = 0;
        for (P p : parts) {
            Double v = field.apply(p);
            if (v == null) {
                return null;
            }
            total += v;
        }
        return round3(total);
    }

    private static <P> Integer sumInt(List<P> parts, Function<P, Integer> field) {
        Long total = sum(parts, p -> {
            Integer v = field.apply(p);
            return v == null ? null : v.longValue();
        });
        return total == null ? null : Math.toIntExact(total);
    }

    private static <P> Double max(List<P> parts, Function<P, Double> field) {
        Double max = null;
        for (P p : parts) {
            Double v = field.apply(p);
            if (v == null) {
                return null;
            }
            max = max == null ? v : Math.max(max, v);
        }
        return max;
    }

    private static <P> Boolean any(List<P> parts, Function<P, Boolean> field) {
        boolean seen = false;
        for (P p : parts) {
            Boolean v = field.apply(p);
            if (Boolean.TRUE.equals(v)) {
                return true;
            }
            seen |= v != null;
        }
        return seen ? false : null;
    }

    /** The metric's merged summary, or null when no agent measured it (tls-handshake in cleartext, poll for streams). */
    private static HistogramSummary summary(List<LoadResult> all, Function<LoadResult, HistogramSummary> field,
                                            Function<Metric, HistogramSummary> merged, Metric metric) {
        for (LoadResult r : all) {
            if (field.apply(r) != null) {
                return merged.apply(metric);
            }
        }
        return null;
    }

    private static CellResult.Connections connections(List<CellResult.Connections> c) {
        if (c == null) {
            return null;
        }
        LinkedHashSet<String> sources = new LinkedHashSet<>();
        for (CellResult.Connections one : c) {
            if (one.sourceAddresses() != null) {
                sources.addAll(one.sourceAddresses());
            }
        }
        // the agents ramp side by side, so the cell's ramp lasts as long as the slowest agent's
        return new CellResult.Connections(sum(c, CellResult.Connections::target), sum(c, CellResult.Connections::connected),
                sum(c, CellResult.Connections::connectFailures), sum(c, CellResult.Connections::disconnects),
                sum(c, CellResult.Connections::reconnects), sum(c, CellResult.Connections::subscriptions),
                sum(c, CellResult.Connections::tcpConnectionsOpened), max(c, CellResult.Connections::rampSeconds),
                max(c, CellResult.Connections::rampPlannedSeconds), sum(c, CellResult.Connections::rampConnects),
                sum(c, CellResult.Connections::lateRampConnects), max(c, CellResult.Connections::lateRampConnectMillis),
                max(c, CellResult.Connections::maxRampConnectLateMillis), List.copyOf(sources));
    }

    /** Each subscriber belongs to one agent, so every count, subscribers with loss included, adds up. */
    private static CellResult.Delivery delivery(List<CellResult.Delivery> d) {
        if (d == null) {
            return null;
        }
        return new CellResult.Delivery(sum(d, CellResult.Delivery::expected), sum(d, CellResult.Delivery::delivered),
                sum(d, CellResult.Delivery::lost), sum(d, CellResult.Delivery::late), sum(d, CellResult.Delivery::duplicated),
                sum(d, CellResult.Delivery::reordered), sum(d, CellResult.Delivery::subscribersWithLoss),
                sum(d, CellResult.Delivery::scheduleMismatches));
    }

    private static CellResult.Polling polling(List<CellResult.Polling> p) {
        if (p == null) {
            return null;
        }
        Long requests = sum(p, CellResult.Polling::requests);
        Long empty = sum(p, CellResult.Polling::emptyAnswers);
        return new CellResult.Polling(requests, empty,
                requests == null || empty == null ? null : requests == 0 ? 0.0 : (double) empty / requests);
    }

    /**
     * The earliest start and the latest end, each agent's moved onto the serving agent's clock by its offset;
     * the phases' lengths are the spec's, the same on every agent, and the drain the longest.
     */
    private static CellResult.Window window(Map<String, LoadResult> byAgent, Map<String, Long> serverOffsetNanos) {
        Long start = null;
        Long end = null;
        List<CellResult.Window> windows = new ArrayList<>();
        for (Map.Entry<String, LoadResult> e : byAgent.entrySet()) {
            CellResult.Window w = e.getValue().window();
            if (w == null || w.startNanos() == null || w.endNanos() == null) {
                return null;
            }
            long offset = serverOffsetNanos.getOrDefault(e.getKey(), 0L);
            start = start == null ? w.startNanos() + offset : Math.min(start, w.startNanos() + offset);
            end = end == null ? w.endNanos() + offset : Math.max(end, w.endNanos() + offset);
            windows.add(w);
        }
        return new CellResult.Window(start, end, max(windows, CellResult.Window::warmupSeconds),
                max(windows, CellResult.Window::measureSeconds), max(windows, CellResult.Window::drainSeconds),
                max(windows, CellResult.Window::drainLimitSeconds));
    }

    /**
     * The generators' CPU added (cores and percent of one core alike), saturated if any agent was. The server's CPU
     * and the machine's are the runner's to add; the stall meter's summary ({@code delayMicros}) is left out, since
     * its histograms are not streamed and percentiles cannot be added: each agent's is in its share.
     */
    private static CellResult.Loadgen loadgen(Map<String, LoadResult> byAgent) {
        List<CellResult.Loadgen> g = parts(List.copyOf(byAgent.values()), LoadResult::loadgen);
        if (g == null) {
            return null;
        }
        Map<String, CellResult.Loadgen> named = new LinkedHashMap<>();
        byAgent.forEach((agent, r) -> named.put(agent, r.loadgen()));
        return new CellResult.Loadgen(sumDouble(g, CellResult.Loadgen::cpuSecondsInWindow),
                sumDouble(g, CellResult.Loadgen::cpuPercent), sumInt(g, CellResult.Loadgen::cores),
                any(g, CellResult.Loadgen::saturated), sum(g, CellResult.Loadgen::protocolErrors),
                sum(g, CellResult.Loadgen::clampedValues), byAgentText(named, CellResult.Loadgen::lastError),
                distinct(g, CellResult.Loadgen::engine), distinct(g, CellResult.Loadgen::client),
                snapshot(parts(g, CellResult.Loadgen::process)), null, null,
                byAgentText(named, CellResult.Loadgen::saturatedBecause), sum(g, CellResult.Loadgen::scheduledSends),
                sum(g, CellResult.Loadgen::lateSends), max(g, CellResult.Loadgen::lateSendMillis),
                max(g, CellResult.Loadgen::maxLateMillis), null);
    }

    /** The agents' non-null texts, each after its agent's name: {@code load-1: …; load-2: …}. */
    private static String byAgentText(Map<String, CellResult.Loadgen> named, Function<CellResult.Loadgen, String> field) {
        List<String> texts = new ArrayList<>();
        named.forEach((agent, g) -> {
            String text = field.apply(g);
            if (text != null) {
                texts.add(agent + ": " + text);
            }
        });
        return texts.isEmpty() ? null : String.join("; ", texts);
    }

    /** The one value all agents share, or their distinct values joined when they differ. */
    private static <P> String distinct(List<P> parts, Function<P, String> field) {
        LinkedHashSet<String> values = new LinkedHashSet<>();
        for (P p : parts) {
            String v = field.apply(p);
            if (v != null) {
                values.add(v);
            }
        }
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /**
     * The generator's side of the ledger from the summed CPU and bytes over the summed deliveries. Only the CPU
     * figure: the generator's memory per connection is the runner's, from the memory sweep.
     */
    private static CellResult.Costs costs(List<CellResult.Costs> c, List<CellResult.Loadgen> g,
                                          CellResult.Delivery delivery) {
        if (c == null) {
            return null;
        }
        Long delivered = delivery == null ? null : delivery.delivered();
        Double cpuSeconds = g == null ? null : sumDouble(g, CellResult.Loadgen::cpuSecondsInWindow);
        CellResult.ProcessCosts loadgen = CellResult.ProcessCosts.ofCpu(
                cpuSeconds == null ? null : perMessage(cpuSeconds * 1e6, delivered));
        List<CellResult.Wire> wires = parts(c, CellResult.Costs::wire);
        CellResult.Wire wire = null;
        if (wires != null) {
            Long down = sum(wires, CellResult.Wire::bytesDownInWindow);
            Long up = sum(wires, CellResult.Wire::bytesUpInWindow);
            wire = new CellResult.Wire(down == null ? null : perMessage(down, delivered),
                    up == null ? null : perMessage(up, delivered), down, up, sum(wires, CellResult.Wire::readsInWindow));
        }
        List<CellResult.PollingCosts> polls = parts(c, CellResult.Costs::polling);
        CellResult.PollingCosts polling = null;
        if (polls != null) {
            Long requests = sum(polls, CellResult.PollingCosts::requestsInWindow);
            // each agent's empty answers are its ratio × its requests: the ratio of the sums, to its 3 decimals
            Double empty = sumDouble(polls, p -> p.emptyResponseRatio() == null || p.requestsInWindow() == null ? null
                    : p.emptyResponseRatio() * p.requestsInWindow());
            polling = new CellResult.PollingCosts(requests == null ? null : perMessage(requests, delivered),
                    requests == null || empty == null || requests == 0 ? null : round3(empty / requests), requests);
        }
        return new CellResult.Costs(null, loadgen, wire, polling);
    }

    private static Double perMessage(double total, Long messages) {
        return messages == null || messages == 0 ? null : round3(total / messages);
    }

    /**
     * The agents' readings added where the figure adds up (CPU, memory, threads, files); {@code nanoTime} is absent,
     * each reading was taken on its own host's clock.
     */
    static ProcessSnapshot snapshot(List<ProcessSnapshot> s) {
        if (s == null) {
            return null;
        }
        Long rss = sum(s, ProcessSnapshot::rssBytes);
        boolean rssMissing = s.stream().anyMatch(p -> p.rssBytes() != null && p.rssBytes() < 0);
        Boolean allAfterGc = s.stream().allMatch(p -> Boolean.TRUE.equals(p.afterGc())) ? Boolean.TRUE
                : s.stream().anyMatch(p -> Boolean.FALSE.equals(p.afterGc())) ? Boolean.FALSE : null;
        return new ProcessSnapshot(null, allAfterGc, sum(s, ProcessSnapshot::cpuNanos),
                sum(s, ProcessSnapshot::heapUsedBytes), sum(s, ProcessSnapshot::directBytes),
                rssMissing ? Long.valueOf(-1) : rss, sumInt(s, ProcessSnapshot::threads), sum(s, ProcessSnapshot::openFiles));
    }

    /**
     * The agents' counts added, resume and detection times from the merged histograms; the server's side is the
     * runner's. A fault kind's detection summary is kept only when one agent alone reported that kind: the per-fault
     * histograms are not streamed, and two agents' percentiles cannot be added.
     */
    private static CellResult.Resilience resilience(List<LoadResult> all, Function<Metric, HistogramSummary> merged) {
        List<CellResult.Resilience> r = parts(all, LoadResult::resilience);
        if (r == null) {
            return null;
        }
        List<CellResult.CutsByCause> cuts = parts(r, CellResult.Resilience::cutsByCause);
        CellResult.CutsByCause cutsSum = cuts == null ? null : new CellResult.CutsByCause(
                sum(cuts, CellResult.CutsByCause::idleTimeout), sum(cuts, CellResult.CutsByCause::serverClose),
                sum(cuts, CellResult.CutsByCause::proxyClose), sum(cuts, CellResult.CutsByCause::error));
        HistogramSummary resume = r.stream().anyMatch(x -> x.resumeMicros() != null) ? merged.apply(Metric.RESUME) : null;
        HistogramSummary detect = r.stream().anyMatch(x -> x.timeToDetectMicros() != null) ? merged.apply(Metric.DETECT)
                : null;
        return new CellResult.Resilience(sum(r, CellResult.Resilience::disconnects),
                sum(r, CellResult.Resilience::reconnects), resume, sum(r, CellResult.Resilience::lostAcrossReconnect),
                sum(r, CellResult.Resilience::duplicatedAcrossReconnect), cutsSum, detect,
                sum(r, CellResult.Resilience::faultedConnections), sum(r, CellResult.Resilience::lateAcrossReconnect),
                sumDouble(r, CellResult.Resilience::staleSeconds), null, null, byFault(r));
    }

    private static List<CellResult.FaultRecovery> byFault(List<CellResult.Resilience> r) {
        if (r.stream().allMatch(x -> x.byFault() == null)) {
            return null;
        }
        Map<String, List<CellResult.FaultRecovery>> kinds = new LinkedHashMap<>();
        for (CellResult.Resilience one : r) {
            if (one.byFault() != null) {
                for (CellResult.FaultRecovery f : one.byFault()) {
                    kinds.computeIfAbsent(Objects.toString(f.fault(), "fault"), k -> new ArrayList<>()).add(f);
                }
            }
        }
        List<CellResult.FaultRecovery> out = new ArrayList<>();
        kinds.forEach((kind, fs) -> out.add(new CellResult.FaultRecovery(kind, sum(fs, CellResult.FaultRecovery::hits),
                fs.size() == 1 ? fs.get(0).timeToDetectMicros() : null,
                sumDouble(fs, CellResult.FaultRecovery::staleSeconds))));
        return out;
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
