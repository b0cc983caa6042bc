package dev.pushbench.runner.run;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The runner's judgement of a load generator's health ({@link Saturation}) from what it reported: its CPU
 * against its cores with what else ran on them, how late its events and connects went out. On a cluster
 * each load agent is judged on its own host.
 *
 * <pre>
 *   CellResult.Loadgen health = new GeneratorJudgement(eventIntervalMicros, 1).judged(load, serverPercent, othersPercent);
 * </pre>
 *
 * @param eventIntervalMicros the feed's interval between two events of a topic; null without a feed
 * @param generatorCpuShare   the share of the time the runner let the load generator run ({@code clients.cpuShare})
 */
record GeneratorJudgement(Double eventIntervalMicros, double generatorCpuShare) {

    /** One load generator's health and the judgement of its saturation, with {@code othersPercent} of CPU beside it on its cores. */
    CellResult.Loadgen judged(LoadResult l, Double serverPercent, Double othersPercent) {
        CellResult.Loadgen health = l.loadgen().withProcess(l.process());
        if (health.cpuPercent() == null) {
            return health;
        }
        int cores = health.cores() != null ? health.cores() : Runtime.getRuntime().availableProcessors();
        Saturation saturation = Saturation.judge(new Saturation.Measured(health.cpuPercent(), othersPercent, cores,
                publisherLagMeanMicros(l), eventIntervalMicros, health.scheduledSends(), health.lateSends(),
                health.lateSendMillis(), health.maxLateMillis(), Saturation.RampSchedule.of(l.connections()),
                generatorCpuShare));
        return health.withMachine(serverPercent == null ? null : round3(serverPercent),
                othersPercent == null ? null : round3(othersPercent + health.cpuPercent()),
                saturation.saturated(), saturation.because());
    }

    /**
     * A cluster's load agents, each judged on its own: its CPU against its own host's cores, with the server's CPU
     * and the other agents' beside it when they share its host.
     *
     * @param loads each agent's own result, in the order of {@code shares}
     */
    List<CellResult.AgentShare> agents(List<CellResult.AgentShare> shares, List<LoadResult> loads, String serverHost,
                                       Double serverPercent) {
        List<CellResult.AgentShare> judged = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
            CellResult.AgentShare a = shares.get(i);
            LoadResult l = loads.get(i);
            if (l.loadgen() == null) {
                judged.add(a);
                continue;
            }
            boolean withServer = a.host() != null && a.host().equals(serverHost);
            Double others = withServer ? serverPercent : Double.valueOf(0);
            for (int j = 0; j < shares.size(); j++) {
                CellResult.Loadgen other = loads.get(j).loadgen();
                if (j != i && others != null && other != null && other.cpuPercent() != null
                        && Objects.equals(shares.get(j).host(), a.host())) {
                    others = others + other.cpuPercent();
                }
            }
            judged.add(new CellResult.AgentShare(a.agent(), a.host(), a.subscribers(), a.delivery(), a.latencyMicros(),
                    a.connections(), judged(l, withServer ? serverPercent : null, others), a.costs(), a.clock(),
                    a.intervals()));
        }
        return judged;
    }

    /** How late the window's delivered events went out on average: intended-time latency less actual-send latency. */
    static Double publisherLagMeanMicros(LoadResult load) {
        HistogramSummary intended = load.latencyMicros();
        HistogramSummary actual = load.latencyActualMicros();
        if (intended == null || actual == null || intended.mean() == null || actual.mean() == null
                || intended.count() == null || intended.count() == 0) {
            return null;
        }
        return Math.max(0, intended.mean() - actual.mean());
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
