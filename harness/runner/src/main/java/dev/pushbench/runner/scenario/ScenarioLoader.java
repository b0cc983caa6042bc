package dev.pushbench.runner.scenario;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.runner.proxy.ProxyKind;
import dev.pushbench.runner.proxy.ProxyProfile;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a scenario file strictly: every key must be known, every value well-typed and within its
 * limits, and every problem is reported as a {@link ScenarioException} that names the file, the
 * 1-based line and column, the bad value and what is allowed, with a suggestion for near misses.
 * Absent optional keys take their {@link ScenarioDefaults}.
 *
 * <pre>
 *   try {
 *       Scenario s = ScenarioLoader.load(Path.of("benchmarks/scenarios/quick.yaml"), Set.of("jetty"));
 *   } catch (ScenarioException e) {
 *       System.err.println(e.getMessage());   // quick.yaml:14:3: unknown key in feed, got 'paylod'; …
 *   }
 * </pre>
 *
 * <p>The file is read with SnakeYAML's node API (compose), never bound to maps, so that every value
 * keeps its position. The first problem found stops the load: unknown and duplicate keys first
 * (anywhere in the file), then values section by section, then the rules between sections. *
 * <p>This class is long because every value reader (whole numbers, durations, sizes, rates, choices)
 * needs the same file text, node positions and error wording, which is the point of the class: one
 * place decides how a scenario key is read and how its problems are told. The YAML limits and where a
 * file breaks them live apart, in {@link YamlLimits}.
 */
public final class ScenarioLoader {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?(0|[1-9][0-9]*(_[0-9]+)*)");
    private static final int SHOWN_VALUE_CHARS = 60;

    private final String file;
    private final String text;
    private final Set<String> knownStacks;
    private Mapping root;
    private final Map<String, Mapping> sections = new HashMap<>();

    private ScenarioLoader(String file, String text, Set<String> knownStacks) {
        this.file = file;
        this.text = text;
        this.knownStacks = new TreeSet<>(knownStacks);
    }

    /**
     * Reads and checks the scenario in {@code file}.
     *
     * @param knownStacks the ids {@code matrix.stacks} may name; also its default
     * @throws ScenarioException for a missing, unreadable or invalid file
     */
    public static Scenario load(Path file, Set<String> knownStacks) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new ScenarioException(name, 0, 0, "is a directory, not a scenario file", null,
                    yamlFilesIn(file), null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(name, 0, 0, "no such file", null, null, null);
        } catch (IOException | SecurityException e) {
            throw new ScenarioException(name, 0, 0, "cannot be read (" + e + ")", null, null, null);
        }
        return new ScenarioLoader(name, decodeUtf8(bytes, name), knownStacks).read(file);
    }

    /**
     * Checks the scenario {@code text}, naming it {@code fileName} in errors and in
     * {@link Scenario#source()}.
     *
     * @param knownStacks the ids {@code matrix.stacks} may name; also its default
     * @throws ScenarioException for invalid text
     */
    public static Scenario parse(String text, String fileName, Set<String> knownStacks) {
        Path source;
        try {
            source = Path.of(fileName);
        } catch (InvalidPathException e) {
            source = Path.of("scenario.yaml");
        }
        return new ScenarioLoader(fileName, text, knownStacks).read(source);
    }

    private Scenario read(Path source) {
        if (knownStacks.isEmpty()) {
            throw new IllegalArgumentException("knownStacks must name at least one server stack, got none");
        }
        Node document = compose();
        if (document == null) {
            throw new ScenarioException(file, 1, 1, "the scenario is empty", "no YAML document",
                    "a mapping with at least the keys " + requiredTopLevel(), null);
        }
        // every mapping's keys before any value: a misspelt key explains a "missing key" that follows
        root = mapping(document, "", null);
        for (ScenarioKeys.Section s : ScenarioKeys.sections()) {
            if (s.list()) {
                continue; // its items are read with their values
            }
            Mapping parent = s.topLevel() ? root : sections.get(s.parent());
            NodeTuple entry = parent.entries.get(s.key());
            sections.put(s.name(), entry == null
                    ? Mapping.absent(s.name(), parent.mark)
                    : mapping(entry.getValueNode(), s.name(), entry.getKeyNode().getStartMark()));
        }

        String name = requiredText(root, "name");
        checkName(name);
        String description = optionalText(root, "description", "");

        Mapping m = sections.get("matrix");
        List<String> stacks = idList(m, "stacks", List.copyOf(knownStacks), knownStacks,
                id -> knownStacks.contains(id) ? id : null);
        List<Transport> transports = idList(m, "transports", ScenarioDefaults.TRANSPORTS, ids(Transport.values(), Transport::id),
                id -> find(Transport.values(), Transport::id, id));
        List<Protocol> protocols = idList(m, "protocols", ScenarioDefaults.PROTOCOLS, ids(Protocol.values(), Protocol::id),
                id -> find(Protocol.values(), Protocol::id, id));

        Mapping pathSection = sections.get("path");
        List<ProxyKind> proxies = idList(pathSection, "proxy", ScenarioDefaults.PROXIES, ids(ProxyKind.values(), ProxyKind::id),
                id -> find(ProxyKind.values(), ProxyKind::id, id));
        List<ProxyProfile> profiles = idList(pathSection, "profile", ScenarioDefaults.PROXY_PROFILES,
                ids(ProxyProfile.values(), ProxyProfile::id), id -> find(ProxyProfile.values(), ProxyProfile::id, id));

        List<NetworkLink> links = links(sections.get("network"));

        Mapping c = sections.get("clients");
        int connections = wholeNumber(c, "connections", null, 1, ScenarioDefaults.MAX_CONNECTIONS);
        double rampPerSecond = rate(c, "rampRate", ScenarioDefaults.RAMP_PER_SECOND, false, ScenarioDefaults.MAX_RAMP_PER_SECOND);
        int eventsPerConnection = wholeNumber(c, "eventsPerConnection", ScenarioDefaults.EVENTS_PER_CONNECTION,
                0, ScenarioDefaults.MAX_EVENTS_PER_CONNECTION);
        ClientEngineKind engine = choice(c, "engine", ScenarioDefaults.ENGINE,
                ids(ClientEngineKind.values(), ClientEngineKind::id), id -> find(ClientEngineKind.values(), ClientEngineKind::id, id));
        List<InetAddress> sourceAddresses = sourceAddresses(c, engine);
        double cpuShare = number(c, "cpuShare", ScenarioDefaults.CPU_SHARE, false, 1);
        if (cpuShare < ScenarioDefaults.MIN_CPU_SHARE) {
            throw error(c.value("cpuShare"), "clients.cpuShare must be at least " + ScenarioDefaults.MIN_CPU_SHARE,
                    shown(c.value("cpuShare")), ScenarioKeys.key("clients.cpuShare").allowed(),
                    String.valueOf(ScenarioDefaults.MIN_CPU_SHARE));
        }
        Duration deadAfter = duration(c, "deadAfter", ScenarioDefaults.MAX_INTERVAL, true, ScenarioDefaults.MAX_INTERVAL);
        boolean deadAfterSet = c.value("deadAfter") != null;
        Mapping reconnect = sections.get("clients.reconnect");
        Duration reconnectInitial = duration(reconnect, "initial", ScenarioDefaults.RECONNECT_INITIAL, true, ScenarioDefaults.MAX_INTERVAL);
        Duration reconnectMax = duration(reconnect, "max", ScenarioDefaults.RECONNECT_MAX, true, ScenarioDefaults.MAX_INTERVAL);
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            Node at = reconnect.value("max") != null ? reconnect.value("max") : reconnect.value("initial");
            throw error(at, "clients.reconnect.max must be at least clients.reconnect.initial ("
                    + ScenarioUnits.formatDuration(reconnectInitial) + ")", ScenarioUnits.formatDuration(reconnectMax),
                    ScenarioKeys.key("clients.reconnect.max").allowed(), ScenarioUnits.formatDuration(reconnectInitial));
        }
        double reconnectJitter = number(reconnect, "jitter", ScenarioDefaults.RECONNECT_JITTER, true, 1);

        Mapping f = sections.get("feed");
        int topics = wholeNumber(f, "topics", ScenarioDefaults.TOPICS, 1, ScenarioDefaults.MAX_TOPICS);
        double ratePerSecond = rate(f, "rate", null, true, ScenarioDefaults.MAX_RATE_PER_SECOND);
        int payloadBytes = size(f, "payload", ScenarioDefaults.PAYLOAD_BYTES, ScenarioDefaults.MAX_PAYLOAD_BYTES);
        int historyEvents = wholeNumber(f, "history", ScenarioDefaults.HISTORY_EVENTS, 1, ScenarioDefaults.MAX_HISTORY_EVENTS);
        if (Integer.bitCount(historyEvents) != 1) {
            int next = Integer.highestOneBit(historyEvents) << 1;
            throw error(f.value("history"), "feed.history must be a power of two", String.valueOf(historyEvents),
                    ScenarioKeys.key("feed.history").allowed(), String.valueOf(next));
        }

        Mapping t = sections.get("timing");
        Duration warmup = duration(t, "warmup", ScenarioDefaults.WARMUP, false, ScenarioDefaults.MAX_PHASE);
        Duration duration = duration(t, "duration", null, true, ScenarioDefaults.MAX_PHASE);
        Duration drain = duration(t, "drain", ScenarioDefaults.DRAIN, false, ScenarioDefaults.MAX_PHASE);
        int repeats = wholeNumber(t, "repeats", ScenarioDefaults.REPEATS, 1, ScenarioDefaults.MAX_REPEATS);

        Mapping sse = sections.get("sse");
        Duration sseRetry = duration(sse, "retry", ScenarioDefaults.SSE_RETRY, true, ScenarioDefaults.MAX_INTERVAL);
        if (sseRetry.toNanos() % 1_000_000 != 0) {
            throw error(sse.value("retry"), "sse.retry must be whole milliseconds (the retry: field counts milliseconds)",
                    shown(sse.value("retry")), ScenarioKeys.key("sse.retry").allowed(), null);
        }
        boolean sseProxyHints = bool(sse, "proxyHints", ScenarioDefaults.SSE_PROXY_HINTS);
        Duration sseHeartbeat = duration(sse, "heartbeat", ScenarioDefaults.SSE_HEARTBEAT, true, ScenarioDefaults.MAX_INTERVAL);
        Duration webSocketHeartbeat = duration(sections.get("websocket"), "heartbeat", ScenarioDefaults.WEBSOCKET_HEARTBEAT,
                true, ScenarioDefaults.MAX_INTERVAL);
        Mapping longPolling = sections.get("long-polling");
        Duration hold = duration(longPolling, "hold", ScenarioDefaults.LONG_POLL_HOLD, true, ScenarioDefaults.MAX_PHASE);
        if (hold.compareTo(ScenarioDefaults.LONG_POLL_HOLD_BELOW) >= 0) {
            throw error(longPolling.value("hold"), "long-polling.hold must be shorter than "
                    + ScenarioUnits.formatDuration(ScenarioDefaults.LONG_POLL_HOLD_BELOW), shown(longPolling.value("hold")),
                    ScenarioKeys.key("long-polling.hold").allowed(), null);
        }
        Duration interval = duration(sections.get("short-polling"), "interval", ScenarioDefaults.SHORT_POLL_INTERVAL,
                true, ScenarioDefaults.MAX_PHASE);

        Mapping s = sections.get("server");
        Backpressure backpressure = choice(s, "backpressure", ScenarioDefaults.BACKPRESSURE,
                ids(Backpressure.values(), Backpressure::id), id -> find(Backpressure.values(), Backpressure::id, id));
        int maxBatchEvents = wholeNumber(s, "maxBatchEvents", ScenarioDefaults.MAX_BATCH_EVENTS, 1,
                ScenarioDefaults.MAX_MAX_BATCH_EVENTS);
        int maxPublishBytes = wholeNumber(s, "maxPublishBytes", ScenarioDefaults.MAX_PUBLISH_BYTES,
                ScenarioDefaults.MIN_MAX_PUBLISH_BYTES, ScenarioDefaults.MAX_MAX_PUBLISH_BYTES);
        PublishSpec publish = publish(sections.get("publish"));
        SearchSpec search = search(sections.get("search"), sections.get("search.slo"), connections, ratePerSecond, payloadBytes);
        if (search != null && repeats > 1) {
            throw error(t.value("repeats"), "timing.repeats must be 1 with a search block: the search runs its capacity"
                    + " value search.confirm times itself", shown(t.value("repeats")), "1 with a search block", "1");
        }

        List<NetworkPath> paths = NetworkPath.cross(proxies, profiles);
        List<FaultPlan> faults = faults(duration, paths, engine);
        ClusterSpec cluster = cluster(sections.get("cluster"), connections);

        try {
            Matrix matrix = new Matrix(stacks, transports, protocols, paths, links);
            FeedSpec feed = new FeedSpec(topics, ratePerSecond, payloadBytes, historyEvents);
            Timing timing = new Timing(warmup, duration, drain, repeats);
            TransportOptions transportOptions = new TransportOptions(sseRetry, sseHeartbeat, webSocketHeartbeat, hold, interval,
                    sseProxyHints);
            ServerOptions server = new ServerOptions(backpressure, maxBatchEvents, maxPublishBytes);
            ScenarioRules.check(matrix, feed, timing, transportOptions, server, publish, connections).ifPresent(v -> {
                throw error(markOfFirstWritten(v.key(), v.involved()), v.problem(), v.got(), v.allowed(), v.suggestion());
            });
            Clients clients = new Clients(connections, rampPerSecond, eventsPerConnection, engine, sourceAddresses, cpuShare);
            RecoverySettings recovery = new RecoverySettings(reconnectInitial, reconnectMax, reconnectJitter,
                    deadAfterSet ? deadAfter : null, faults);
            ScenarioRules.checkCluster(cluster, matrix, clients, recovery, publish, search).ifPresent(v -> {
                throw error(markOfFirstWritten(v.key(), v.involved()), v.problem(), v.got(), v.allowed(), v.suggestion());
            });
            return new Scenario(name, description, source, matrix, clients, feed, timing, transportOptions, server, recovery,
                    publish, search, cluster);
        } catch (IllegalArgumentException e) {
            // a record refused what the checks above let through: still a positioned message, never a trace
            throw error(root.mark, e.getMessage(), null, null, null);
        }
    }

    // ---- two-way workloads

    /** publish: null when the block is absent; its rate required when it is written. */
    private PublishSpec publish(Mapping p) {
        if (!root.entries.containsKey("publish")) {
            return null;
        }
        double rate = rate(p, "rate", null, false, ScenarioDefaults.MAX_PUBLISH_RATE_PER_SECOND);
        int payload = size(p, "payload", ScenarioDefaults.PUBLISH_PAYLOAD_BYTES,
                ScenarioDefaults.MAX_MAX_PUBLISH_BYTES - ScenarioDefaults.PUBLISH_JSON_OVERHEAD_BYTES);
        double share = number(p, "share", ScenarioDefaults.PUBLISH_SHARE, false, 1);
        PublishSpec.Target to = choice(p, "to", ScenarioDefaults.PUBLISH_TO, List.of("own", "random"),
                id -> find(PublishSpec.Target.values(), t -> t.name().toLowerCase(Locale.ROOT), id));
        return new PublishSpec(rate, payload, share, to);
    }

    // ---- capacity search

    /** search: null when the block is absent; its variable and slo.p99 required when it is written. */
    private SearchSpec search(Mapping m, Mapping slo, int connections, double ratePerSecond, int payloadBytes) {
        if (!root.entries.containsKey("search")) {
            return null;
        }
        List<String> variables = java.util.Arrays.stream(SearchSpec.Variable.values()).map(SearchSpec.Variable::key).toList();
        required(m, "variable");
        SearchSpec.Variable variable = choice(m, "variable", null, variables, SearchSpec.Variable::fromKey);
        double own = switch (variable) {
            case CONNECTIONS -> connections;
            case FEED_RATE -> ratePerSecond;
            case FEED_PAYLOAD -> payloadBytes;
        };
        double limit = switch (variable) {
            case CONNECTIONS -> ScenarioDefaults.MAX_CONNECTIONS;
            case FEED_RATE -> ScenarioDefaults.MAX_RATE_PER_SECOND;
            case FEED_PAYLOAD -> ScenarioDefaults.MAX_PAYLOAD_BYTES;
        };
        double start = variableValue(m, "start", variable, own, limit);
        if (!(start > 0)) {
            Node at = m.value("start") != null ? m.value("start") : m.value("variable");
            throw error(at, "search.start must be above 0: a search doubles it", m.value("start") != null ? shown(at)
                    : variable.key() + " is 0", ScenarioKeys.key("search.start").allowed(), null);
        }
        double max = variableValue(m, "max", variable, limit, limit);
        if (max < start) {
            throw error(m.value("max"), "search.max must be at least search.start", shown(m.value("max")),
                    ScenarioKeys.key("search.max").allowed(), null);
        }
        double resolution = number(m, "resolution", ScenarioDefaults.SEARCH_RESOLUTION, false,
                ScenarioDefaults.MAX_SEARCH_RESOLUTION);
        if (resolution < ScenarioDefaults.MIN_SEARCH_RESOLUTION) {
            throw error(m.value("resolution"), "search.resolution must be at least " + ScenarioDefaults.MIN_SEARCH_RESOLUTION
                    + " (each halving of the interval is a whole step)", shown(m.value("resolution")),
                    ScenarioKeys.key("search.resolution").allowed(), String.valueOf(ScenarioDefaults.MIN_SEARCH_RESOLUTION));
        }
        int confirm = wholeNumber(m, "confirm", ScenarioDefaults.SEARCH_CONFIRM, 1, ScenarioDefaults.MAX_SEARCH_CONFIRM);
        Duration budget = duration(m, "budget", ScenarioDefaults.SEARCH_BUDGET, true, ScenarioDefaults.MAX_SEARCH_BUDGET);
        if (m.value("slo") == null) {
            throw error(m.mark, "a search block needs search.slo with its p99", "no search.slo",
                    ScenarioKeys.key("search.slo.p99").allowed(), "slo: {p99: 100ms}");
        }
        Duration p99 = duration(slo, "p99", null, true, ScenarioDefaults.MAX_INTERVAL);
        int lost = wholeNumber(slo, "lost", 0, 0, 1_000_000_000);
        int cores = Runtime.getRuntime().availableProcessors();
        Double serverCpu = slo.value("serverCpu") == null ? null : number(slo, "serverCpu", 0, false, 100.0 * cores);
        return new SearchSpec(variable, start, max, resolution, confirm, budget, new SearchSpec.Slo(p99, lost, serverCpu));
    }

    /** A value of the search's variable: a whole number of subscribers, a rate or a size, as the variable is written. */
    private double variableValue(Mapping m, String key, SearchSpec.Variable variable, double defaultValue, double limit) {
        return switch (variable) {
            case CONNECTIONS -> wholeNumber(m, key, (int) defaultValue, 1, (long) limit);
            case FEED_RATE -> rate(m, key, defaultValue, false, limit);
            case FEED_PAYLOAD -> size(m, key, (int) defaultValue, (int) limit);
        };
    }

    // ---- a cluster's run

    /**
     * cluster: null when the block is absent; its server required when it is written. The load agents' count,
     * where the block fixes it, must leave each of them at least one of the {@code connections}.
     */
    private ClusterSpec cluster(Mapping m, int connections) {
        if (!root.entries.containsKey("cluster")) {
            return null;
        }
        List<String> members = members(m);
        String name = ClusterSpec.DEFAULT_NAME;
        ScalarNode nameNode = scalar(m, "name");
        if (nameNode != null) {
            name = nameNode.getValue();
            if (!ClusterSpec.CLUSTER_NAME.matcher(name).matches()) {
                String slug = name.replaceAll("[^A-Za-z0-9._-]+", "-");
                throw error(nameNode, "cluster.name must be letters, digits, dots, underscores and dashes, at most 64",
                        shown(nameNode), ScenarioKeys.key("cluster.name").allowed(),
                        slug.isEmpty() || slug.length() > 64 || slug.equals("-") ? null : slug);
            }
        }
        ScalarNode serverNode = required(m, "server");
        String server = agentName(serverNode, "cluster.server");
        List<String> load = loadAgents(m, server);
        Integer loadAgents = m.value("loadAgents") == null ? null
                : wholeNumber(m, "loadAgents", 1, 1, ClusterSpec.MAX_LOAD_AGENTS);
        if (loadAgents != null && !load.isEmpty() && loadAgents > load.size()) {
            throw error(m.value("loadAgents"), "cluster.loadAgents must be at most the " + load.size() + " agents"
                    + " cluster.load names (the first cluster.loadAgents of them are used)", shown(m.value("loadAgents")),
                    ScenarioKeys.key("cluster.loadAgents").allowed(), String.valueOf(load.size()));
        }
        Integer agents = loadAgents != null ? loadAgents : load.isEmpty() ? null : load.size();
        List<Double> split = split(m, agents);
        ClusterSpec spec = new ClusterSpec(members, name, server, load, loadAgents, split);
        if (spec.loadAgents() != null || !load.isEmpty()) {
            int n = spec.loadAgents() != null ? spec.loadAgents() : load.size();
            int[] shares = spec.split(connections, n);
            for (int i = 0; i < n; i++) {
                if (shares[i] == 0) {
                    Node at = m.value("split") != null ? m.value("split")
                            : m.value("loadAgents") != null ? m.value("loadAgents") : m.value("load");
                    String agent = load.isEmpty() ? "load agent " + (i + 1) : "'" + load.get(i) + "'";
                    throw error(at, "every load agent must get at least one subscriber: " + agent + " gets none of the "
                                    + connections + " (clients.connections)", "shares " + Arrays.toString(shares),
                            m.value("split") != null ? ScenarioKeys.key("cluster.split").allowed()
                                    : "at most " + connections + " load agents (clients.connections), or more connections",
                            null);
                }
            }
        }
        return spec;
    }

    /** cluster.members: distinct host:port addresses; absent or [] for none. */
    private List<String> members(Mapping m) {
        Node node = m.value("members");
        if (node == null) {
            return List.of();
        }
        String path = m.pathOf("members");
        String allowed = ScenarioKeys.key(path).allowed();
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, path + " must be a list, e.g. [10.0.0.5:5701, 10.0.0.6:5701]", shown(node), allowed, null);
        }
        if (sequence.getValue().size() > ClusterSpec.MAX_MEMBERS) {
            throw error(node, path + " lists more than " + ClusterSpec.MAX_MEMBERS + " agents",
                    String.valueOf(sequence.getValue().size()), allowed, null);
        }
        List<String> members = new ArrayList<>();
        Map<String, Mark> seen = new HashMap<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar) || item.getTag().equals(Tag.NULL)) {
                throw error(item, path + " must list host:port addresses", shown(item), allowed, null);
            }
            String member = scalar.getValue().strip();
            String problem = ClusterSpec.memberProblem(member);
            if (problem != null) {
                throw error(item, path + ": '" + shorten(member) + "' " + problem, shown(item), allowed, null);
            }
            Mark first = seen.putIfAbsent(member.toLowerCase(Locale.ROOT), item.getStartMark());
            if (first != null) {
                throw error(item, path + " lists " + member + " twice (first at line " + (first.getLine() + 1)
                        + ", column " + (first.getColumn() + 1) + ")", shown(item), allowed, null);
            }
            members.add(member);
        }
        return List.copyOf(members);
    }

    /** cluster.load: distinct agent names, at least one, none of them the server's; absent: empty. */
    private List<String> loadAgents(Mapping m, String server) {
        Node node = m.value("load");
        if (node == null) {
            return List.of();
        }
        String path = m.pathOf("load");
        String allowed = ScenarioKeys.key(path).allowed();
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, path + " must be a list, e.g. [load-1, load-2]", shown(node), allowed,
                    node instanceof ScalarNode one && !one.getTag().equals(Tag.NULL) ? "[" + one.getValue() + "]" : null);
        }
        if (sequence.getValue().isEmpty()) {
            throw error(node, path + " must name at least one agent; leave the key out for every agent but the server",
                    shown(node), allowed, null);
        }
        if (sequence.getValue().size() > ClusterSpec.MAX_LOAD_AGENTS) {
            throw error(node, path + " names more than " + ClusterSpec.MAX_LOAD_AGENTS + " agents",
                    String.valueOf(sequence.getValue().size()), allowed, null);
        }
        List<String> agents = new ArrayList<>();
        Map<String, Mark> seen = new HashMap<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar) || item.getTag().equals(Tag.NULL)) {
                throw error(item, path + " must list agents' names", shown(item), allowed, null);
            }
            String agent = agentName(scalar, path);
            if (agent.equals(server)) {
                throw error(item, path + " names the serving agent (cluster.server): an agent serves or generates load,"
                        + " not both", shown(item), allowed, null);
            }
            Mark first = seen.putIfAbsent(agent, item.getStartMark());
            if (first != null) {
                throw error(item, path + " lists " + agent + " twice (first at line " + (first.getLine() + 1)
                        + ", column " + (first.getColumn() + 1) + ")", shown(item), allowed, null);
            }
            agents.add(agent);
        }
        return List.copyOf(agents);
    }

    /** An agent's name as {@code scalar} writes it, or a positioned error with the name it likely meant. */
    private String agentName(ScalarNode scalar, String path) {
        String agent = scalar.getValue();
        if (ClusterSpec.AGENT_NAME.matcher(agent).matches()) {
            return agent;
        }
        String slug = agent.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40);
        }
        String problem = agent.length() > 40 ? path + " has an agent's name longer than 40 characters"
                : path + " must name an agent: lower-case letters, digits, dots, underscores and dashes, starting with a"
                + " letter or digit";
        throw error(scalar, problem, shown(scalar), ScenarioKeys.key("cluster.server").allowed(),
                ClusterSpec.AGENT_NAME.matcher(slug).matches() ? slug : null);
    }

    /**
     * cluster.split: one plain number above 0 per load agent; {@code agents} is their count when cluster.loadAgents
     * or cluster.load gives it, null when the split's length does. Absent: empty (even).
     */
    private List<Double> split(Mapping m, Integer agents) {
        Node node = m.value("split");
        if (node == null) {
            return List.of();
        }
        String path = m.pathOf("split");
        String allowed = ScenarioKeys.key(path).allowed();
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, path + " must be a list of weights, one per load agent, e.g. [2, 1]", shown(node), allowed, null);
        }
        if (sequence.getValue().isEmpty()) {
            throw error(node, path + " must give at least one weight; leave the key out for an even split", shown(node),
                    allowed, null);
        }
        if (sequence.getValue().size() > ClusterSpec.MAX_LOAD_AGENTS) {
            throw error(node, path + " gives more than " + ClusterSpec.MAX_LOAD_AGENTS + " weights",
                    String.valueOf(sequence.getValue().size()), allowed, null);
        }
        if (agents != null && sequence.getValue().size() != agents) {
            String by = m.value("loadAgents") != null ? "cluster.loadAgents is " + agents
                    : "cluster.load names " + agents;
            throw error(node, path + " must give one weight per load agent (" + by + ")",
                    sequence.getValue().size() + " weight" + (sequence.getValue().size() == 1 ? "" : "s"), allowed, null);
        }
        List<Double> weights = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar) || item.getTag().equals(Tag.NULL)) {
                throw error(item, path + " must list plain numbers", shown(item), allowed, null);
            }
            double w;
            try {
                if (!scalar.isPlain()) {
                    throw new NumberFormatException("quoted");
                }
                w = Double.parseDouble(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error(item, path + " must list plain numbers", shown(item), allowed, null);
            }
            if (!(w > 0 && w <= ClusterSpec.MAX_WEIGHT)) {
                throw error(item, path + "'s weights must be above 0 and at most " + (long) ClusterSpec.MAX_WEIGHT,
                        shown(item), allowed, null);
            }
            weights.add(w);
        }
        return List.copyOf(weights);
    }

    // ---- the real path: links and faults

    /** network: the links of the matrix, each preset with the figures written here replacing its own. */
    private List<NetworkLink> links(Mapping n) {
        List<String> ids = idList(n, "link", List.of(NetworkLink.NONE.id()), NetworkLink.ids(),
                id -> NetworkLink.ids().contains(id) ? id : null);
        List<String> figures = List.of("rtt", "jitter", "down", "up", "stallEvery", "stallFor", "mtu");
        String firstFigure = figures.stream().filter(k -> n.value(k) != null).findFirst().orElse(null);
        if (firstFigure != null && ids.stream().map(NetworkLink::preset).noneMatch(NetworkLink::shapes)) {
            if (n.value("link") != null) {
                throw error(n.value(firstFigure), "network." + firstFigure + " has no link to change: network.link lists"
                        + " only " + String.join(" and ", ids) + ", which shape nothing", shown(n.value(firstFigure)),
                        "a network.link that shapes: a preset or custom", NetworkLink.CUSTOM);
            }
            ids = List.of(NetworkLink.CUSTOM);
        }
        List<NetworkLink> links = new ArrayList<>();
        for (String id : ids) {
            NetworkLink link = NetworkLink.preset(id);
            if (link.shapes()) {
                Duration stallEvery = duration(n, "stallEvery", link.stallEvery(), false, ScenarioDefaults.MAX_INTERVAL);
                Duration stallFor = duration(n, "stallFor", link.stallFor(), true, ScenarioDefaults.MAX_STALL);
                if (!stallEvery.isZero() && stallFor.isZero()) {
                    throw error(n.value("stallEvery"), "network.stallEvery needs network.stallFor (the mean stall's length)",
                            shown(n.value("stallEvery")), ScenarioKeys.key("network.stallFor").allowed(), "1s");
                }
                link = link.withRtt(duration(n, "rtt", link.rtt(), false, ScenarioDefaults.MAX_RTT))
                        .withJitter(duration(n, "jitter", link.jitter(), false, ScenarioDefaults.MAX_RTT))
                        .withBandwidth(bandwidth(n, "down", link.downBitsPerSecond()), bandwidth(n, "up", link.upBitsPerSecond()))
                        .withStalls(stallEvery, stallFor)
                        .withMtu(wholeNumber(n, "mtu", link.mtu(), NetworkLink.MIN_MTU, NetworkLink.MAX_MTU));
            }
            links.add(link);
        }
        return List.copyOf(links);
    }

    /** Bits per second, 0 for unlimited, else within the allowed range. */
    private long bandwidth(Mapping m, String key, long defaultValue) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        long bits;
        try {
            bits = ScenarioUnits.parseBandwidth(s.getValue());
        } catch (ScenarioUnits.UnitException e) {
            throw error(s, path + " " + e.problem(), shown(s), allowed, e.suggestion());
        }
        if (bits != 0 && (bits < ScenarioDefaults.MIN_BANDWIDTH || bits > ScenarioDefaults.MAX_BANDWIDTH)) {
            throw error(s, path + " must be 0bit/s (unlimited) or between "
                    + ScenarioUnits.formatBandwidth(ScenarioDefaults.MIN_BANDWIDTH) + " and "
                    + ScenarioUnits.formatBandwidth(ScenarioDefaults.MAX_BANDWIDTH), shown(s), allowed, null);
        }
        return bits;
    }

    /** A plain decimal number from 0 ({@code zeroAllowed}) or above 0, at most {@code max}; absent: {@code defaultValue}. */
    private double number(Mapping m, String key, double defaultValue, boolean zeroAllowed, double max) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        double value;
        try {
            if (!s.isPlain()) {
                throw new NumberFormatException("quoted");
            }
            value = Double.parseDouble(s.getValue());
        } catch (NumberFormatException e) {
            String v = s.getValue().strip();
            String suggestion = null;
            if (v.endsWith("%")) {
                try {
                    suggestion = String.valueOf(Double.parseDouble(v.substring(0, v.length() - 1)) / 100);
                } catch (NumberFormatException notPercent) {
                    suggestion = null;
                }
            }
            throw error(s, path + " must be a plain number", shown(s), allowed, suggestion);
        }
        if (!Double.isFinite(value) || value < 0 || (!zeroAllowed && value == 0) || value > max) {
            throw error(s, path + " must be " + (zeroAllowed ? "between 0" : "above 0") + " and at most "
                    + BigDecimal.valueOf(max).stripTrailingZeros().toPlainString(), shown(s), allowed, null);
        }
        return value;
    }

    /** faults: a list of mappings, each checked against the window, the paths and the engine. */
    private List<FaultPlan> faults(Duration window, List<NetworkPath> paths, ClientEngineKind engine) {
        NodeTuple entry = root.entries.get("faults");
        if (entry == null || entry.getValueNode().getTag().equals(Tag.NULL)) {
            return List.of();
        }
        Node node = entry.getValueNode();
        String allowedItem = "a list of mappings, each with the keys " + String.join(", ", ScenarioKeys.namesIn("faults"));
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, "faults must be a list, e.g. [{type: cut, at: 10s, share: 0.5}]", shown(node), allowedItem, null);
        }
        List<FaultPlan> faults = new ArrayList<>();
        for (Node itemNode : sequence.getValue()) {
            Mapping item = mapping(itemNode, "faults", itemNode.getStartMark());
            FaultPlan.Type type = choice(item, "type", null, Arrays.stream(FaultPlan.Type.values()).map(FaultPlan.Type::id).toList(),
                    id -> find(FaultPlan.Type.values(), FaultPlan.Type::id, id));
            if (type == null) {
                required(item, "type");
            }
            Duration every = duration(item, "every", Duration.ZERO, false, ScenarioDefaults.MAX_PHASE);
            Duration at = duration(item, "at", every, false, ScenarioDefaults.MAX_PHASE);
            if (item.value("at") == null && every.isZero()) {
                throw error(item.mark, "a fault needs faults.at (when) or faults.every (how often)", null,
                        ScenarioKeys.key("faults.at").allowed(), null);
            }
            if (at.compareTo(window) >= 0) {
                Node where = item.value("at") != null ? item.value("at") : item.value("every");
                throw error(where, "faults.at must fall inside the measured window (timing.duration "
                        + ScenarioUnits.formatDuration(window) + ")", ScenarioUnits.formatDuration(at),
                        ScenarioKeys.key("faults.at").allowed(), null);
            }
            if (every.compareTo(window) > 0) {
                throw error(item.value("every"), "faults.every must be at most timing.duration ("
                        + ScenarioUnits.formatDuration(window) + ")", ScenarioUnits.formatDuration(every),
                        ScenarioKeys.key("faults.every").allowed(), null);
            }
            double share = number(item, "share", 1, false, 1);
            FaultPlan.Mode mode = choice(item, "mode", FaultPlan.Mode.RESET,
                    Arrays.stream(FaultPlan.Mode.values()).map(FaultPlan.Mode::id).toList(),
                    id -> find(FaultPlan.Mode.values(), FaultPlan.Mode::id, id));
            Duration length = duration(item, "duration", Duration.ZERO, false, ScenarioDefaults.MAX_INTERVAL);
            Duration down = duration(item, "down", Duration.ZERO, false, ScenarioDefaults.MAX_INTERVAL);
            onlyFor(item, "share", type, FaultPlan.Type.CUT, FaultPlan.Type.BLACKHOLE);
            onlyFor(item, "mode", type, FaultPlan.Type.CUT);
            onlyFor(item, "duration", type, FaultPlan.Type.BLACKHOLE);
            onlyFor(item, "down", type, FaultPlan.Type.RESTART);
            if (type == FaultPlan.Type.PROXY_RELOAD && paths.stream().noneMatch(NetworkPath::proxied)) {
                throw error(item.value("type"), "a proxy-reload fault needs a proxy on the path (path.proxy), and the"
                        + " matrix has none", type.id(), "path.proxy: nginx or haproxy, or another fault type", null);
            }
            if (type.onRelay() && engine != ClientEngineKind.NIO) {
                throw error(item.value("type"), "a " + type.id() + " fault needs clients.engine nio: the relay names the"
                        + " connections it hit by their client port, and the jetty engine does not expose it", type.id(),
                        "clients.engine: nio, or a restart or proxy-reload fault", null);
            }
            faults.add(new FaultPlan(type, type == FaultPlan.Type.CUT ? mode : null, at, every, share, length, down));
        }
        return List.copyOf(faults);
    }

    /** A key that means something only for some fault types is refused for the others, not silently ignored. */
    private void onlyFor(Mapping item, String key, FaultPlan.Type type, FaultPlan.Type... types) {
        Node node = item.value(key);
        if (node != null && !Arrays.asList(types).contains(type)) {
            throw error(node, "faults." + key + " does not apply to a " + type.id() + " fault", shown(node),
                    "faults." + key + " with type " + Arrays.stream(types).map(FaultPlan.Type::id)
                            .collect(java.util.stream.Collectors.joining(" or ")), null);
        }
    }

    // ---- YAML structure

    /** A mapping whose keys have been checked: each known and given once. */
    private static final class Mapping {
        final String path;
        /** Where errors about the mapping as a whole point: its key in the parent, or the document start. */
        final Mark mark;
        final Map<String, NodeTuple> entries = new LinkedHashMap<>();

        Mapping(String path, Mark mark) {
            this.path = path;
            this.mark = mark;
        }

        static Mapping absent(String path, Mark parentMark) {
            return new Mapping(path, parentMark);
        }

        Node value(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        String pathOf(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private Mapping mapping(Node node, String path, Mark keyMark) {
        List<String> allowedKeys = ScenarioKeys.namesIn(path);
        String where = path.isEmpty() ? "the scenario" : path;
        if (!(node instanceof MappingNode mappingNode)) {
            throw error(node.getStartMark(), where + " must be a mapping of keys to values", shown(node),
                    "the keys " + String.join(", ", allowedKeys), null);
        }
        Mapping m = new Mapping(path, keyMark != null ? keyMark : node.getStartMark());
        for (NodeTuple entry : mappingNode.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey) || keyNode.getTag().equals(Tag.NULL)) {
                throw error(keyNode.getStartMark(), "a key in " + where + " must be a plain name", shown(keyNode),
                        String.join(", ", allowedKeys), null);
            }
            String key = scalarKey.getValue();
            NodeTuple first = m.entries.get(key);
            if (first != null) {
                Mark firstMark = first.getKeyNode().getStartMark();
                throw error(keyNode.getStartMark(), m.pathOf(key) + " is given twice (first at line "
                                + (firstMark.getLine() + 1) + ", column " + (firstMark.getColumn() + 1) + ")",
                        shown(entry.getValueNode()), "each key at most once", null);
            }
            if (!allowedKeys.contains(key)) {
                throw unknownKey(scalarKey, path, where, allowedKeys);
            }
            m.entries.put(key, entry);
        }
        return m;
    }

    private ScenarioException unknownKey(ScalarNode keyNode, String path, String where, List<String> allowedKeys) {
        String key = keyNode.getValue();
        String suggestion = Suggestions.closest(key, allowedKeys);
        String problem = "unknown key in " + where;
        if (suggestion == null) {
            // right name, wrong place: say where it belongs
            for (ScenarioKeys.Key k : ScenarioKeys.all()) {
                if (k.name().equals(key) && !k.section().equals(path)) {
                    problem += " ('" + key + "' belongs " + (k.section().isEmpty() ? "at the top level" : "in " + k.section()) + ")";
                    break;
                }
            }
        }
        return error(keyNode.getStartMark(), problem, "'" + shorten(key) + "'", String.join(", ", allowedKeys), suggestion);
    }

    // ---- values

    /** The value of {@code key}: a non-null scalar, or null if the key is absent. */
    private ScalarNode scalar(Mapping m, String key) {
        Node node = m.value(key);
        if (node == null) {
            return null;
        }
        ScenarioKeys.Key k = ScenarioKeys.key(m.pathOf(key));
        if (!(node instanceof ScalarNode scalar)) {
            throw error(node.getStartMark(), m.pathOf(key) + " must be a single value, not "
                    + (node instanceof SequenceNode ? "a list" : "a mapping"), shown(node), k.allowed(), null);
        }
        if (scalar.getTag().equals(Tag.NULL)) {
            throw error(node.getStartMark(), m.pathOf(key) + " needs a value", shown(node), k.allowed(), null);
        }
        return scalar;
    }

    private ScalarNode required(Mapping m, String key) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            ScenarioKeys.Key k = ScenarioKeys.key(m.pathOf(key));
            int dot = m.path.lastIndexOf('.');
            Mapping parent = dot < 0 ? root : sections.get(m.path.substring(0, dot));
            if (!m.path.isEmpty() && (parent == null || !parent.entries.containsKey(m.path.substring(dot + 1)))) {
                throw error(m.mark, "missing required section '" + m.path + "'", null,
                        "a mapping with at least " + requiredIn(m.path), null);
            }
            throw error(m.mark, "missing required key '" + m.pathOf(key) + "'", null, k.allowed(), null);
        }
        return s;
    }

    private String requiredText(Mapping m, String key) {
        return required(m, key).getValue();
    }

    private String optionalText(Mapping m, String key, String defaultValue) {
        ScalarNode s = scalar(m, key);
        return s == null ? defaultValue : s.getValue();
    }

    private void checkName(String name) {
        if (ScenarioDefaults.NAME_PATTERN.matcher(name).matches() && name.length() <= ScenarioDefaults.MAX_NAME_LENGTH) {
            return;
        }
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > ScenarioDefaults.MAX_NAME_LENGTH) {
            slug = slug.substring(0, ScenarioDefaults.MAX_NAME_LENGTH).replaceAll("-+$", "");
        }
        throw error(root.value("name"), name.length() > ScenarioDefaults.MAX_NAME_LENGTH
                        ? "name is too long for a run id (" + name.length() + " characters)"
                        : "name must be usable in a run id and a directory name",
                shown(root.value("name")), ScenarioKeys.key("name").allowed(), slug.isEmpty() ? null : slug);
    }

    /** A whole number in [min, max]; {@code defaultValue} null means required. */
    private int wholeNumber(Mapping m, String key, Integer defaultValue, long min, long max) {
        ScalarNode s = defaultValue == null ? required(m, key) : scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        if (!s.isPlain()) {
            throw error(s, path + " must be a whole number, not quoted text", shown(s), allowed, s.getValue());
        }
        if (!WHOLE_NUMBER.matcher(s.getValue()).matches()) {
            throw error(s, path + " must be a whole number", shown(s), allowed, null);
        }
        BigInteger value = new BigInteger(s.getValue().replace("_", "").replace("+", ""));
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(s, path + " must be between " + min + " and " + max, shown(s), allowed, null);
        }
        return value.intValueExact();
    }

    private Duration duration(Mapping m, String key, Duration defaultValue, boolean positive, Duration max) {
        ScalarNode s = defaultValue == null ? required(m, key) : scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        Duration d;
        try {
            d = ScenarioUnits.parseDuration(s.getValue());
        } catch (ScenarioUnits.UnitException e) {
            throw error(s, path + " " + e.problem(), shown(s), allowed, e.suggestion());
        }
        if (positive && d.isZero()) {
            throw error(s, path + " must be above 0s", shown(s), allowed, null);
        }
        if (d.compareTo(max) > 0) {
            throw error(s, path + " must be at most " + ScenarioUnits.formatDuration(max), shown(s), allowed, null);
        }
        return d;
    }

    private int size(Mapping m, String key, int defaultValue, int max) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        long bytes;
        try {
            bytes = ScenarioUnits.parseSize(s.getValue());
        } catch (ScenarioUnits.UnitException e) {
            throw error(s, path + " " + e.problem(), shown(s), allowed, e.suggestion());
        }
        if (bytes > max) {
            throw error(s, path + " must be at most " + ScenarioUnits.formatSize(max), shown(s), allowed, null);
        }
        return (int) bytes;
    }

    /**
     * Events per second, above 0 (or 0 when {@code zeroAllowed}: a rule decides) and at most {@code max};
     * {@code defaultValue} null means required.
     */
    private double rate(Mapping m, String key, Double defaultValue, boolean zeroAllowed, double max) {
        ScalarNode s = defaultValue == null ? required(m, key) : scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = ScenarioKeys.key(path).allowed();
        double perSecond;
        try {
            perSecond = ScenarioUnits.parseRate(s.getValue());
        } catch (ScenarioUnits.UnitException e) {
            throw error(s, path + " " + e.problem(), shown(s), allowed, e.suggestion());
        }
        if (!(perSecond > 0) && !(zeroAllowed && perSecond == 0)) {
            throw error(s, path + " must be above 0/s", shown(s), allowed, null);
        }
        if (perSecond > max) {
            throw error(s, path + " must be at most " + ScenarioUnits.formatRate(max), shown(s), allowed, null);
        }
        return perSecond;
    }

    private <T> T choice(Mapping m, String key, T defaultValue, List<String> ids, Function<String, T> lookup) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        T value = lookup.apply(s.getValue());
        if (value == null) {
            throw error(s, m.pathOf(key) + " has an unknown value", shown(s), String.join(", ", ids),
                    Suggestions.closest(s.getValue(), ids));
        }
        return value;
    }

    /**
     * clients.sourceAddresses: distinct IPv4 addresses written as four decimal numbers, each one this
     * machine can bind a socket to; one at most with engine jetty. Absent: empty (the default is the runner's).
     */
    private List<InetAddress> sourceAddresses(Mapping m, ClientEngineKind engine) {
        Node node = m.value("sourceAddresses");
        if (node == null) {
            return List.of();
        }
        String path = m.pathOf("sourceAddresses");
        String allowed = ScenarioKeys.key(path).allowed();
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node.getStartMark(), path + " must be a list, e.g. [127.0.0.2, 127.0.0.3]", shown(node), allowed, null);
        }
        if (sequence.getValue().isEmpty()) {
            throw error(node.getStartMark(), path + " must list at least one address; leave the key out for the default",
                    shown(node), allowed, null);
        }
        if (sequence.getValue().size() > ScenarioDefaults.MAX_SOURCE_ADDRESSES) {
            throw error(node.getStartMark(), path + " lists more than " + ScenarioDefaults.MAX_SOURCE_ADDRESSES + " addresses",
                    String.valueOf(sequence.getValue().size()), allowed, null);
        }
        if (engine == ClientEngineKind.JETTY && sequence.getValue().size() > 1) {
            throw error(node.getStartMark(), Clients.jettyHasOneSourceAddress(sequence.getValue().size()), shown(node),
                    allowed, null);
        }
        List<InetAddress> addresses = new ArrayList<>();
        Map<InetAddress, Mark> seen = new HashMap<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar) || item.getTag().equals(Tag.NULL)) {
                throw error(item.getStartMark(), path + " must list plain addresses", shown(item), allowed, null);
            }
            InetAddress address = ipv4(scalar.getValue());
            if (address == null) {
                throw error(item, path + " must list IPv4 addresses written as four numbers 0-255 (no host names:"
                        + " nothing is looked up)", shown(item), allowed, null);
            }
            if (address.isAnyLocalAddress() || address.isMulticastAddress() || scalar.getValue().equals("255.255.255.255")) {
                throw error(item, path + " must list addresses of one interface, not a wildcard, multicast or broadcast"
                        + " address", shown(item), allowed, null);
            }
            Mark first = seen.putIfAbsent(address, item.getStartMark());
            if (first != null) {
                throw error(item, path + " lists " + scalar.getValue() + " twice (first at line " + (first.getLine() + 1)
                        + ", column " + (first.getColumn() + 1) + ")", shown(item), allowed, null);
            }
            String notLocal = bindFails(address);
            if (notLocal != null) {
                throw error(item, path + " must list addresses of this machine: binding a socket to " + scalar.getValue()
                        + " failed (" + notLocal + ")", shown(item), allowed, null);
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    /** {@code text} as an IPv4 address when it is four decimal numbers 0-255 joined by dots, else null. */
    public static InetAddress ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                    || p.length() > 1 && p.charAt(0) == '0') {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            bytes[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Why a TCP socket cannot be bound to {@code address} (port 0) on this machine, or null if it can. */
    private static String bindFails(InetAddress address) {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
            probe.bind(new java.net.InetSocketAddress(address, 0));
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** {@code true} or {@code false}, as YAML 1.1 spells them ({@code on}, {@code yes} too, as snakeyaml reads them). */
    private boolean bool(Mapping m, String key, boolean defaultValue) {
        ScalarNode s = scalar(m, key);
        if (s == null) {
            return defaultValue;
        }
        if (!s.getTag().equals(Tag.BOOL)) {
            throw error(s, m.pathOf(key) + " must be true or false", shown(s), ScenarioKeys.key(m.pathOf(key)).allowed(), null);
        }
        String v = s.getValue().toLowerCase(java.util.Locale.ROOT);
        return v.equals("true") || v.equals("on") || v.equals("yes") || v.equals("y");
    }

    /** A list of distinct ids, at least one; for a {@code path} key one id alone stands for a list of it. */
    private <T> List<T> idList(Mapping m, String key, List<T> defaultValue, java.util.Collection<String> ids,
            Function<String, T> lookup) {
        Node node = m.value(key);
        if (node == null) {
            return defaultValue;
        }
        String path = m.pathOf(key);
        String allowed = path.equals("matrix.stacks")
                ? String.join(", ", ids) + ", each at most once"
                : ScenarioKeys.key(path).allowed();
        if ((path.startsWith("path.") || path.equals("network.link")) && node instanceof ScalarNode one && !one.getTag().equals(Tag.NULL)) {
            T value = lookup.apply(one.getValue());
            if (value == null) {
                throw error(node.getStartMark(), path + " has an unknown value", shown(node), allowed,
                        Suggestions.closest(one.getValue(), ids));
            }
            return List.of(value);
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node.getStartMark(), path + " must be a list, e.g. [" + String.join(", ", ids) + "]",
                    shown(node), allowed, null);
        }
        if (sequence.getValue().isEmpty()) {
            throw error(node.getStartMark(), path + " must list at least one; leave the key out for all",
                    shown(node), allowed, null);
        }
        List<T> values = new ArrayList<>();
        Map<String, Mark> seen = new HashMap<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar) || item.getTag().equals(Tag.NULL)) {
                throw error(item.getStartMark(), path + " must list plain ids", shown(item), allowed, null);
            }
            String id = scalar.getValue();
            T value = lookup.apply(id);
            if (value == null) {
                throw error(item.getStartMark(), path + " has an unknown value", shown(item), allowed,
                        Suggestions.closest(id, ids));
            }
            Mark first = seen.putIfAbsent(id, item.getStartMark());
            if (first != null) {
                throw error(item.getStartMark(), path + " lists " + id + " twice (first at line " + (first.getLine() + 1)
                        + ", column " + (first.getColumn() + 1) + ")", shown(item), allowed, null);
            }
            values.add(value);
        }
        return List.copyOf(values);
    }

    // ---- errors and positions

    private Mark markOfFirstWritten(String key, List<String> involved) {
        for (String path : Stream.concat(Stream.of(key), involved.stream()).toList()) {
            int dot = path.indexOf('.');
            Mapping m = dot < 0 ? root : sections.get(path.substring(0, dot));
            Node node = m.value(path.substring(dot + 1));
            if (node != null) {
                return node.getStartMark();
            }
        }
        int dot = key.indexOf('.');
        return dot < 0 ? root.mark : sections.get(key.substring(0, dot)).mark;
    }

    private ScenarioException error(Node node, String problem, String got, String allowed, String suggestion) {
        return error(node.getStartMark(), problem, got, allowed, suggestion);
    }

    private ScenarioException error(Mark mark, String problem, String got, String allowed, String suggestion) {
        return new ScenarioException(file, mark.getLine() + 1, mark.getColumn() + 1, problem, got, allowed, suggestion);
    }

    /** A node as the user wrote it, short enough for one line of an error message. */
    static String shown(Node node) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue().isEmpty() ? "[]" : "a list";
        }
        if (node instanceof MappingNode mapping) {
            return mapping.getValue().isEmpty() ? "{}" : "a mapping";
        }
        ScalarNode s = (ScalarNode) node;
        if (s.getTag().equals(Tag.NULL) && s.isPlain()) {
            return "nothing";
        }
        String value = shorten(s.getValue());
        if (s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED) {
            return '"' + value + '"';
        }
        if (s.getScalarStyle() == ScalarStyle.SINGLE_QUOTED) {
            return "'" + value + "'";
        }
        return value;
    }

    private static String shorten(String value) {
        String oneLine = value.replace("\n", "\\n").replace("\t", "\\t");
        return oneLine.length() <= SHOWN_VALUE_CHARS ? oneLine : oneLine.substring(0, SHOWN_VALUE_CHARS) + "…";
    }

    private static String requiredTopLevel() {
        List<String> required = new ArrayList<>(ScenarioKeys.all().stream()
                .filter(k -> k.section().isEmpty() && k.required()).map(ScenarioKeys.Key::name).toList());
        ScenarioKeys.sections().stream().filter(ScenarioKeys.Section::required).forEach(s -> required.add(s.name()));
        return String.join(", ", required);
    }

    private static String requiredIn(String section) {
        return ScenarioKeys.all().stream().filter(k -> k.section().equals(section) && k.required())
                .map(ScenarioKeys.Key::name).collect(Collectors.joining(", "));
    }

    // ---- text and YAML syntax

    private Node compose() {
        LoaderOptions options = YamlLimits.options();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try {
            return new Yaml(options).compose(new StringReader(body));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = "not valid YAML: " + syntaxProblem(e);
            if (mark == null) {
                throw new ScenarioException(file, 0, 0, problem, null, null, null);
            }
            throw new ScenarioException(file, mark.getLine() + 1, mark.getColumn() + 1, problem, lineAt(body, mark.getLine()),
                    null, null);
        } catch (ReaderException e) {
            int[] lineColumn = YamlLimits.lineColumnOfCodePoint(body, e.getPosition());
            throw new ScenarioException(file, lineColumn[0], lineColumn[1], "not valid YAML: a character YAML does not allow",
                    String.format("U+%04X", e.getCodePoint()), "printable Unicode text", null);
        } catch (YAMLException e) {
            YamlLimits.Breach breach = YamlLimits.find(body, e);
            if (breach != null) {
                throw new ScenarioException(file, breach.line(), breach.column(), "refused: " + breach.problem(),
                        lineAt(body, breach.line() - 1), null, null);
            }
            throw new ScenarioException(file, 0, 0, "not valid YAML: " + oneLine(String.valueOf(e.getMessage())), null, null, null);
        }
    }

    /** SnakeYAML's problem and context, in the order they read as one sentence. */
    private static String syntaxProblem(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? null : oneLine(e.getProblem());
        String context = e.getContext() == null ? null : oneLine(e.getContext());
        if (problem == null || context == null) {
            return problem != null ? problem : String.valueOf(context);
        }
        Mark c = e.getContextMark();
        String at = c == null ? "" : " at line " + (c.getLine() + 1) + ", column " + (c.getColumn() + 1);
        if (problem.startsWith("but ")) {
            // "expected a single document in the stream", "but found another document"
            return context + " (started" + at + "), " + problem;
        }
        return problem + " (" + context + at + ")";
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** The 0-based line of {@code text}, trimmed, or null if it is blank. */
    private static String lineAt(String text, int line) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        if (line < 0 || line >= lines.length || lines[line].isBlank()) {
            return null;
        }
        return "'" + shorten(lines[line].strip()) + "'";
    }

    private static String decodeUtf8(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ScenarioException(name, line, at - lineStart + 1, "the file is not UTF-8 text",
                    String.format("the byte 0x%02X", bytes[at] & 0xff), "a UTF-8 text file", null);
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static String yamlFilesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> yaml = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml")).sorted().toList();
            return yaml.isEmpty() ? "a .yaml file" : "one of the files in it: " + String.join(", ", yaml);
        } catch (IOException e) {
            return "a .yaml file";
        }
    }

    private static <T> List<String> ids(T[] values, Function<T, String> id) {
        return Stream.of(values).map(id).toList();
    }

    private static <T> T find(T[] values, Function<T, String> id, String wanted) {
        for (T v : values) {
            if (id.apply(v).equals(wanted)) {
                return v;
            }
        }
        return null;
    }
}
