package dev.pushbench.runner.cluster;

import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.runner.cluster.ClusterNode.ClusterException;
import dev.pushbench.runner.scenario.ClusterSpec;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's side of a cluster ({@code pushbench run --cluster}): a member of the cluster that
 * finds the agents, places the roles the scenario's {@code cluster} block names, starts each role's
 * child on its agent ({@link RemoteChild}), and routes what the children say back to them. Every request
 * has a timeout and an agent that leaves is noticed ({@link #leftAt}), so no wait outlasts a dead member.
 *
 * <pre>
 *   try (ClusterController c = ClusterController.connect(options, spec, System.out)) {
 *       RemoteChild server = c.start(c.server(), "server", "c1-server", serverJson);
 *   }
 * </pre>
 */
public final class ClusterController implements AutoCloseable {
    /** How long agents have to answer the controller's hello. */
    static final Duration DISCOVERY = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ClusterNode node;
    private final String clusterName;
    private final ClusterSpec spec;
    private final String inbox;
    private final MessageConsumer<JsonObject> inboxConsumer;
    private final Map<String, RemoteChild> children = new ConcurrentHashMap<>();
    private final Map<String, AgentInfo> agents = new ConcurrentHashMap<>();
    /** An agent's name → when it left the cluster. */
    private final Map<String, String> left = new ConcurrentHashMap<>();
    private final AtomicInteger started = new AtomicInteger();
    private final PrintStream out;

    private ClusterController(ClusterNode node, ClusterSpec spec, PrintStream out) {
        this.node = node;
        this.clusterName = spec.name();
        this.spec = spec;
        this.out = out;
        this.inbox = "pushbench." + clusterName + ".controller." + UUID.randomUUID();
        this.inboxConsumer = node.bus().consumer(inbox, m -> route(m.body()));
        node.onLeft(this::memberLeft);
    }

    /**
     * Joins the cluster and finds its agents: those named by the scenario (or enough others) must answer
     * within {@link #DISCOVERY}.
     *
     * @throws ClusterException naming what is missing and which agents did answer
     */
    public static ClusterController connect(ClusterNode.Options options, ClusterSpec spec, PrintStream out)
            throws ClusterException, InterruptedException {
        ClusterNode node = ClusterNode.join(options, Duration.ofSeconds(60));
        ClusterController c = new ClusterController(node, spec, out);
        try {
            c.discover();
            return c;
        } catch (ClusterException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void discover() throws ClusterException, InterruptedException {
        String replies = inbox + ".hello";
        MessageConsumer<JsonObject> consumer = node.bus().consumer(replies, m -> {
            AgentInfo info = AgentInfo.of(m.body());
            agents.put(info.name(), info);
        });
        try {
            long deadline = System.nanoTime() + DISCOVERY.toNanos();
            while (System.nanoTime() < deadline) {
                node.bus().publish(ClusterNode.agentsAddress(clusterName), new JsonObject().put("op", "hello").put("replyTo", replies));
                Thread.sleep(500);
                if (placementProblem() == null) {
                    Thread.sleep(500); // a straggler answering the same hello is not left out
                    break;
                }
            }
        } finally {
            consumer.unregister();
        }
        String problem = placementProblem();
        if (problem != null) {
            throw new ClusterException(problem);
        }
    }

    /** Why the roles cannot be placed on the agents that answered; null when they can. */
    private String placementProblem() {
        List<String> answered = agents.keySet().stream().sorted().toList();
        String seen = answered.isEmpty() ? "no agent answered" : "agents that answered: " + String.join(", ", answered);
        if (!agents.containsKey(spec.server())) {
            return "cluster '" + clusterName + "': no agent named " + spec.server() + " (cluster.server) answered within "
                    + DISCOVERY.toSeconds() + " s; " + seen;
        }
        for (String name : spec.load()) {
            if (!agents.containsKey(name)) {
                return "cluster '" + clusterName + "': no agent named " + name + " (cluster.load) answered within "
                        + DISCOVERY.toSeconds() + " s; " + seen;
            }
        }
        int want = wantedLoadAgents();
        if (loads().size() < want) {
            return "cluster '" + clusterName + "': " + want + " load agents are needed besides the server " + spec.server()
                    + ", " + loads().size() + " answered; " + seen;
        }
        return null;
    }

    private int wantedLoadAgents() {
        if (spec.loadAgents() != null) {
            return spec.loadAgents();
        }
        if (!spec.load().isEmpty()) {
            return spec.load().size();
        }
        return spec.split().isEmpty() ? 1 : spec.split().size();
    }

    /** The serving agent. */
    public AgentInfo server() {
        return agents.get(spec.server());
    }

    /**
     * The load agents still in the cluster, in the scenario's order: those named in {@code cluster.load} (or every
     * other agent, by name), at most {@code cluster.loadAgents} of them.
     */
    public List<AgentInfo> loads() {
        List<AgentInfo> candidates = new ArrayList<>();
        if (!spec.load().isEmpty()) {
            for (String name : spec.load()) {
                AgentInfo a = agents.get(name);
                if (a != null && !left.containsKey(name)) {
                    candidates.add(a);
                }
            }
        } else {
            agents.values().stream().filter(a -> !a.name().equals(spec.server()) && !left.containsKey(a.name()))
                    .sorted(Comparator.comparing(AgentInfo::name)).forEach(candidates::add);
        }
        int want = wantedLoadAgents();
        return candidates.size() > want ? List.copyOf(candidates.subList(0, want)) : List.copyOf(candidates);
    }

    /** How many load agents the scenario asks for. */
    public int loadAgentsWanted() {
        return wantedLoadAgents();
    }

    public ClusterSpec spec() {
        return spec;
    }

    ClusterNode node() {
        return node;
    }

    String clusterName() {
        return clusterName;
    }

    /** True while {@code agent} is in the cluster. */
    public boolean isMember(AgentInfo agent) {
        return !left.containsKey(agent.name());
    }

    /** When {@code agent} left the cluster (HH:mm:ss), or null while it is in it. */
    public String leftAt(AgentInfo agent) {
        return left.get(agent.name());
    }

    private void memberLeft(String nodeId) {
        for (AgentInfo a : agents.values()) {
            if (a.node().equals(nodeId)) {
                String at = LocalTime.now().format(CLOCK);
                left.put(a.name(), at);
                out.printf("cluster: agent %s (%s) left the cluster at %s%n", a.name(), a.host(), at);
            }
        }
    }

    /** What an agent's child said, or that it exited, to that child. */
    private void route(JsonObject envelope) {
        RemoteChild child = children.get(envelope.getString("child", ""));
        if (child == null) {
            return;
        }
        String exited = envelope.getString("exited");
        if (exited != null) {
            child.deliver(new RemoteChild.Exited(exited));
            children.remove(child.id());
        } else {
            child.deliver(ControlCodec.decode(envelope.getString("message")));
        }
    }

    /**
     * Starts {@code role} ({@code server} or {@code loadgen}) on {@code agent} with its spec file's content; a load
     * generator gets its spec at once and warms up.
     */
    public RemoteChild start(AgentInfo agent, String role, String cellName, String specJson)
            throws ClusterException, InterruptedException {
        String id = "c" + started.incrementAndGet() + "-" + role + "-" + cellName.replaceAll("[^a-z0-9-]", "-");
        if (id.length() > 80) {
            id = id.substring(0, 80);
        }
        if (left.containsKey(agent.name())) {
            throw new ClusterException("agent " + agent.name() + " (" + agent.host() + ") left the cluster at " + left.get(agent.name()));
        }
        JsonObject request = new JsonObject().put("op", "start").put("role", role).put("child", id).put("replyTo", inbox)
                .put("controller", node.nodeId()).put("content", specJson);
        RemoteChild child = new RemoteChild(this, agent, role, id);
        children.put(id, child);
        JsonObject answer;
        try {
            answer = node.request(ClusterNode.agentAddress(clusterName, agent.name()), request, REQUEST_TIMEOUT);
        } catch (ClusterException e) {
            children.remove(id);
            throw new ClusterException("agent " + agent.name() + " (" + agent.host() + ") did not start the " + role + ": "
                    + e.getMessage());
        }
        child.started(answer.getLong("pid", -1L));
        return child;
    }

    /** Asks the child's agent to end it; an agent gone or not answering is let be (its children end with it). */
    void stop(RemoteChild child) {
        if (left.containsKey(child.agent().name())) {
            return;
        }
        node.bus().request(ClusterNode.agentAddress(clusterName, child.agent().name()),
                new JsonObject().put("op", "stop").put("child", child.id()), ClusterNode.timeout(Duration.ofSeconds(10)));
    }

    /**
     * {@code load}'s clock against {@code server}'s, estimated by {@code load}: over the event bus and over TCP.
     *
     * @return the event bus's estimate and the TCP one
     */
    public ClockSync.Estimate[] sync(AgentInfo load, AgentInfo server, int samples) throws ClusterException, InterruptedException {
        JsonObject answer = node.request(ClusterNode.agentAddress(clusterName, load.name()), new JsonObject().put("op", "sync")
                .put("server", server.name()).put("tcpHost", server.host()).put("tcpPort", server.clockPort())
                .put("samples", samples), REQUEST_TIMEOUT);
        return new ClockSync.Estimate[] {Agent.estimate(answer.getJsonObject("bus")), Agent.estimate(answer.getJsonObject("tcp"))};
    }

    /** One of a child's files from its agent ({@code server.log}, {@code loadgen.log}, {@code latency.hlog}); null when missing. */
    public String fetch(RemoteChild child, String name) throws ClusterException, InterruptedException {
        JsonObject answer = node.request(ClusterNode.agentAddress(clusterName, child.agent().name()),
                new JsonObject().put("op", "fetch").put("child", child.id()).put("name", name), REQUEST_TIMEOUT);
        return answer.getString("content");
    }

    @Override
    public void close() {
        for (RemoteChild c : children.values()) {
            stop(c);
        }
        inboxConsumer.unregister();
        node.close();
    }
}
