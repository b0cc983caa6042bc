package dev.pushbench.runner.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * This JVM as a member of a pushbench cluster: a Hazelcast member found through an explicit list of
 * TCP addresses (no multicast, no auto-detection, no phone-home), bound to one address, under a cluster
 * name (members of another name are refused by Hazelcast), and a Vert.x clustered event bus on top.
 * Agents and the controller are both members.
 *
 * <pre>
 *   try (ClusterNode node = ClusterNode.join(new ClusterNode.Options("127.0.0.1", 5701, 0,
 *           List.of("127.0.0.1:5701", "127.0.0.1:5702"), "pushbench"), Duration.ofSeconds(30))) {
 *       node.bus().request(ClusterNode.agentAddress("pushbench", "load-1"), json);
 *   }
 * </pre>
 *
 * <p>A member that leaves (its process ended, its host unreachable) is seen within
 * {@link #HEARTBEAT_TIMEOUT_SECONDS} at most: Hazelcast's heartbeat timeout is lowered from its
 * 60 s default, since a controller must not wait a minute to learn that a load agent died.
 */
public final class ClusterNode implements AutoCloseable {
    /** A member silent this long is taken to have left. */
    static final int HEARTBEAT_TIMEOUT_SECONDS = 10;
    /** Held here: java.util.logging keeps only weak references to its loggers, and their levels with them. */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

    /**
     * @param bind     the address Hazelcast and the event bus listen on (and the only one)
     * @param port     Hazelcast's port
     * @param busPort  the event bus's port (0: any free)
     * @param members  the members to join through, {@code host:port}
     * @param name     the cluster's name
     */
    public record Options(String bind, int port, int busPort, List<String> members, String name) {
        public Options {
            members = List.copyOf(members);
        }
    }

    private final HazelcastInstance hazelcast;
    private final Vertx vertx;
    private final List<Consumer<String>> leftListeners = new CopyOnWriteArrayList<>();

    private ClusterNode(HazelcastInstance hazelcast, Vertx vertx) {
        this.hazelcast = hazelcast;
        this.vertx = vertx;
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String id = event.getMember().getUuid().toString();
                for (Consumer<String> l : leftListeners) {
                    l.accept(id);
                }
            }
        });
    }

    /**
     * Joins the cluster (or starts it, when no member answers), within {@code timeout}.
     *
     * @throws ClusterException naming the address when the port is taken or the join fails
     */
    public static ClusterNode join(Options o, Duration timeout) throws ClusterException {
        // Hazelcast's own account goes to java.util.logging, silent unless PUSHBENCH_HAZELCAST_LOG names a level (INFO,
        // WARNING, SEVERE): what fails (a port taken, a member gone) reaches the user as pushbench's own message, never
        // as Hazelcast's stack trace
        System.setProperty("hazelcast.logging.type", "jdk");
        HAZELCAST_LOG.setLevel(hazelcastLogLevel(System.getenv("PUSHBENCH_HAZELCAST_LOG")));
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(o.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(HEARTBEAT_TIMEOUT_SECONDS));
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(o.port()).setPortAutoIncrement(false);
        network.setPublicAddress(o.bind() + ":" + o.port());
        network.getInterfaces().setEnabled(true).setInterfaces(List.of(o.bind()));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(o.members()).setConnectionTimeoutSeconds(2);
        // Vert.x names its node by this member attribute when it is handed a Hazelcast instance of ours
        config.getMemberAttributeConfig().setAttribute("__vertx.nodeId", java.util.UUID.randomUUID().toString());
        HazelcastInstance hz;
        try {
            hz = Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            throw new ClusterException("cannot join the cluster '" + o.name() + "' from " + o.bind() + ":" + o.port() + ": "
                    + e.getMessage() + " (is the port free, and the address this machine's?)");
        }
        HazelcastClusterManager manager = new HazelcastClusterManager(hz);
        VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
                .setHost(o.bind()).setPort(o.busPort()).setClusterPublicHost(o.bind()));
        try {
            Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
                    .toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ClusterNode(hz, vertx);
        } catch (Exception e) {
            hz.shutdown();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ClusterException("cannot start the event bus on " + o.bind() + ":" + o.busPort() + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
        }
    }

    /** The level PUSHBENCH_HAZELCAST_LOG names; OFF when it is unset or names none. */
    static java.util.logging.Level hazelcastLogLevel(String name) {
        try {
            return name == null || name.isBlank() ? java.util.logging.Level.OFF : java.util.logging.Level.parse(name.trim());
        } catch (IllegalArgumentException e) {
            return java.util.logging.Level.OFF;
        }
    }

    public Vertx vertx() {
        return vertx;
    }

    public EventBus bus() {
        return vertx.eventBus();
    }

    /** This member's ID (Hazelcast's UUID): what {@link #onLeft} names. */
    public String nodeId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** True while the member {@code nodeId} is in the cluster. */
    public boolean isMember(String nodeId) {
        return hazelcast.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().toString().equals(nodeId));
    }

    /** Calls {@code listener} with the ID of every member that leaves, on Hazelcast's thread. */
    public void onLeft(Consumer<String> listener) {
        leftListeners.add(listener);
    }

    /** Where agent {@code agent} of cluster {@code cluster} takes requests. */
    public static String agentAddress(String cluster, String agent) {
        return "pushbench." + cluster + ".agent." + agent;
    }

    /** Where every agent of the cluster hears the controller's {@code hello}. */
    public static String agentsAddress(String cluster) {
        return "pushbench." + cluster + ".agents";
    }

    /** Where an agent's child takes the controller's control messages. */
    public static String childAddress(String cluster, String agent, String child) {
        return agentAddress(cluster, agent) + ".child." + child;
    }

    /** A request's delivery with its timeout: every request has one, a dead member never holds the caller. */
    public static DeliveryOptions timeout(Duration timeout) {
        return new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    /** Sends {@code request} and waits for the answer, at most {@code timeout}. */
    public JsonObject request(String address, JsonObject request, Duration timeout) throws ClusterException, InterruptedException {
        try {
            return bus().<JsonObject>request(address, request, timeout(timeout)).toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).body();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ClusterException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClusterException("no answer within " + timeout.toSeconds() + " s");
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        if (hazelcast.getLifecycleService().isRunning()) {
            hazelcast.shutdown();
        }
    }

    /** The cluster could not be joined, or a member did not answer. */
    public static final class ClusterException extends Exception {
        private static final long serialVersionUID = 1L;

        public ClusterException(String message) {
            super(message, null, false, false);
        }
    }
}
