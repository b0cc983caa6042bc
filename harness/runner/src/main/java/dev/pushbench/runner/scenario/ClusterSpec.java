package dev.pushbench.runner.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

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
 *
 *   List&lt;String&gt; load = spec.loadAgentsAmong(List.of("load-2", "load-1", "server-1"));   // [load-1, load-2]
 *   int[] subscribers = spec.split(19_000, load.size());                                   // [9500, 9500]
 * </pre>
 *
 * <p>The constructor checks what one spec can check alone (names, addresses, counts and weights that agree);
 * {@link ScenarioLoader} checks the same first, to point at the line. When only {@code split} says how many
 * load agents there are, {@code loadAgents} is set to its length.
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
    /** An agent's name: lower-case letters, digits, dots, underscores and dashes, at most 40 characters. */
    public static final Pattern AGENT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    /** A cluster's name. */
    public static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final int MAX_MEMBERS = 64;
    public static final int MAX_LOAD_AGENTS = 64;
    /** The largest weight of {@link #split}; only the weights' ratios matter. */
    public static final double MAX_WEIGHT = 1_000_000;

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final int MAX_HOST_NAME_CHARS = 253;

    public ClusterSpec {
        members = List.copyOf(members == null ? List.of() : members);
        name = name == null ? DEFAULT_NAME : name;
        Objects.requireNonNull(server, "server");
        load = List.copyOf(load == null ? List.of() : load);
        split = List.copyOf(split == null ? List.of() : split);
        if (loadAgents == null && load.isEmpty() && !split.isEmpty()) {
            loadAgents = split.size();
        }
        check(members, name, server, load, loadAgents, split);
    }

    private static void check(List<String> members, String name, String server, List<String> load, Integer loadAgents,
                              List<Double> split) {
        if (members.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("cluster.members must list at most " + MAX_MEMBERS + " agents, got " + members.size());
        }
        Set<String> seen = new HashSet<>();
        for (String m : members) {
            String problem = memberProblem(m);
            if (problem != null) {
                throw new IllegalArgumentException("cluster.members: '" + m + "' " + problem);
            }
            if (!seen.add(m.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("cluster.members lists " + m + " twice");
            }
        }
        if (!CLUSTER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("cluster.name must be 1 to 64 letters, digits, dots, underscores and dashes,"
                    + " got '" + name + "'");
        }
        checkAgent("cluster.server", server);
        Set<String> loaders = new HashSet<>();
        for (String agent : load) {
            checkAgent("cluster.load", agent);
            if (agent.equals(server)) {
                throw new IllegalArgumentException("cluster.load must not name the serving agent '" + server + "'");
            }
            if (!loaders.add(agent)) {
                throw new IllegalArgumentException("cluster.load lists '" + agent + "' twice");
            }
        }
        if (loadAgents != null && (loadAgents < 1 || loadAgents > MAX_LOAD_AGENTS)) {
            throw new IllegalArgumentException("cluster.loadAgents must be between 1 and " + MAX_LOAD_AGENTS + ", got " + loadAgents);
        }
        if (loadAgents != null && !load.isEmpty() && loadAgents > load.size()) {
            throw new IllegalArgumentException("cluster.loadAgents must be at most the " + load.size() + " agents of"
                    + " cluster.load, got " + loadAgents);
        }
        for (double w : split) {
            if (!(w > 0 && w <= MAX_WEIGHT)) {
                throw new IllegalArgumentException("cluster.split's weights must be above 0 and at most " + (long) MAX_WEIGHT
                        + ", got " + w);
            }
        }
        int agents = loadAgents != null ? loadAgents : load.size();
        if (!split.isEmpty() && split.size() != agents) {
            throw new IllegalArgumentException("cluster.split must give one weight per load agent (" + agents + "), got "
                    + split.size());
        }
    }

    private static void checkAgent(String key, String agent) {
        if (agent == null || !AGENT_NAME.matcher(agent).matches()) {
            throw new IllegalArgumentException(key + " must be an agent's name ([a-z0-9][a-z0-9._-]*, at most 40"
                    + " characters), got '" + agent + "'");
        }
    }

    /**
     * Why {@code member} is not a cluster address, or null if it is one: {@code host:port}, the host an IPv4
     * address written as four numbers 0-255 or a host name (letters, digits, dashes, dotted), the port 1 to 65535.
     */
    public static String memberProblem(String member) {
        int colon = member.lastIndexOf(':');
        if (colon < 0) {
            return "must be host:port, e.g. 10.0.0.5:5701 (no port given)";
        }
        String host = member.substring(0, colon);
        String port = member.substring(colon + 1);
        if (host.isEmpty()) {
            return "must be host:port, e.g. 10.0.0.5:5701 (no host given)";
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            if (ScenarioLoader.ipv4(host) == null) {
                return "has a host that is not an IPv4 address (four numbers 0-255, no leading zeros)";
            }
        } else {
            String[] labels = host.split("\\.", -1);
            boolean name = host.length() <= MAX_HOST_NAME_CHARS;
            for (String label : labels) {
                name &= HOST_LABEL.matcher(label).matches();
            }
            if (!name || labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return "has a host that is neither an IPv4 address nor a host name (IPv6 is not supported)";
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || port.charAt(0) == '0' || Integer.parseInt(port) > 65_535) {
            return "has a port that is not a number from 1 to 65535";
        }
        return null;
    }

    /** This spec with the command line's member list. */
    public ClusterSpec withMembers(List<String> given) {
        return new ClusterSpec(given, name, server, load, loadAgents, split);
    }

    /**
     * The load agents among the {@code present} agents' names, in the order {@link #split(int, int)} gives them
     * their shares: the first {@code loadAgents} of {@link #load} (all of it when null), or, without {@code load},
     * the first {@code loadAgents} of the other agents by name (every other agent when null).
     *
     * @throws IllegalArgumentException if a named load agent is not present, or too few agents are
     */
    public List<String> loadAgentsAmong(Collection<String> present) {
        if (!load.isEmpty()) {
            List<String> chosen = load.subList(0, loadAgents == null ? load.size() : loadAgents);
            List<String> missing = chosen.stream().filter(a -> !present.contains(a)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("load agent" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                        + " of cluster.load " + (missing.size() == 1 ? "is" : "are") + " not in the cluster; its agents: "
                        + String.join(", ", present.stream().sorted().toList()));
            }
            return chosen;
        }
        List<String> others = new ArrayList<>(present.stream().filter(a -> !a.equals(server)).sorted().toList());
        int wanted = loadAgents == null ? Math.max(1, others.size()) : loadAgents;
        if (others.size() < wanted) {
            throw new IllegalArgumentException("the cluster has " + others.size() + " agent" + (others.size() == 1 ? "" : "s")
                    + " besides the server (" + server + ") to generate the load, and " + wanted + " are needed; its agents: "
                    + String.join(", ", present.stream().sorted().toList()));
        }
        return List.copyOf(others.subList(0, wanted));
    }

    /**
     * {@code connections} split over {@code agents} load agents by the weights (even without them), the
     * remainders to the largest fractions, so the counts add up to {@code connections}.
     *
     * @param agents the load agents' number: the size of {@link #loadAgentsAmong}, which is the split's length when
     *               the split is written
     */
    public int[] split(int connections, int agents) {
        if (agents < 1) {
            throw new IllegalArgumentException("agents must be at least 1, got " + agents);
        }
        if (connections < 0) {
            throw new IllegalArgumentException("connections must be at least 0, got " + connections);
        }
        if (!split.isEmpty() && split.size() != agents) {
            throw new IllegalArgumentException("cluster.split has " + split.size() + " weights for " + agents + " load agents");
        }
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
        // rounding of the exact shares can floor one just past a whole number: take it back from the smallest fraction
        for (int k = agents - 1; given > connections; k = (k + agents - 1) % agents) {
            if (counts[order.get(k)] > 0) {
                counts[order.get(k)]--;
                given--;
            }
        }
        return counts;
    }
}
