package dev.pushbench.runner.run;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files the runner hands its children: {@code server.json} for {@code pushbench serve} and
 * {@code load.json} for {@code pushbench load}. Durations are milliseconds, names are the ids
 * used in scenarios. Written beside the cell's results, so a cell can be re-run by hand.
 */
public final class ChildSpecs {
    private ChildSpecs() {
    }

    /** What {@code pushbench serve} runs: a stack, its config and the feed. */
    public record Serve(String stack, ServerConfig server, FeedSpec feed) {
    }

    public static Map<String, Object> toJson(Serve s) {
        Map<String, Object> server = new LinkedHashMap<>();
        ServerConfig c = s.server();
        server.put("host", c.host());
        server.put("port", c.port());
        server.put("protocol", c.protocol().id());
        server.put("heartbeatMillis", c.heartbeatInterval().toMillis());
        server.put("sseRetryMillis", c.sseRetry().toMillis());
        server.put("longPollHoldMillis", c.longPollHold().toMillis());
        server.put("maxBatchEvents", c.maxBatchEvents());
        server.put("backpressure", c.backpressure().id());
        Map<String, Object> feed = new LinkedHashMap<>();
        feed.put("topics", s.feed().topics());
        feed.put("ratePerSecond", s.feed().ratePerSecond());
        feed.put("payloadBytes", s.feed().payloadBytes());
        feed.put("historyEvents", s.feed().historyEvents());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stack", s.stack());
        m.put("server", server);
        m.put("feed", feed);
        return m;
    }

    public static Serve serveFromJson(Map<String, Object> m) {
        Map<String, Object> server = Json.map(m, "server");
        Map<String, Object> feed = Json.map(m, "feed");
        ServerConfig config = new ServerConfig(
                Json.stringOf(server, "host"),
                (int) Json.longOf(server, "port"),
                Protocol.fromId(Json.stringOf(server, "protocol")),
                Duration.ofMillis(Json.longOf(server, "heartbeatMillis")),
                Duration.ofMillis(Json.longOf(server, "sseRetryMillis")),
                Duration.ofMillis(Json.longOf(server, "longPollHoldMillis")),
                (int) Json.longOf(server, "maxBatchEvents"),
                Backpressure.fromId(Json.stringOf(server, "backpressure")), null);
        FeedSpec spec = new FeedSpec((int) Json.longOf(feed, "topics"), Json.doubleOf(feed, "ratePerSecond"),
                (int) Json.longOf(feed, "payloadBytes"), (int) Json.longOf(feed, "historyEvents"));
        return new Serve(Json.stringOf(m, "stack"), config, spec);
    }

    public static Map<String, Object> toJson(LoadSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", s.host());
        m.put("port", s.port());
        m.put("protocol", s.protocol().id());
        m.put("transport", s.transport().id());
        m.put("connections", s.connections());
        m.put("rampPerSecond", s.rampPerSecond());
        m.put("eventsPerConnection", s.eventsPerConnection());
        m.put("t0Nanos", s.schedule().t0Nanos());
        m.put("topics", s.schedule().topics());
        m.put("ratePerSecond", s.schedule().ratePerSecond());
        m.put("warmupMillis", s.warmup().toMillis());
        m.put("durationMillis", s.duration().toMillis());
        m.put("drainMillis", s.drain().toMillis());
        m.put("shortPollIntervalMillis", s.shortPollInterval().toMillis());
        m.put("longPollHoldMillis", s.longPollHold().toMillis());
        m.put("heartbeatMillis", s.heartbeat().toMillis());
        m.put("reconnectDelayMillis", s.reconnectDelay().toMillis());
        m.put("hlogFile", s.hlogFile().toString());
        // public: a certificate, not a key; null for cleartext
        m.put("serverCertificatePem", s.serverCertificatePem());
        m.put("engine", s.engine().id());
        return m;
    }

    public static LoadSpec loadFromJson(Map<String, Object> m) {
        return new LoadSpec(
                Json.stringOf(m, "host"),
                (int) Json.longOf(m, "port"),
                Protocol.fromId(Json.stringOf(m, "protocol")),
                Transport.fromId(Json.stringOf(m, "transport")),
                (int) Json.longOf(m, "connections"),
                Json.doubleOf(m, "rampPerSecond"),
                (int) Json.longOf(m, "eventsPerConnection"),
                new Schedule(Json.longOf(m, "t0Nanos"), (int) Json.longOf(m, "topics"), Json.doubleOf(m, "ratePerSecond")),
                Duration.ofMillis(Json.longOf(m, "warmupMillis")),
                Duration.ofMillis(Json.longOf(m, "durationMillis")),
                Duration.ofMillis(Json.longOf(m, "drainMillis")),
                Duration.ofMillis(Json.longOf(m, "shortPollIntervalMillis")),
                Duration.ofMillis(Json.longOf(m, "longPollHoldMillis")),
                Duration.ofMillis(Json.longOf(m, "heartbeatMillis")),
                Duration.ofMillis(Json.longOf(m, "reconnectDelayMillis")),
                Path.of(Json.stringOf(m, "hlogFile")),
                optionalString(m, "serverCertificatePem"),
                // a load.json written before there was a choice was run by the Jetty engine
                m.get("engine") == null ? ClientEngineKind.JETTY : ClientEngineKind.fromId(Json.stringOf(m, "engine")));
    }

    /** The text at {@code key}, or null when it is absent or null (a cleartext cell). */
    private static String optionalString(Map<String, Object> m, String key) {
        return m.get(key) == null ? null : Json.stringOf(m, key);
    }
}
