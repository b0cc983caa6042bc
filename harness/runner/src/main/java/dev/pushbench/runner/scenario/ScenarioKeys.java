package dev.pushbench.runner.scenario;

import static dev.pushbench.runner.scenario.ScenarioDefaults.*;
import static dev.pushbench.runner.scenario.ScenarioUnits.formatDuration;
import static dev.pushbench.runner.scenario.ScenarioUnits.formatRate;
import static dev.pushbench.runner.scenario.ScenarioUnits.formatSize;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every key a scenario file may hold, with its meaning, type, default and allowed values (this class is long because
 * it is that one list, each key's texts beside it, which the loader, its errors and the docs all quote). The
 * loader accepts exactly these keys and quotes their "allowed" text in its errors; the reference
 * table in {@code docs/scenarios.md} is {@link #markdownTable()} (a test keeps the two equal).
 *
 * <pre>
 *   ScenarioKeys.key("feed.payload").defaultValue();   // "256B"
 *   ScenarioKeys.namesIn("feed");                       // [topics, rate, payload, history]
 * </pre>
 */
public final class ScenarioKeys {

    /**
     * One key. {@code path} is {@code section.name}, or just {@code name} at the top level;
     * {@code defaultValue} is null for a required key.
     */
    public record Key(String path, String type, String defaultValue, String allowed, String meaning) {

        public boolean required() {
            return defaultValue == null;
        }

        /** The section ({@code clients}, or {@code clients.reconnect} for a nested one), or "" for a top-level key. */
        public String section() {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }

        public String name() {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    /**
     * A mapping of keys: at the top level, or nested in another ({@code clients.reconnect}); or, when {@code list},
     * a top-level list of such mappings ({@code faults}), each item holding the keys. A mapping is required if it
     * holds a required key, unless it is {@code optional}: a block whose presence means something ({@code publish}),
     * whose required keys are required only when it is written; a list never is.
     */
    public record Section(String name, String meaning, boolean list, boolean optional) {

        public Section(String name, String meaning) {
            this(name, meaning, false, false);
        }

        public Section(String name, String meaning, boolean list) {
            this(name, meaning, list, false);
        }

        public boolean required() {
            return !list && !optional && KEYS.stream().anyMatch(k -> k.section().equals(name) && k.required());
        }

        /** True for a section at the top level of the file. */
        public boolean topLevel() {
            return name.indexOf('.') < 0;
        }

        /** The section it is nested in, or "" at the top level. */
        public String parent() {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? "" : name.substring(0, dot);
        }

        /** Its key in its parent. */
        public String key() {
            return name.substring(name.lastIndexOf('.') + 1);
        }
    }

    private static final String DURATION = "duration (" + ScenarioUnits.DURATION_UNITS + ")";
    private static final String RATE = "rate (" + ScenarioUnits.RATE_UNITS + ")";
    private static final String INTERVAL_ALLOWED = "a duration above 0s and at most " + formatDuration(MAX_INTERVAL);

    private static final List<Section> SECTIONS = List.of(
            new Section("matrix", "which cells to run: every stack × transport × protocol"),
            new Section("path", "what stands between the load generator and the server: a real proxy on 127.0.0.1, in the"
                    + " matrix (a cell is stack × transport × protocol × path)"),
            new Section("network", "the link every connection crosses, emulated by a relay between the load generator and the"
                    + " server (or its proxy), in the matrix (a cell's name ends in the link's id)"),
            new Section("clients", "the subscribers the load generator opens"),
            new Section("clients.reconnect", "how WebSocket and polling clients come back after a lost connection:"
                    + " exponential backoff with jitter (SSE waits retry: as a browser's EventSource does)"),
            new Section("feed", "what the server publishes"),
            new Section("publish", "two-way workloads: what the subscribers publish, each message sequenced into its"
                    + " room (a feed topic) and delivered to every subscriber of it, the sender included; SSE and polling"
                    + " clients send POST /publish/{topic} (over HTTP/1.1 on a second connection, as a browser does; over"
                    + " HTTP/2 on the stream's), WebSocket clients a text frame on their socket; absent: nobody publishes",
                    false, true),
            new Section("search", "a capacity search per cell: the largest value of one figure of the workload that meets"
                    + " the SLO, found by doubling from the start until a step fails, then bisecting; every step is a"
                    + " whole cell (ramp, warm-up, window, drain) on fresh JVMs, and the passing value nearest the boundary"
                    + " runs search.confirm times, passing each time; absent: every cell runs the one load written",
                    false, true),
            new Section("search.slo", "what every step of a search must meet; required in a search block", false, true),
            new Section("timing", "the phases of every cell"),
            new Section("sse", "Server-Sent Events options"),
            new Section("websocket", "WebSocket options"),
            new Section("long-polling", "long-polling options"),
            new Section("short-polling", "short-polling options"),
            new Section("server", "how every stack treats subscribers"),
            new Section("faults", "what the runner does to each cell during its measured window: a list, each item one"
                    + " fault with the keys below; their times are recorded in summary.json and drawn on the report's charts",
                    true),
            new Section("cluster", "where the roles run in a cluster's run (pushbench run --cluster, docs/cluster.md): the"
                    + " agent that serves, the load agents and how clients.connections is split among them. With it, the"
                    + " scenario may not use a proxy (path.proxy), a link other than none or loopback, faults, publish,"
                    + " clients.cpuShare below 1, clients.sourceAddresses or search; a run without --cluster ignores"
                    + " it; absent: the scenario cannot run on a cluster",
                    false, true));

    private static final List<Key> KEYS = List.of(
            new Key("name", "text", null,
                    "lower-case letters, digits and dashes ([a-z0-9][a-z0-9-]*), at most " + MAX_NAME_LENGTH + " characters",
                    "the scenario's name; part of the run id and of result directory names"),
            new Key("description", "text", "",
                    "any text",
                    "what the workload stands for; shown in the report"),
            new Key("matrix.stacks", "list of stack ids", "every known stack",
                    "the server stacks the runner knows (jetty, vertx), each at most once",
                    "server stacks to measure"),
            new Key("matrix.transports", "list of transport ids", ids(TRANSPORTS.stream().map(Transport::id)),
                    Transport.allowed() + ", each at most once",
                    "transports to measure"),
            new Key("matrix.protocols", "list of protocol ids", ids(PROTOCOLS.stream().map(Protocol::id)),
                    Protocol.allowed() + ", each at most once",
                    "HTTP versions to measure; h2c is HTTP/2 over cleartext with prior knowledge; https1.1 and h2 run over TLS"
                            + " (a certificate made at run time, ALPN offering only the cell's protocol)"),
            new Key("path.proxy", "proxy id, or a list", "none",
                    "none, nginx, haproxy (Debian packages nginx-light and haproxy), or a list of them, each at most once",
                    "the proxy the load generator goes through: it speaks the cell's protocol to the client (TLS ends at"
                            + " the proxy) and HTTP/1.x cleartext to the server; none: straight to the server"),
            new Key("path.profile", "profile id, or a list", "push",
                    "stock, push, or a list of them, each at most once",
                    "the proxy's configuration (docs/proxies.md): stock is the distribution's defaults for a plain"
                            + " proxy_pass / backend (nginx: HTTP/1.0 upstream, buffering on, 60s read timeout, no Upgrade;"
                            + " HAProxy: 50s client/server timeouts, no timeout tunnel); push is an operator's streaming setup"
                            + " (no buffering, HTTP/1.1 and Upgrade forwarded, timeouts above the heartbeat, upstream keep-alive)"),
            new Key("network.link", "link id, or a list", "none",
                    ids(NetworkLink.ids().stream()) + ", or a list of them, each at most once",
                    "the link each connection crosses: none is loopback as it is; any other puts the relay (pushbench"
                            + " relay, a process of its own, its CPU in costs.relay) on the way and shapes each connection"
                            + " both ways; loopback shapes nothing (what the relay costs); lan, broadband, 4g, 3g and"
                            + " satellite are presets (docs/methodology.md gives their figures and sources); custom starts"
                            + " from nothing; the keys below replace a figure of every listed link but none and loopback"),
            new Key("network.rtt", DURATION, "the link's",
                    "0s to " + formatDuration(MAX_RTT),
                    "round trip added, half each way"),
            new Key("network.jitter", DURATION, "the link's",
                    "0s to " + formatDuration(MAX_RTT),
                    "each segment's one-way delay varies uniformly by up to this either way; order is kept, as TCP keeps it"),
            new Key("network.down", "bandwidth (" + ScenarioUnits.BANDWIDTH_UNITS + ")", "the link's (none, custom: unlimited)",
                    "0bit/s (unlimited), or 1kbit/s to 100Gbit/s, e.g. 1.6Mbit/s",
                    "server → client, per connection (a token bucket: a segment leaves when its bytes fit)"),
            new Key("network.up", "bandwidth (" + ScenarioUnits.BANDWIDTH_UNITS + ")", "the link's (none, custom: unlimited)",
                    "0bit/s (unlimited), or 1kbit/s to 100Gbit/s, e.g. 768kbit/s",
                    "client → server, per connection"),
            new Key("network.stallEvery", DURATION, "the link's",
                    "0s (no stalls) to " + formatDuration(MAX_INTERVAL),
                    "mean time between a connection's stalls, drawn exponentially: in a stall it passes no byte either way,"
                            + " as a lossy radio link looks to TCP above it"),
            new Key("network.stallFor", DURATION, "the link's",
                    "above 0s, at most " + formatDuration(MAX_STALL),
                    "mean length of a stall, drawn exponentially (at most ten times it)"),
            new Key("network.mtu", "whole number of bytes", String.valueOf(NetworkLink.DEFAULT_MTU),
                    NetworkLink.MIN_MTU + " to " + NetworkLink.MAX_MTU,
                    "the relay writes segments of mtu − 40 payload bytes and counts 40 bytes of headers each against the"
                            + " bandwidth, so framing overhead is real"),
            new Key("clients.connections", "whole number", null,
                    "1 to " + MAX_CONNECTIONS + " (the runner also checks the open-file limit)",
                    "subscribers, each on its own connection, spread round-robin over the topics"),
            new Key("clients.rampRate", RATE, formatRate(RAMP_PER_SECOND),
                    "above 0/s, at most " + formatRate(MAX_RAMP_PER_SECOND) + ", e.g. 500/s",
                    "connections opened per second, on a fixed schedule (open loop), before the warm-up"),
            new Key("clients.eventsPerConnection", "whole number", String.valueOf(EVENTS_PER_CONNECTION),
                    "0 (never) to " + MAX_EVENTS_PER_CONNECTION,
                    "a subscriber closes its connection after this many events and opens a new subscription"
                            + " on a new connection, from the newest event (churn: short-lived streams); 0: connections"
                            + " live for the whole run"),
            new Key("clients.engine", "jetty | nio", ENGINE.id(),
                    ClientEngineKind.allowed(),
                    "the load generator's client, for every cell: nio (a light java.nio client, one selector thread per"
                            + " core, HTTP/2 frames from Jetty's codec, TLS by SSLEngine, nothing of its own allocated per"
                            + " message) or jetty (Jetty's HttpClient/WebSocketClient, the reference nio is checked against);"
                            + " both speak every transport and protocol; cells are comparable only within one engine"),
            new Key("clients.sourceAddresses", "list of IPv4 addresses", "engine nio, loopback server: one of 127.0.0.1,"
                    + " 127.0.0.2, … per " + String.format(java.util.Locale.ROOT, "%,d", CONNECTIONS_PER_SOURCE_ADDRESS)
                    + " connections; otherwise none (the kernel picks)",
                    "1 to " + MAX_SOURCE_ADDRESSES + " distinct IPv4 addresses of this machine (all of 127.0.0.0/8 is"
                            + " local on Linux), e.g. [127.0.0.2, 127.0.0.3]; engine jetty takes one",
                    "local addresses the connections are bound to, round-robin (port 0: the kernel picks the port); each"
                            + " address has its own ephemeral ports, and one address's port search slows down as they fill"),
            new Key("clients.deadAfter", DURATION, DEAD_AFTER_HEARTBEATS + " × the transport's heartbeat",
                    "above 0s, at most " + formatDuration(MAX_INTERVAL),
                    "a subscriber gives a connection up after this long without a byte (an event, a heartbeat) and"
                            + " reconnects: the only way to find a link that died silently; a long poll waits its hold plus"
                            + " this for an answer, a short poll this"),
            new Key("clients.cpuShare", "number", "1",
                    MIN_CPU_SHARE + " to 1",
                    "a check of the generator-bound rule: the runner lets the load generator's process run only this"
                            + " share of every 50 ms (it stops and continues it, as cpulimit does); a starved generator's"
                            + " cells are marked saturated and a search's steps generator-bound. 1: unthrottled"),
            new Key("clients.reconnect.initial", DURATION, formatDuration(RECONNECT_INITIAL),
                    "above 0s, at most " + formatDuration(MAX_INTERVAL),
                    "WebSocket and polling: the first reconnect delay, doubled after each failed attempt (socket.io"
                            + " client's defaults)"),
            new Key("clients.reconnect.max", DURATION, formatDuration(RECONNECT_MAX),
                    "at least clients.reconnect.initial, at most " + formatDuration(MAX_INTERVAL),
                    "the most a reconnect delay grows to"),
            new Key("clients.reconnect.jitter", "number", String.valueOf(RECONNECT_JITTER),
                    "0 to 1",
                    "each delay is multiplied by a uniform draw in [1 − jitter, 1 + jitter], so clients cut together do"
                            + " not come back together"),
            new Key("feed.topics", "whole number", String.valueOf(TOPICS),
                    "1 to " + MAX_TOPICS,
                    "topics published, named t0, t1, …; each has its own schedule and history"),
            new Key("feed.rate", RATE, null,
                    "0/s (no feed: only with a publish block), or above 0/s, at most " + formatRate(MAX_RATE_PER_SECOND) + " per topic and "
                            + formatRate(MAX_TOTAL_RATE_PER_SECOND) + " over all topics, e.g. 10/s, 0.5/s, 600/min",
                    "events per second, per topic; event k of topic i is due at t0 + i/(rate × topics) + (k − 1)/rate, whatever happens"),
            new Key("feed.payload", "size (" + ScenarioUnits.SIZE_UNITS + ")", formatSize(PAYLOAD_BYTES),
                    "0B to " + formatSize(MAX_PAYLOAD_BYTES) + ", e.g. 256B, 4KiB, 1MiB",
                    "size of each event's data field (the JSON around it adds about 80 bytes (topic, seq, two 13-digit nanosecond times))"),
            new Key("feed.history", "whole number of events", String.valueOf(HISTORY_EVENTS),
                    "a power of two from 1 to " + MAX_HISTORY_EVENTS,
                    "events kept per topic, for polling and resume; a subscriber further behind loses events"),
            new Key("publish.rate", RATE, null,
                    "above 0/s, at most " + formatRate(MAX_PUBLISH_RATE_PER_SECOND) + " per publisher, e.g. 20/min (a message"
                            + " every 3 s), 20/s",
                    "messages per second each publishing subscriber sends, on a fixed schedule"
                            + " (open loop: a message is timed from when it was due, so a publisher held up shows it);"
                            + " required in a publish block"),
            new Key("publish.payload", "size (" + ScenarioUnits.SIZE_UNITS + ")", formatSize(PUBLISH_PAYLOAD_BYTES),
                    "0B to " + formatSize(MAX_MAX_PUBLISH_BYTES - PUBLISH_JSON_OVERHEAD_BYTES) + "; with "
                            + PUBLISH_JSON_OVERHEAD_BYTES + " bytes of JSON around it, at most server.maxPublishBytes",
                    "size of each message's data field; the event it becomes carries it as a feed event's payload"),
            new Key("publish.share", "number", "1",
                    "above 0, at most 1, e.g. 0.1",
                    "the share of subscribers that publish: the first ceil(share × clients.connections) by index, which"
                            + " the round-robin spreads over the rooms; the others only receive"),
            new Key("publish.to", "own | random", PUBLISH_TO.name().toLowerCase(java.util.Locale.ROOT),
                    "own, random",
                    "own: a subscriber publishes to its own room (its topic), so every message also comes back to it"
                            + " (the echo); random: each message to a room drawn at random (SSE and polling only: a"
                            + " WebSocket publishes on its own socket, to its own room)"),
            new Key("search.variable", "clients.connections | feed.rate | feed.payload", null,
                    "clients.connections, feed.rate or feed.payload",
                    "the figure the search varies; the rest of the workload stays as written (subscribers at a fixed"
                            + " feed.rate each receive that many events per second; feed.rate is per topic); required in a"
                            + " search block"),
            new Key("search.start", "the variable's: whole number, rate or size", "the variable's value in the scenario",
                    "above 0, at most search.max",
                    "the first step's value; the search doubles it until a step fails (and halves it, at most 4 times,"
                            + " while the first steps fail)"),
            new Key("search.max", "the variable's: whole number, rate or size", "the variable's own limit (clients.connections:"
                    + " the open-file limit less " + 256 + ")",
                    "at least search.start",
                    "the highest value tried: reaching it ends the search with capacity ≥ it (bound max)"),
            new Key("search.resolution", "number", String.valueOf(SEARCH_RESOLUTION),
                    MIN_SEARCH_RESOLUTION + " to " + MAX_SEARCH_RESOLUTION,
                    "bisect until the lowest failing value is within this share above the highest passing one"),
            new Key("search.confirm", "whole number", String.valueOf(SEARCH_CONFIRM),
                    "1 to " + MAX_SEARCH_CONFIRM,
                    "runs of the capacity value in all, each of which must pass; one failing sends the search below it"),
            new Key("search.budget", DURATION, formatDuration(SEARCH_BUDGET),
                    "above 0s, at most " + formatDuration(MAX_SEARCH_BUDGET),
                    "the longest one cell's search may take; no step begins after it, and the result is ≥ the highest"
                            + " value passed (bound budget)"),
            new Key("search.slo.p99", DURATION, null,
                    "above 0s, at most " + formatDuration(MAX_INTERVAL),
                    "delivery latency's p99, from each event's intended publish time, at most this; required"),
            new Key("search.slo.lost", "whole number", "0",
                    "0 to 1000000000",
                    "events lost in the window at most this many"),
            new Key("search.slo.serverCpu", "number", "none (not a condition)",
                    "above 0, at most 100 × the cores (100 per core)",
                    "the server's CPU over the window at most this, 100 per core: capacity with headroom"),
            new Key("timing.warmup", DURATION, formatDuration(WARMUP),
                    "0s to " + formatDuration(MAX_PHASE) + ", e.g. 5s",
                    "after the ramp, events are delivered but not recorded (JIT, pools, caches settle)"),
            new Key("timing.duration", DURATION, null,
                    "above 0s, at most " + formatDuration(MAX_PHASE) + ", e.g. 20s",
                    "the measured window: events due in it are expected and recorded"),
            new Key("timing.drain", DURATION, formatDuration(DRAIN),
                    "0s to " + formatDuration(MAX_PHASE) + "; at least short-polling.interval when short-polling is"
                            + " in the matrix",
                    "after the window, how long its late events may still arrive and count (ends early once none is owed)"),
            new Key("timing.repeats", "whole number", String.valueOf(REPEATS),
                    "1 to " + MAX_REPEATS,
                    "how many times each cell is run"),
            new Key("sse.retry", DURATION, formatDuration(SSE_RETRY),
                    INTERVAL_ALLOWED + ", whole milliseconds",
                    "the retry: field sent at the start of every stream: the client's reconnect delay"),
            new Key("sse.proxyHints", "true | false", String.valueOf(SSE_PROXY_HINTS),
                    "true, false",
                    "SSE responses carry X-Accel-Buffering: no, the header that tells nginx not to buffer a stream; an SSE"
                            + " cell through a stock nginx with it on also runs without it (its name ends in -nohints), so the"
                            + " report shows what the header is worth"),
            new Key("sse.heartbeat", DURATION, formatDuration(SSE_HEARTBEAT),
                    INTERVAL_ALLOWED,
                    "a comment line (:) is sent after this long without a write"),
            new Key("websocket.heartbeat", DURATION, formatDuration(WEBSOCKET_HEARTBEAT),
                    INTERVAL_ALLOWED,
                    "a ping frame is sent after this long without a write"),
            new Key("long-polling.hold", DURATION, formatDuration(LONG_POLL_HOLD),
                    "a duration above 0s and shorter than " + formatDuration(LONG_POLL_HOLD_BELOW),
                    "how long the server holds a poll with nothing new before an empty answer"),
            new Key("short-polling.interval", DURATION, formatDuration(SHORT_POLL_INTERVAL),
                    "a duration above 0s, shorter than timing.duration; one interval of events"
                            + " (feed.rate × interval) must fit in feed.history and server.maxBatchEvents",
                    "a client polls on this fixed schedule; staleness is about half of it"),
            new Key("server.backpressure", "disconnect | drop", BACKPRESSURE.id(),
                    "disconnect, drop",
                    "what happens to a subscriber whose next event has left history: disconnect (it resumes"
                            + " and sees the gap) or drop (skip to the oldest held event, count the skipped)"),
            new Key("server.maxBatchEvents", "whole number", String.valueOf(MAX_BATCH_EVENTS),
                    "1 to " + MAX_MAX_BATCH_EVENTS,
                    "most events written to one subscriber at once, or returned by one poll"),
            new Key("server.maxPublishBytes", "whole number of bytes", String.valueOf(MAX_PUBLISH_BYTES),
                    MIN_MAX_PUBLISH_BYTES + " to " + MAX_MAX_PUBLISH_BYTES + "; at least publish.payload + "
                            + PUBLISH_JSON_OVERHEAD_BYTES,
                    "the largest publish body (a POST's or a WebSocket frame's) a server takes; a larger one is"
                            + " refused with 413 (or an in-band nack)"),
            new Key("faults.type", "fault id", null,
                    FaultPlan.Type.allowed(),
                    "cut: the relay ends a share of live connections; blackhole: the relay stops them passing bytes"
                            + " without closing them (only a heartbeat or a timeout finds it); restart: the server process"
                            + " is stopped and started again on the same port, its history gone (events due while it is"
                            + " down are lost to every transport); proxy-reload: the proxy reloads its configuration (cells"
                            + " through a proxy only)"),
            new Key("faults.at", DURATION, "faults.every's value",
                    "0s to before timing.duration's end",
                    "when, after the measured window began"),
            new Key("faults.every", DURATION, "0s (once)",
                    "0s, or above 0s and at most timing.duration",
                    "again at this interval until the window ends"),
            new Key("faults.share", "number", "1",
                    "above 0, at most 1, e.g. 0.25",
                    "cut and blackhole: the share of live connections hit, drawn at random"),
            new Key("faults.mode", "reset | drop", FaultPlan.Mode.RESET.id(),
                    "reset, drop",
                    "cut: reset sends an RST both ways; drop resets the server's side and leaves the client hearing"
                            + " nothing (no FIN), as a NAT that forgot the connection"),
            new Key("faults.duration", DURATION, "0s (until the client gives the connection up)",
                    "0s to " + formatDuration(MAX_INTERVAL),
                    "blackhole: how long nothing passes; bytes held meanwhile flow again after it"),
            new Key("faults.down", DURATION, "0s",
                    "0s to " + formatDuration(MAX_INTERVAL),
                    "restart: how long the server stays stopped before the new one starts (its JVM start adds to it)"),
            new Key("cluster.members", "list of host:port", "none (pushbench run --cluster gives them)",
                    "host:port, the host an IPv4 address or a host name, the port 1 to 65535, each at most once, at most "
                            + ClusterSpec.MAX_MEMBERS + ", e.g. [10.0.0.5:5701, 10.0.0.6:5701]; [] as absent",
                    "the agents' cluster addresses (Hazelcast over TCP, explicit members, no multicast): the controller"
                            + " joins them; --cluster on the command line replaces the list"),
            new Key("cluster.name", "text", ClusterSpec.DEFAULT_NAME,
                    "1 to 64 letters, digits, dots, underscores and dashes",
                    "the cluster's name: only agents started with the same name join, so two suites on one network do"
                            + " not mix"),
            new Key("cluster.server", "agent name", null,
                    "an agent's name: lower-case letters, digits, dots, underscores and dashes ([a-z0-9][a-z0-9._-]*),"
                            + " at most 40 characters, e.g. server-1",
                    "the agent that runs the server JVM; required in a cluster block"),
            new Key("cluster.load", "list of agent names", "every agent but the server, by name",
                    "distinct agent names, not cluster.server, at most " + ClusterSpec.MAX_LOAD_AGENTS + ", e.g. [load-1, load-2]",
                    "the agents that run the load generators, in the order cluster.split weighs them"),
            new Key("cluster.loadAgents", "whole number", "the size of cluster.load, else of cluster.split, else every"
                    + " agent but the server",
                    "1 to " + ClusterSpec.MAX_LOAD_AGENTS + "; at most the size of cluster.load",
                    "how many load agents: the first this many of cluster.load, or, without it, of the other agents by"
                            + " name"),
            new Key("cluster.split", "list of numbers", "even",
                    "one weight above 0 and at most " + (long) ClusterSpec.MAX_WEIGHT + " per load agent (as many as"
                            + " cluster.loadAgents, else cluster.load), each agent's share at least one subscriber, e.g. [2, 1]",
                    "the subscribers' split over the load agents, by weight, in their order; the shares are rounded"
                            + " (the remainders to the largest fractions) so that they add up to clients.connections"));

    private ScenarioKeys() {
    }

    public static List<Key> all() {
        return KEYS;
    }

    public static List<Section> sections() {
        return SECTIONS;
    }

    /** @throws IllegalArgumentException if no key has this path */
    public static Key key(String path) {
        for (Key k : KEYS) {
            if (k.path().equals(path)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no scenario key '" + path + "'");
    }

    public static Section section(String name) {
        for (Section s : SECTIONS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no scenario section '" + name + "'");
    }

    /** The keys allowed in {@code section}, in reference order; for "" the top-level keys and sections. */
    public static List<String> namesIn(String section) {
        List<String> names = new ArrayList<>();
        for (Key k : KEYS) {
            if (k.section().equals(section)) {
                names.add(k.name());
            }
        }
        for (Section s : SECTIONS) {
            if (s.parent().equals(section)) {
                names.add(s.key());
            }
        }
        return names;
    }

    /** The reference table of every key, in Markdown, as it appears in {@code docs/scenarios.md}. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| Key | Meaning | Type / unit | Default | Allowed |\n");
        out.append("|-----|---------|-------------|---------|---------|\n");
        String section = "";
        for (Key k : KEYS) {
            if (!k.section().equals(section)) {
                section = k.section();
                Section s = section(section);
                out.append("| **").append(section).append("** | ").append(cell(s.meaning()))
                        .append(s.list() ? " | list of mappings | (none) | each item: the keys below |\n"
                                : " | mapping | " + (s.required() ? "**required**" : s.optional() ? "(none)" : "(all defaults)")
                                        + " | the keys below |\n");
            }
            out.append("| `").append(k.path()).append("` | ").append(cell(k.meaning()))
                    .append(" | ").append(cell(k.type()))
                    .append(" | ").append(k.required() ? "**required**" : k.defaultValue().isEmpty() ? "(none)" : cell(k.defaultValue()))
                    .append(" | ").append(cell(k.allowed())).append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("*", "\\*");
    }

    private static String ids(java.util.stream.Stream<String> ids) {
        return ids.collect(Collectors.joining(", "));
    }
}
