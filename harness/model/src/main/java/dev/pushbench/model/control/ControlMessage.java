package dev.pushbench.model.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.model.result.ServerCounts;

/**
 * Everything the runner, a server ({@code pushbench serve}) and a load generator ({@code pushbench
 * load}) say to each other, in one place. Each message is one JSON object on one line with its kind
 * in {@code "type"}; {@link ControlCodec} turns them into lines and back, a {@link ControlChannel}
 * carries them.
 *
 * <pre>
 *   runner → server:          get-clock, get-stats, get-subscribe-rates, stop
 *   server → runner:          listening (once, first), clock, stats, subscribe-rates, error
 *   runner → load generator:  go, ramp, next, faulted, stop
 *   load generator → runner:  ready, phase, progress, memory-point, interval (a load agent's), result (last)
 *   runner → relay:           apply-fault, stop
 *   relay → runner:           relay-listening (once, first), fault-applied, error
 * </pre>
 *
 * <p>A cell goes: server {@code listening} → {@code get-clock}/{@code clock} → load generator
 * {@code go} (its spec), it warms up and says {@code ready} → {@code get-stats} at idle → {@code ramp}
 * → {@code phase}s and {@code progress} each second, with a {@code memory-point} at each pause of the
 * ramp → after the window one {@code memory-point} per connection count on the way down; each point is
 * answered by {@code next} once the runner has read the server → {@code result}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ControlMessage.Listening.class, name = "listening"),
    @JsonSubTypes.Type(value = ControlMessage.GetClock.class, name = "get-clock"),
    @JsonSubTypes.Type(value = ControlMessage.Clock.class, name = "clock"),
    @JsonSubTypes.Type(value = ControlMessage.GetStats.class, name = "get-stats"),
    @JsonSubTypes.Type(value = ControlMessage.Stats.class, name = "stats"),
    @JsonSubTypes.Type(value = ControlMessage.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ControlMessage.Go.class, name = "go"),
    @JsonSubTypes.Type(value = ControlMessage.Ready.class, name = "ready"),
    @JsonSubTypes.Type(value = ControlMessage.Ramp.class, name = "ramp"),
    @JsonSubTypes.Type(value = ControlMessage.Phase.class, name = "phase"),
    @JsonSubTypes.Type(value = ControlMessage.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = ControlMessage.MemoryPoint.class, name = "memory-point"),
    @JsonSubTypes.Type(value = ControlMessage.Next.class, name = "next"),
    @JsonSubTypes.Type(value = ControlMessage.Result.class, name = "result"),
    @JsonSubTypes.Type(value = ControlMessage.Faulted.class, name = "faulted"),
    @JsonSubTypes.Type(value = ControlMessage.RelayListening.class, name = "relay-listening"),
    @JsonSubTypes.Type(value = ControlMessage.ApplyFault.class, name = "apply-fault"),
    @JsonSubTypes.Type(value = ControlMessage.FaultApplied.class, name = "fault-applied"),
    @JsonSubTypes.Type(value = ControlMessage.GetSubscribeRates.class, name = "get-subscribe-rates"),
    @JsonSubTypes.Type(value = ControlMessage.SubscribeRates.class, name = "subscribe-rates"),
    @JsonSubTypes.Type(value = ControlMessage.Interval.class, name = "interval"),
})
public sealed interface ControlMessage {

    /**
     * The server is up: where it listens and the feed's time zero ({@code System.nanoTime()}).
     *
     * @param certificatePem the certificate made at start, for {@code https1.1} and {@code h2}; absent in cleartext
     */
    record Listening(int port, long t0Nanos, long pid, String stack, String description, String certificatePem)
            implements ControlMessage {
    }

    /** Asks the server for its {@code System.nanoTime()} (the per-cell same-clock check). */
    record GetClock() implements ControlMessage {
    }

    record Clock(long nanoTime) implements ControlMessage {
    }

    /**
     * Asks the server to read itself.
     *
     * @param gc a full GC first, and the topics' history measured: for a memory reading
     */
    record GetStats(boolean gc) implements ControlMessage {
    }

    /**
     * The server's reading of itself.
     *
     * @param historyBytes heap its topics' history holds; only in a {@code gc} reading
     */
    record Stats(long nanoTime, ProcessSnapshot process, ServerCounts counters, long published, Long historyBytes,
                 long listenerFailures, HistogramSummary publisherLagMicros) implements ControlMessage {
    }

    /** Ends the receiver: a server stops serving, a load generator stops at once. */
    record Stop() implements ControlMessage {
    }

    /** A command the receiver could not carry out. */
    record Error(String message) implements ControlMessage {
    }

    /** Hands a waiting load generator its spec ({@code load.json}) so it can warm up. */
    record Go(String config) implements ControlMessage {
    }

    /** The load generator is warm and has read itself at idle; it waits for {@link Ramp}. */
    record Ready() implements ControlMessage {
    }

    record Ramp() implements ControlMessage {
    }

    /**
     * A phase of the load began: {@code ramp}, {@code warmup}, {@code measure}, {@code drain}.
     *
     * @param live subscriptions live at that moment
     */
    record Phase(String phase, long nanoTime, long live) implements ControlMessage {
        public static final String RAMP = "ramp";
        public static final String WARMUP = "warmup";
        public static final String MEASURE = "measure";
        public static final String DRAIN = "drain";
    }

    /** Once a second: where the load is, and the p99 of the last interval's latencies. */
    record Progress(String phase, long live, long connected, long connectFailures, long eventsInInterval, double p99Micros)
            implements ControlMessage {
    }

    /**
     * The load generator holds {@code connections} live and has read itself; it waits for {@link Next}
     * while the runner reads the server at the same count. On the way {@link #UP} it has paused its
     * ramp there (0, ¼N, ½N, ¾N, N, before the window); on the way {@link #DOWN} it has closed down to
     * that count (N, ¾N, ½N, ¼N, 0, after the window).
     *
     * @param sweep {@link #UP} or {@link #DOWN}
     */
    record MemoryPoint(long connections, ProcessSnapshot process, String sweep) implements ControlMessage {
        public static final String UP = "up";
        public static final String DOWN = "down";

        /** After the window: the next cell may get ready meanwhile. */
        public boolean afterWindow() {
            return !UP.equals(sweep);
        }
    }

    record Next() implements ControlMessage {
    }

    /** The load generator's last word: what it measured. */
    record Result(LoadResult result) implements ControlMessage {
    }

    /**
     * Runner → load generator: a fault took effect at {@code atNanos}; the subscribers whose connection's local
     * port is listed were hit (all live ones when {@code clientPorts} is null: a restart, a proxy reload). Their
     * time to detect and to resume count from then.
     *
     * @param fault {@code cut}, {@code blackhole}, {@code restart}, {@code proxy-reload}
     */
    record Faulted(String fault, long atNanos, java.util.List<Integer> clientPorts) implements ControlMessage {
    }

    /** Relay → runner: it listens on {@code port} and forwards each connection to its target. */
    record RelayListening(int port, long pid) implements ControlMessage {
    }

    /**
     * Runner → relay: hit {@code share} (0..1] of the live connections, drawn at random, now.
     *
     * @param fault          {@code cut} or {@code blackhole}
     * @param mode           a cut's {@code reset} (RST both ways) or {@code drop} (the server's side is reset, the
     *                       client's hears nothing more: no FIN, no data); null for a blackhole
     * @param durationNanos  a blackhole's length (0: until the client gives the connection up)
     */
    record ApplyFault(String fault, String mode, double share, long durationNanos) implements ControlMessage {
    }

    /**
     * Relay → runner: the fault took effect at {@code atNanos} on these connections, named by the client's
     * port (the relay's accepted socket's remote port), of {@code liveConnections} then open.
     */
    record FaultApplied(String fault, long atNanos, java.util.List<Integer> clientPorts, long liveConnections)
            implements ControlMessage {
    }

    /** Runner → server: how many subscriptions it took in each second since its feed's t0. */
    record GetSubscribeRates() implements ControlMessage {
    }

    /**
     * Server → runner: {@code perSecond.get(i)} subscriptions began in second {@code i} after {@code t0Nanos}
     * (the feed's t0; a restarted server keeps the first one's), up to now.
     */
    record SubscribeRates(long t0Nanos, java.util.List<Long> perSecond) implements ControlMessage {
    }

    /**
     * A load agent's load generator → the controller of a cluster: one interval's histogram of one metric, as it
     * writes it to its own {@code latency.hlog}; the controller adds every agent's into the cell's.
     *
     * @param agent       the load agent's name; null as the load generator sends it, filled in by its agent
     * @param seq         the interval's number from 0, the same for every metric of one interval
     * @param tag         the metric ({@code latency}, {@code connect}, …)
     * @param histogram   HdrHistogram's compressed encoding, base64, values in nanoseconds
     */
    record Interval(String agent, long seq, String tag, long startMillis, long endMillis, String histogram)
            implements ControlMessage {
    }
}
