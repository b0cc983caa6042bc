package dev.pushbench.runner.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scenario's {@code cluster} block: where its roles run when the run is a cluster's
 * ({@code pushbench run --cluster}). Which agent serves, which agents (or how many) generate the load,
 * and how the subscribers are split among them.
 *
 * <pre>
 *   cluster:
 *     members: [10.0.0.5:5701, 10.0.0.6:5701, 10.0.0.7:5701]
 *     server: server-1
 *     load: [load-1, load-2]
 *     split: [1, 1]
 * </pre>
 *
 * @param members     the agents' Hazelcast addresses ({@code host:port}); {@code --cluster} on the command line
 *                    replaces them; empty: the command line must give them
 * @param name        the cluster's name: agents of another name never join ({@code pushbench} by default)
 * @param server      the agent that serves
 * @param load        the agents that generate the load, by name; empty: the first {@code loadAgents} other
 *                    agents by name
 * @param loadAgents  how many load agents; null: every agent named in {@code load}, or every other agent
 * @param split       the subscribers' split, one weight per load agent; empty: even
 */
public record ClusterSpec(List<String> members, String name, String server, List<String> load, Integer loadAgents,
                          List<Double> split) {

    public static final String DEFAULT_NAME = "pushbench";

    public ClusterSpec {
        members = List.copyOf(members == null ? List.of() : members);
        name = name == null ? DEFAULT_NAME : name;
        Objects.requireNonNull(server, "server");
        load = List.copyOf(load == null ? List.of() : load);
        split = List.copyOf(split == null ? List.of() : split);
    }

    /** This spec with the command line's member list. */
    public ClusterSpec withMembers(List<String> given) {
        return new ClusterSpec(given, name, server, load, loadAgents, split);
    }

    /**
     * {@code connections} split over {@code agents} load agents by the weights (even without them), the
     * remainders to the largest fractions, so the counts add up to {@code connections}.
     */
    public int[] split(int connections, int agents) {
        double[] w = new double[agents];
        double sum = 0;
        for (int i = 0; i < agents; i++) {
            w[i] = split.size() == agents ? split.get(i) : 1.0;
            sum += w[i];
        }
        int[] counts = new int[agents];
        double[] fraction = new double[agents];
        int given = 0;
        for (int i = 0; i < agents; i++) {
            double exact = connections * w[i] / sum;
            counts[i] = (int) Math.floor(exact);
            fraction[i] = exact - counts[i];
            given += counts[i];
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(fraction[b], fraction[a]));
        for (int k = 0; given < connections; k = (k + 1) % agents) {
            counts[order.get(k)]++;
            given++;
        }
        return counts;
    }
}
