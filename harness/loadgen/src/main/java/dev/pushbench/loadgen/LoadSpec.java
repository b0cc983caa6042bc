package dev.pushbench.loadgen;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything one load-generator run needs, resolved: where the server is, what to subscribe to and
 * how, and the phases. The runner writes it as JSON beside the cell; {@code pushbench load} reads it,
 * so the same run can be repeated by hand or from another machine.
 *
 * @param host                where the server listens
 * @param port                its port
 * @param protocol            the HTTP version to speak
 * @param transport           how to subscribe
 * @param connections         subscribers, one connection each
 * @param rampPerSecond       subscriptions started per second, on a fixed schedule (open loop)
 * @param eventsPerConnection after this many events a subscriber closes and subscribes anew; 0 = never
 * @param schedule            the server feed's schedule, to count what each subscriber is owed
 * @param warmup              from the end of the ramp to the start of measuring
 * @param duration            the measured window, by intended publish time
 * @param drain               after the window, how long events of the window may still arrive
 * @param shortPollInterval   short polling: time between planned polls; zero for a closed loop (the next poll as the answer arrives)
 * @param longPollHold        long polling: the server's hold, to size the request timeout
 * @param heartbeat           the server's heartbeat interval, to size the idle timeout
 * @param reconnectDelay      SSE: before a lost connection is tried again when its stream sent no {@code retry:}
 *                            (the server sends this as its {@code retry:}, so it is the fallback only)
 * @param hlogFile            where interval histograms are written
 * @param serverCertificatePem for {@code https1.1} and {@code h2}: the server's certificate (PEM), the only
 *                            one the subscribers trust; null for cleartext
 * @param engine              the client machinery the subscribers run on; it must support the transport
 *                            over the protocol ({@link ClientEngineKind#unsupported})
 * @param sourceAddresses     local addresses the connections are bound to, round-robin; empty: the kernel
 *                            picks. The Jetty engine binds to one address at most.
 * @param pathIdleTimeout     the shortest idle timeout on the way to the server (a proxy's), zero when none is
 *                            known: a connection that read nothing that long before it ended counts as cut by it
 * @param proxied             a proxy stands between the client and the server: a connection that ends mid-stream
 *                            is counted as the proxy's close
 * @param reconnect           WebSocket and polling: the backoff before each attempt to connect again
 *                            ({@code clients.reconnect}); default {@link ReconnectPolicy#DEFAULT} (1 s, 5 s, jitter 0.5:
 *                            socket.io client's {@code reconnectionDelay}, {@code reconnectionDelayMax} and
 *                            {@code randomizationFactor} defaults)
 * @param deadAfter           the subscriber's dead-connection timer ({@code clients.deadAfter}): a stream (SSE,
 *                            WebSocket) that read nothing this long, a long poll unanswered after the hold and this
 *                            long, a short poll whose answer has not begun after this long, is closed and counted
 *                            as ended; default twice the heartbeat (a heartbeat missed, and another); zero: none
 *                            (the engine's idle timeout only). The nio engine runs it; the Jetty engine keeps its
 *                            idle timeout for streams, and times a poll out whole after the same time.
 * @param publish             two-way workloads: what the subscribers publish; null when nobody does
 * @param memorySweep         true: the ramp pauses at ¼, ½, ¾ and all of its subscribers for a GC'd memory point of
 *                            both processes, and the subscribers close in the same steps after the window, a point
 *                            at each; false (a capacity search's steps): the ramp pauses only at 0 and with every
 *                            subscriber live, and no point is taken after the window
 * @param clockOffsetNanos    how far the server's clock reads ahead of this host's, as a load agent estimated it
 *                            ({@code agents[].clock}); the server's timestamps (the schedule's t0 is already in this
 *                            host's time) are moved by it as they arrive. 0 on the server's own host
 * @param streamIntervals     each interval's histograms are also sent as {@code interval} control messages, for the
 *                            controller of a cluster to merge
 */
public record LoadSpec(
        String host,
        int port,
        Protocol protocol,
        Transport transport,
        int connections,
        double rampPerSecond,
        int eventsPerConnection,
        Schedule schedule,
        Duration warmup,
        Duration duration,
        Duration drain,
        Duration shortPollInterval,
        Duration longPollHold,
        Duration heartbeat,
        Duration reconnectDelay,
        Path hlogFile,
        String serverCertificatePem,
        ClientEngineKind engine,
        List<InetAddress> sourceAddresses,
        Duration pathIdleTimeout,
        boolean proxied,
        ReconnectPolicy reconnect,
        Duration deadAfter,
        PublishSpec publish,
        boolean memorySweep,
        long clockOffsetNanos,
        boolean streamIntervals) {

    /** On the server's host: one clock, nothing streamed. */
    public LoadSpec(String host, int port, Protocol protocol, Transport transport, int connections, double rampPerSecond,
                    int eventsPerConnection, Schedule schedule, Duration warmup, Duration duration, Duration drain,
                    Duration shortPollInterval, Duration longPollHold, Duration heartbeat, Duration reconnectDelay,
                    Path hlogFile, String serverCertificatePem, ClientEngineKind engine, List<InetAddress> sourceAddresses,
                    Duration pathIdleTimeout, boolean proxied, ReconnectPolicy reconnect, Duration deadAfter,
                    PublishSpec publish, boolean memorySweep) {
        this(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule, warmup, duration,
                drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile, serverCertificatePem, engine,
                sourceAddresses, pathIdleTimeout, proxied, reconnect, deadAfter, publish, memorySweep, 0L, false);
    }

    /**
     * This spec for a load agent on another host ({@code pushbench agent}): the server's clock reads
     * {@code offsetNanos} ahead of this host's, and each interval's histograms go to the controller too.
     */
    public LoadSpec onAgent(long offsetNanos, Path hlog) {
        return new LoadSpec(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule,
                warmup, duration, drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlog,
                serverCertificatePem, engine, sourceAddresses, pathIdleTimeout, proxied, reconnect, deadAfter, publish,
                memorySweep, offsetNanos, true);
    }

    /** This spec with {@code n} subscribers ramped at {@code perSecond}: one load agent's share. */
    public LoadSpec share(int n, double perSecond) {
        return new LoadSpec(host, port, protocol, transport, n, perSecond, eventsPerConnection, schedule,
                warmup, duration, drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile,
                serverCertificatePem, engine, sourceAddresses, pathIdleTimeout, proxied, reconnect, deadAfter, publish,
                memorySweep, clockOffsetNanos, streamIntervals);
    }

    /** With the full memory sweep. */
    public LoadSpec(String host, int port, Protocol protocol, Transport transport, int connections, double rampPerSecond,
                    int eventsPerConnection, Schedule schedule, Duration warmup, Duration duration, Duration drain,
                    Duration shortPollInterval, Duration longPollHold, Duration heartbeat, Duration reconnectDelay,
                    Path hlogFile, String serverCertificatePem, ClientEngineKind engine, List<InetAddress> sourceAddresses,
                    Duration pathIdleTimeout, boolean proxied, ReconnectPolicy reconnect, Duration deadAfter,
                    PublishSpec publish) {
        this(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule, warmup, duration,
                drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile, serverCertificatePem, engine,
                sourceAddresses, pathIdleTimeout, proxied, reconnect, deadAfter, publish, true);
    }

    /** One-way: nobody publishes. */
    public LoadSpec(String host, int port, Protocol protocol, Transport transport, int connections, double rampPerSecond,
                    int eventsPerConnection, Schedule schedule, Duration warmup, Duration duration, Duration drain,
                    Duration shortPollInterval, Duration longPollHold, Duration heartbeat, Duration reconnectDelay,
                    Path hlogFile, String serverCertificatePem, ClientEngineKind engine, List<InetAddress> sourceAddresses,
                    Duration pathIdleTimeout, boolean proxied, ReconnectPolicy reconnect, Duration deadAfter) {
        this(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule, warmup, duration,
                drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile, serverCertificatePem, engine,
                sourceAddresses, pathIdleTimeout, proxied, reconnect, deadAfter, null);
    }

    /** Straight to the server: no proxy, no idle timeout on the way. */
    public LoadSpec(String host, int port, Protocol protocol, Transport transport, int connections, double rampPerSecond,
                    int eventsPerConnection, Schedule schedule, Duration warmup, Duration duration, Duration drain,
                    Duration shortPollInterval, Duration longPollHold, Duration heartbeat, Duration reconnectDelay,
                    Path hlogFile, String serverCertificatePem, ClientEngineKind engine, List<InetAddress> sourceAddresses) {
        this(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule, warmup, duration,
                drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile, serverCertificatePem, engine,
                sourceAddresses, Duration.ZERO, false);
    }

    /** With the default reconnect backoff and dead-connection timer ({@link ReconnectPolicy#DEFAULT}, 2 × heartbeat). */
    public LoadSpec(String host, int port, Protocol protocol, Transport transport, int connections, double rampPerSecond,
                    int eventsPerConnection, Schedule schedule, Duration warmup, Duration duration, Duration drain,
                    Duration shortPollInterval, Duration longPollHold, Duration heartbeat, Duration reconnectDelay,
                    Path hlogFile, String serverCertificatePem, ClientEngineKind engine, List<InetAddress> sourceAddresses,
                    Duration pathIdleTimeout, boolean proxied) {
        this(host, port, protocol, transport, connections, rampPerSecond, eventsPerConnection, schedule, warmup, duration,
                drain, shortPollInterval, longPollHold, heartbeat, reconnectDelay, hlogFile, serverCertificatePem, engine,
                sourceAddresses, pathIdleTimeout, proxied, null, null);
    }

    public LoadSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(hlogFile, "hlogFile");
        Objects.requireNonNull(engine, "engine");
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        }
        if (!(rampPerSecond > 0)) {
            throw new IllegalArgumentException("rampPerSecond must be above 0, got " + rampPerSecond);
        }
        if (protocol.isTls() && serverCertificatePem == null) {
            throw new IllegalArgumentException("serverCertificatePem is required for protocol " + protocol
                    + " (the load generator trusts only the server's own certificate), got none");
        }
        if (!protocol.isTls() && serverCertificatePem != null) {
            throw new IllegalArgumentException("serverCertificatePem must be null for cleartext protocol " + protocol);
        }
        sourceAddresses = List.copyOf(sourceAddresses == null ? List.of() : sourceAddresses);
        pathIdleTimeout = pathIdleTimeout == null ? Duration.ZERO : pathIdleTimeout;
        if (engine == ClientEngineKind.JETTY && sourceAddresses.size() > 1) {
            throw new IllegalArgumentException("engine jetty binds every connection to one source address (Jetty's"
                    + " HttpClient has a single bind address), got " + sourceAddresses.size() + ": use engine nio");
        }
        reconnect = reconnect == null ? ReconnectPolicy.DEFAULT : reconnect;
        if (deadAfter == null) {
            Objects.requireNonNull(heartbeat, "heartbeat");
            deadAfter = heartbeat.multipliedBy(2);
        }
        if (deadAfter.isNegative()) {
            throw new IllegalArgumentException("deadAfter must be zero (none) or more, got " + deadAfter);
        }
        if (publish != null && transport == Transport.WEBSOCKET && publish.to() != PublishSpec.Target.OWN) {
            throw new IllegalArgumentException("a WebSocket subscriber publishes in-band, to its own room only; got to: "
                    + publish.to());
        }
        if (eventsPerConnection < 0) {
            throw new IllegalArgumentException("eventsPerConnection must be 0 (never) or more, got " + eventsPerConnection);
        }
    }

    /**
     * How long a connection may be silent before the client gives it up: well past heartbeats and holds, and
     * past the dead-connection timer ({@link #deadAfter}), which decides first where it runs.
     */
    public Duration idleTimeout() {
        Duration idle = Duration.ofSeconds(60);
        Duration hold = longPollHold.multipliedBy(2).plusSeconds(10);
        Duration beats = heartbeat.multipliedBy(3);
        Duration dead = deadAfter.plus(longPollHold).plusSeconds(10);
        if (hold.compareTo(idle) > 0) {
            idle = hold;
        }
        if (dead.compareTo(idle) > 0) {
            idle = dead;
        }
        return beats.compareTo(idle) > 0 ? beats : idle;
    }

    /** The topic subscriber {@code index} listens to: subscribers are spread round-robin over topics. */
    public int topicOf(int index) {
        return index % schedule.topics();
    }
}
