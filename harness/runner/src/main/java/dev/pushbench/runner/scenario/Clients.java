package dev.pushbench.runner.scenario;

import dev.pushbench.loadgen.ClientEngineKind;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The subscribers the load generator opens: {@code connections} of them, opened at
 * {@code rampPerSecond} on a fixed schedule (open loop: a slow connect does not slow the ramp), and
 * spread round-robin over the feed's topics.
 *
 * <pre>
 *   new Clients(300, 500, 10);                          // 300 subscribers, each closing after 10 events and connecting anew
 *   new Clients(2000, 1000, 0);                         // 2000 subscribers that stay for the whole run
 *   new Clients(1000, 1000, 0, ClientEngineKind.NIO);   // on the nio client engine
 *   clients.sourceAddressesFor(InetAddress.getLoopbackAddress());   // 19,000 on nio: 127.0.0.1 … 127.0.0.4
 * </pre>
 *
 * @param eventsPerConnection after this many events a subscriber closes its connection and opens
 *                            a new one, from the newest event (churn); 0 = never
 * @param engine              the load generator's client engine, the same for every cell (cells are
 *                            comparable only within one engine)
 * @param sourceAddresses     the local addresses connections are bound to, round-robin, as the scenario
 *                            lists them; empty: the default ({@link #sourceAddressesFor})
 * @param cpuShare            the share of every {@link #THROTTLE_PERIOD} the load generator's process may run (a check
 *                            of the generator-bound rule); 1: unthrottled
 */
public record Clients(int connections, double rampPerSecond, int eventsPerConnection, ClientEngineKind engine,
                      List<InetAddress> sourceAddresses, double cpuShare) {

    /** The period the runner throttles a generator in: stopped for (1 − cpuShare) of it, running for the rest. */
    public static final Duration THROTTLE_PERIOD = Duration.ofMillis(50);

    /** Unthrottled. */
    public Clients(int connections, double rampPerSecond, int eventsPerConnection, ClientEngineKind engine,
                   List<InetAddress> sourceAddresses) {
        this(connections, rampPerSecond, eventsPerConnection, engine, sourceAddresses, ScenarioDefaults.CPU_SHARE);
    }

    /** This with {@code n} subscribers. */
    public Clients withConnections(int n) {
        return new Clients(n, rampPerSecond, eventsPerConnection, engine, sourceAddresses, cpuShare);
    }

    /** True if the runner throttles the load generator. */
    public boolean throttled() {
        return cpuShare < 1;
    }

    /** On the default engine, {@link ScenarioDefaults#ENGINE}. */
    public Clients(int connections, double rampPerSecond, int eventsPerConnection) {
        this(connections, rampPerSecond, eventsPerConnection, ScenarioDefaults.ENGINE);
    }

    /** With the default source addresses. */
    public Clients(int connections, double rampPerSecond, int eventsPerConnection, ClientEngineKind engine) {
        this(connections, rampPerSecond, eventsPerConnection, engine, List.of());
    }

    public Clients {
        Objects.requireNonNull(engine, "clients.engine");
        sourceAddresses = List.copyOf(sourceAddresses == null ? List.of() : sourceAddresses);
        if (engine == ClientEngineKind.JETTY && sourceAddresses.size() > 1) {
            throw new IllegalArgumentException(jettyHasOneSourceAddress(sourceAddresses.size()));
        }
        if (connections < 1 || connections > ScenarioDefaults.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("clients.connections must be between 1 and "
                    + ScenarioDefaults.MAX_CONNECTIONS + ", got " + connections);
        }
        if (!(rampPerSecond > 0) || rampPerSecond > ScenarioDefaults.MAX_RAMP_PER_SECOND) {
            throw new IllegalArgumentException("clients.rampRate must be above 0/s and at most "
                    + ScenarioUnits.formatRate(ScenarioDefaults.MAX_RAMP_PER_SECOND) + ", got " + rampPerSecond + "/s");
        }
        if (!(cpuShare >= ScenarioDefaults.MIN_CPU_SHARE && cpuShare <= 1)) {
            throw new IllegalArgumentException("clients.cpuShare must be between " + ScenarioDefaults.MIN_CPU_SHARE
                    + " and 1, got " + cpuShare);
        }
        if (eventsPerConnection < 0 || eventsPerConnection > ScenarioDefaults.MAX_EVENTS_PER_CONNECTION) {
            throw new IllegalArgumentException("clients.eventsPerConnection must be between 0 (never) and "
                    + ScenarioDefaults.MAX_EVENTS_PER_CONNECTION + ", got " + eventsPerConnection);
        }
    }

    /** Why engine jetty cannot take {@code count} source addresses. */
    static String jettyHasOneSourceAddress(int count) {
        return "clients.sourceAddresses lists " + count + " addresses, but engine jetty binds every connection to one"
                + " (Jetty's HttpClient has a single bind address): list one, or use engine nio to spread connections over several";
    }

    /**
     * The local addresses the load generator binds its connections to, for a server at {@code server}:
     * those the scenario lists; else, on engine nio with a loopback server, 127.0.0.1, 127.0.0.2, … one per
     * {@link ScenarioDefaults#CONNECTIONS_PER_SOURCE_ADDRESS} connections (all of 127.0.0.0/8 is local on
     * Linux); else none, and the kernel picks (Jetty's client binds one address at most, and a remote
     * server is reached from the address its route gives).
     */
    public List<InetAddress> sourceAddressesFor(InetAddress server) {
        if (!sourceAddresses.isEmpty()) {
            return sourceAddresses;
        }
        if (engine != ClientEngineKind.NIO || !(server instanceof Inet4Address) || !server.isLoopbackAddress()) {
            return List.of();
        }
        int count = (connections + ScenarioDefaults.CONNECTIONS_PER_SOURCE_ADDRESS - 1) / ScenarioDefaults.CONNECTIONS_PER_SOURCE_ADDRESS;
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= Math.min(count, ScenarioDefaults.MAX_SOURCE_ADDRESSES); i++) {
            try {
                addresses.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are an IPv4 address", e);
            }
        }
        return List.copyOf(addresses);
    }

    /** True if subscribers close and reconnect after {@link #eventsPerConnection} events. */
    public boolean churns() {
        return eventsPerConnection > 0;
    }

    /** How long opening all connections takes on the ramp's schedule. */
    public Duration rampTime() {
        return Duration.ofNanos((long) Math.ceil(connections / rampPerSecond * 1e9));
    }
}
