package dev.pushbench.runner.scenario;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.runner.proxy.ProxyConfigs;
import dev.pushbench.runner.proxy.ProxyKind;
import dev.pushbench.runner.proxy.ProxyProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One workload, as a scenario file states it, complete with defaults and checked: every cell of
 * {@link #matrix()} runs this same workload. Read one with {@link ScenarioLoader}; the keys, their
 * defaults and limits are listed in {@link ScenarioKeys} and {@code docs/scenarios.md}.
 *
 * <pre>
 *   Scenario s = ScenarioLoader.load(Path.of("benchmarks/scenarios/quick.yaml"), Set.of("jetty"));
 *   FeedSpec feed = s.feed();
 *   ServerConfig config = s.serverConfig(Transport.SSE, Protocol.H2C, "127.0.0.1");
 *   Duration eta = s.estimatedRunTime(Duration.ofSeconds(5));
 * </pre>
 *
 * @param name        {@code [a-z0-9][a-z0-9-]*}, at most 40 characters; part of the run id
 * @param description free text, empty if the file has none
 * @param source      the file it was read from (for {@link ScenarioLoader#parse}, the name given)
 * @param recovery    the faults applied to every cell, and how clients come back
 * @param publish     two-way workloads: what the subscribers publish; null when nobody does (one-way)
 * @param search      a capacity search per cell; null when every cell runs the one load written
 * @param cluster     where the roles run in a cluster's run ({@code pushbench run --cluster}); null: the scenario
 *                    has no {@code cluster} block (it cannot run on a cluster)
 */
public record Scenario(String name, String description, Path source, Matrix matrix, Clients clients, FeedSpec feed,
                       Timing timing, TransportOptions transports, ServerOptions server, RecoverySettings recovery,
                       PublishSpec publish, SearchSpec search, ClusterSpec cluster) {

    /** No cluster block. */
    public Scenario(String name, String description, Path source, Matrix matrix, Clients clients, FeedSpec feed,
                    Timing timing, TransportOptions transports, ServerOptions server, RecoverySettings recovery,
                    PublishSpec publish, SearchSpec search) {
        this(name, description, source, matrix, clients, feed, timing, transports, server, recovery, publish, search, null);
    }

    /** No capacity search. */
    public Scenario(String name, String description, Path source, Matrix matrix, Clients clients, FeedSpec feed,
                    Timing timing, TransportOptions transports, ServerOptions server, RecoverySettings recovery,
                    PublishSpec publish) {
        this(name, description, source, matrix, clients, feed, timing, transports, server, recovery, publish, null);
    }

    /** Without faults, with the default reconnect policy. */
    public Scenario(String name, String description, Path source, Matrix matrix, Clients clients, FeedSpec feed,
                    Timing timing, TransportOptions transports, ServerOptions server) {
        this(name, description, source, matrix, clients, feed, timing, transports, server, RecoverySettings.DEFAULT);
    }

    /** One-way: nobody publishes. */
    public Scenario(String name, String description, Path source, Matrix matrix, Clients clients, FeedSpec feed,
                    Timing timing, TransportOptions transports, ServerOptions server, RecoverySettings recovery) {
        this(name, description, source, matrix, clients, feed, timing, transports, server, recovery, null);
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        if (!ScenarioDefaults.NAME_PATTERN.matcher(name).matches() || name.length() > ScenarioDefaults.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be lower-case letters, digits and dashes, starting with a letter"
                    + " or digit, at most " + ScenarioDefaults.MAX_NAME_LENGTH + " characters, got '" + name + "'");
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(matrix, "matrix");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(recovery, "recovery");
        ScenarioRules.check(matrix, feed, timing, transports, server, publish, clients.connections()).ifPresent(v -> {
            throw new IllegalArgumentException(v.message());
        });
    }

    /**
     * This scenario with {@code variable} at {@code value} (rounded to a whole number where the variable counts
     * subscribers or bytes), and no search: the workload of one capacity step.
     */
    public Scenario at(SearchSpec.Variable variable, double value) {
        Clients c = clients;
        FeedSpec f = feed;
        switch (variable) {
            case CONNECTIONS -> c = c.withConnections((int) Math.round(value));
            case FEED_RATE -> f = new FeedSpec(f.topics(), value, f.payloadBytes(), f.historyEvents());
            case FEED_PAYLOAD -> f = new FeedSpec(f.topics(), f.ratePerSecond(), (int) Math.round(value), f.historyEvents());
        }
        return new Scenario(name, description, source, matrix, c, f, timing, transports, server, recovery, publish, null, cluster);
    }

    /** The value of {@code variable} this scenario runs at. */
    public double valueOf(SearchSpec.Variable variable) {
        return switch (variable) {
            case CONNECTIONS -> clients.connections();
            case FEED_RATE -> feed.ratePerSecond();
            case FEED_PAYLOAD -> feed.payloadBytes();
        };
    }

    /** The server side of one cell: loopback or {@code host}, any free port, this scenario's options. */
    public ServerConfig serverConfig(Transport transport, Protocol protocol, String host) {
        return new ServerConfig(host, 0, protocol, transports.heartbeat(transport), transports.sseRetry(),
                transports.longPollHold(), server.maxBatchEvents(), server.backpressure(), null, transports.sseProxyHints(),
                server.maxPublishBytes());
    }

    /**
     * Why this scenario cannot run a cell, if it cannot: the stack lacks the transport over the
     * protocol (both client engines speak every cell). Such a cell is reported {@code unsupported}
     * and takes no time.
     */
    public Optional<String> unsupported(String stack, Transport transport, Protocol protocol) {
        return ServerStack.named(stack).unsupported(transport, protocol);
    }

    /**
     * Why a cell cannot run on {@code path}: the stack lacks the transport over the protocol it speaks there
     * (HTTP/1.1 behind a proxy), or the proxy cannot carry the transport over the cell's protocol.
     */
    public Optional<String> unsupported(String stack, Transport transport, Protocol protocol, NetworkPath path) {
        if (!path.proxied()) {
            return unsupported(stack, transport, protocol);
        }
        Optional<String> proxy = ProxyConfigs.unsupported(path.proxy(), path.profile(), transport, protocol, clients.connections());
        return proxy.isPresent() ? proxy : unsupported(stack, transport, Protocol.HTTP_1_1);
    }

    /**
     * Why a cell cannot run on {@code path} across {@code link} with this scenario's faults: the reasons of
     * {@link #unsupported(String, Transport, Protocol, NetworkPath)}; the relay's two open files per connection over
     * its open-file limit; a restart of a server that ends TLS itself (the new server makes a new certificate, and
     * the load generator trusts only the one it was given); and, in a two-way scenario, what its publishers cannot
     * do ({@link #twoWayUnsupported}).
     */
    public Optional<String> unsupported(String stack, Transport transport, Protocol protocol, NetworkPath path,
                                        NetworkLink link) {
        Optional<String> reason = unsupported(stack, transport, protocol, path);
        if (reason.isPresent()) {
            return reason;
        }
        if (recovery.has(FaultPlan.Type.RESTART) && protocol.isTls() && !path.proxied()) {
            return Optional.of("a restart fault over " + protocol.id() + " straight to the server: the restarted server"
                    + " makes a new certificate at its start, and the load generator trusts only the first server's (run it"
                    + " through a proxy, which ends TLS, or over a cleartext protocol)");
        }
        Optional<String> twoWay = twoWayUnsupported(transport);
        if (twoWay.isPresent()) {
            return twoWay;
        }
        boolean relayed = link.relayed() || recovery.needsRelay();
        long limit = dev.pushbench.core.ProcessStats.maxOpenFiles();
        long needed = 2L * clients.connections() + RELAY_PROCESS_FILES;
        if (relayed && limit > 0 && needed > limit) {
            return Optional.of("the relay holds 2 open files per connection (client and server side): " + needed + " for "
                    + clients.connections() + " connections, over the open-file limit of " + limit + " (ulimit -n) it"
                    + " inherits; run fewer connections");
        }
        return Optional.empty();
    }

    /**
     * Why a two-way cell of {@code transport} cannot run, if it cannot: a WebSocket publishes in-band on its own socket, so only to its own room; a restarted server starts its topics'
     * seq spaces anew, so the seqs clients were answered before the restart name other messages after it. Empty for
     * a one-way scenario.
     */
    public Optional<String> twoWayUnsupported(Transport transport) {
        if (publish == null) {
            return Optional.empty();
        }
        if (transport == Transport.WEBSOCKET && publish.to() == PublishSpec.Target.RANDOM) {
            return Optional.of("publish.to: random over websocket: a WebSocket client publishes in-band on its own"
                    + " socket, which carries its own room only (another room would need another socket)");
        }
        if (recovery.has(FaultPlan.Type.RESTART)) {
            return Optional.of("a restart fault with publish: the restarted server starts every topic's seq space anew,"
                    + " so the seqs published messages were acknowledged with before it name other messages after it"
                    + " (and the messages in its history are lost)");
        }
        return Optional.empty();
    }

    /** The relay's own open files besides its connections: the JVM's jars, its listener, its selector. */
    private static final int RELAY_PROCESS_FILES = 200;

    /**
     * True if an SSE cell on {@code path} also runs without the proxy hint: through a stock nginx, the one place
     * the header changes what happens (it buffers responses unless told not to), when the hint is on.
     */
    public static boolean runsWithoutHints(Transport transport, NetworkPath path, boolean hints) {
        return hints && transport == Transport.SSE && path.proxy() == ProxyKind.NGINX && path.profile() == ProxyProfile.STOCK;
    }

    /** The proxies the matrix names, none excluded. */
    public java.util.Set<ProxyKind> proxies() {
        java.util.Set<ProxyKind> kinds = new java.util.LinkedHashSet<>();
        matrix.paths().stream().filter(NetworkPath::proxied).forEach(p -> kinds.add(p.proxy()));
        return kinds;
    }

    /**
     * How long running every cell takes: per supported cell and repeat, the fixed cost of its
     * processes and memory points ({@code overheadPerCell}), the ramp, warm-up, measurement and
     * the drain it is expected to need. The drain ends once no subscriber is owed an event: for the
     * pushing transports and long polling that is within milliseconds when nothing is lost, for
     * short polling up to one poll interval.
     */
    public Duration estimatedRunTime(Duration overheadPerCell) {
        Duration total = Duration.ZERO;
        for (String stack : matrix.stacks()) {
            for (Transport transport : matrix.transports()) {
                for (Protocol protocol : matrix.protocols()) {
                    for (NetworkPath path : matrix.paths()) {
                        for (NetworkLink link : matrix.links()) {
                            if (unsupported(stack, transport, protocol, path, link).isEmpty()) {
                                Duration cell = overheadPerCell.plus(clients.rampTime()).plus(timing.warmup())
                                        .plus(timing.duration()).plus(expectedDrain(transport));
                                total = total.plus(runsWithoutHints(transport, path, transports.sseProxyHints())
                                        ? cell.multipliedBy(2) : cell);
                            }
                        }
                    }
                }
            }
        }
        return search == null ? total.multipliedBy(timing.repeats()) : searchTime(total);
    }

    /**
     * A capacity search's likely time: per cell, two doublings, the bisection to the resolution and the
     * confirmations, each step a cell at twice the start's ramp, and never more than the budget.
     */
    private Duration searchTime(Duration oneStepEach) {
        int cells = 0;
        for (String stack : matrix.stacks()) {
            for (Transport transport : matrix.transports()) {
                for (Protocol protocol : matrix.protocols()) {
                    for (NetworkPath path : matrix.paths()) {
                        for (NetworkLink link : matrix.links()) {
                            cells += unsupported(stack, transport, protocol, path, link).isEmpty() ? 1 : 0;
                        }
                    }
                }
            }
        }
        if (cells == 0) {
            return Duration.ZERO;
        }
        long steps = 2 + (long) Math.ceil(Math.log(1 / search.resolution()) / Math.log(2)) + search.confirm() - 1;
        Duration perStep = oneStepEach.dividedBy(cells).plus(clients.rampTime());
        Duration perCell = perStep.multipliedBy(steps);
        return (perCell.compareTo(search.budget()) < 0 ? perCell : search.budget()).multipliedBy(cells);
    }

    private Duration expectedDrain(Transport transport) {
        if (transport != Transport.SHORT_POLLING) {
            return Duration.ZERO;
        }
        Duration interval = transports.shortPollInterval();
        return interval.compareTo(timing.drain()) < 0 ? interval : timing.drain();
    }
}
