package dev.pushbench.runner.scenario;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place where scenario defaults and limits live. The loader fills absent keys from here,
 * the records check their limits against here, and {@link ScenarioKeys} prints the reference table
 * from here, so the README and the loader cannot disagree.
 *
 * <pre>
 *   Duration warmup = ScenarioDefaults.WARMUP;                  // what an absent timing.warmup means
 *   int max = ScenarioDefaults.MAX_CONNECTIONS;                  // the largest clients.connections
 * </pre>
 */
public final class ScenarioDefaults {

    // ---- defaults of optional keys

    /** matrix.transports: all four. */
    public static final List<Transport> TRANSPORTS = List.of(Transport.values());
    /** matrix.protocols: every protocol the harness speaks. */
    public static final List<Protocol> PROTOCOLS = List.of(Protocol.values());
    /** clients.rampRate, connections opened per second. */
    public static final double RAMP_PER_SECOND = 1000;
    /** clients.eventsPerConnection: 0 means a connection lives for the whole run. */
    public static final int EVENTS_PER_CONNECTION = 0;
    /** clients.engine: Jetty's client, which speaks every transport over every protocol. */
    public static final ClientEngineKind ENGINE = ClientEngineKind.NIO;
    /**
     * clients.sourceAddresses when absent, engine nio, loopback server: one address of 127.0.0.1,
     * 127.0.0.2, … per this many connections. The kernel searches one source address's ephemeral ports
     * for a free one at each connect, first among the half of the range of one parity (14,116 of
     * 32768-60999 here); as that half fills, each search gets longer (from ~13 µs to 640-750 µs per
     * connect past ~14,000 sockets on this machine). 6,000 keeps an address below half of that half
     * even with the previous cell's client sockets still in TIME_WAIT (60 s) beside a new cell's.
     */
    public static final int CONNECTIONS_PER_SOURCE_ADDRESS = 6_000;
    public static final int TOPICS = 1;
    public static final int PAYLOAD_BYTES = 256;
    public static final int HISTORY_EVENTS = 1024;
    public static final Duration WARMUP = Duration.ofSeconds(5);
    public static final Duration DRAIN = Duration.ofSeconds(2);
    public static final int REPEATS = 1;
    public static final Duration SSE_RETRY = Duration.ofSeconds(1);
    public static final Duration SSE_HEARTBEAT = Duration.ofSeconds(15);
    /** sse.proxyHints: on, as production servers send it. */
    public static final boolean SSE_PROXY_HINTS = true;
    /** path.proxy: straight to the server. */
    public static final List<dev.pushbench.runner.proxy.ProxyKind> PROXIES = List.of(dev.pushbench.runner.proxy.ProxyKind.NONE);
    /** path.profile: the operator's streaming configuration. */
    public static final List<dev.pushbench.runner.proxy.ProxyProfile> PROXY_PROFILES =
            List.of(dev.pushbench.runner.proxy.ProxyProfile.PUSH);
    public static final Duration WEBSOCKET_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration LONG_POLL_HOLD = Duration.ofSeconds(30);
    /** WebSocket and polling clients' first reconnect delay, their cap and randomization: socket.io's client defaults. */
    public static final Duration RECONNECT_INITIAL = Duration.ofSeconds(1);
    public static final Duration RECONNECT_MAX = Duration.ofSeconds(5);
    public static final double RECONNECT_JITTER = 0.5;
    /** A subscriber gives a connection up after this many heartbeat intervals without a byte. */
    public static final int DEAD_AFTER_HEARTBEATS = 2;
    public static final Duration SHORT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Backpressure BACKPRESSURE = Backpressure.DISCONNECT;
    public static final int MAX_BATCH_EVENTS = 256;
    /** server.maxPublishBytes: the stacks' own default, 64 KiB. */
    public static final int MAX_PUBLISH_BYTES = dev.pushbench.core.ServerConfig.DEFAULT_MAX_PUBLISH_BYTES;
    /** publish.payload: a chat line. */
    public static final int PUBLISH_PAYLOAD_BYTES = 256;
    /** publish.share: every subscriber publishes. */
    public static final double PUBLISH_SHARE = 1;
    /** publish.to: the publisher's own room. */
    public static final dev.pushbench.loadgen.PublishSpec.Target PUBLISH_TO = dev.pushbench.loadgen.PublishSpec.Target.OWN;
    /** search.resolution: bisect until the failing value is within 5 % of the passing one. */
    public static final double SEARCH_RESOLUTION = 0.05;
    /** search.confirm: the boundary value runs three times in all. */
    public static final int SEARCH_CONFIRM = 3;
    /** search.budget, per cell. */
    public static final Duration SEARCH_BUDGET = Duration.ofMinutes(10);
    /** clients.cpuShare: the load generator runs unthrottled. */
    public static final double CPU_SHARE = 1;

    // ---- limits (inclusive unless the name says otherwise)

    /** A name becomes part of the run id and of directory names: lower case, digits, dashes. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]*");
    public static final int MAX_NAME_LENGTH = 40;
    /** The runner checks the operating system's open-file limits separately. */
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final double MAX_RAMP_PER_SECOND = 1_000_000;
    public static final int MAX_EVENTS_PER_CONNECTION = 1_000_000_000;
    /** clients.sourceAddresses: 127.0.0.1 to 127.0.0.254 and more than enough for 1,000,000 connections. */
    public static final int MAX_SOURCE_ADDRESSES = 254;
    /** The {@link FeedSpec} limits, repeated here so the reference table can print them. */
    public static final int MAX_TOPICS = 1_000_000;
    public static final double MAX_RATE_PER_SECOND = 1_000_000;
    public static final int MAX_PAYLOAD_BYTES = FeedSpec.MAX_PAYLOAD_BYTES;
    public static final int MAX_HISTORY_EVENTS = 1 << 24;
    /** topics × rate: one feed thread publishes every topic. */
    public static final double MAX_TOTAL_RATE_PER_SECOND = 1_000_000;
    public static final int MAX_REPEATS = 20;
    /** Longest warmup, duration or drain. */
    public static final Duration MAX_PHASE = Duration.ofHours(24);
    /** Longest heartbeat interval or SSE retry. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** Exclusive: a poll held an hour is a stuck poll. */
    public static final Duration LONG_POLL_HOLD_BELOW = Duration.ofHours(1);
    public static final int MAX_MAX_BATCH_EVENTS = 65_536;
    /** publish.rate per publishing subscriber ({@link dev.pushbench.loadgen.PublishSpec}'s limit). */
    public static final double MAX_PUBLISH_RATE_PER_SECOND = 10_000;
    /** server.maxPublishBytes: {@link dev.pushbench.core.ServerConfig}'s least, and 16 MiB. */
    public static final int MIN_MAX_PUBLISH_BYTES = 64;
    public static final int MAX_MAX_PUBLISH_BYTES = 16 * 1024 * 1024;
    /**
     * The most a publish body adds around its {@code data}: {@code {"from":999999,"n":<19 digits>,"sent":<20
     * characters>,"data":""}}, 77 bytes, rounded up.
     */
    public static final int PUBLISH_JSON_OVERHEAD_BYTES = 80;
    /** The most round trip or jitter a link may add. */
    public static final Duration MAX_RTT = Duration.ofSeconds(10);
    /** The longest mean stall. */
    public static final Duration MAX_STALL = Duration.ofMinutes(1);
    /** The most bandwidth a link may be limited to (beyond it, loopback is the limit). */
    public static final long MAX_BANDWIDTH = 100_000_000_000L;
    public static final long MIN_BANDWIDTH = 1_000L;
    public static final double MIN_SEARCH_RESOLUTION = 0.01;
    public static final double MAX_SEARCH_RESOLUTION = 0.5;
    public static final int MAX_SEARCH_CONFIRM = 10;
    public static final Duration MAX_SEARCH_BUDGET = Duration.ofHours(24);
    /** clients.cpuShare: below 5 % of each period the generator does next to nothing. */
    public static final double MIN_CPU_SHARE = 0.05;

    private ScenarioDefaults() {
    }
}
