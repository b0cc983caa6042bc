package dev.pushbench.runner.run;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.runner.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The resolved scenario (defaults filled in) as JSON for {@code run.json}: what was really run. */
final class ScenarioJson {
    private ScenarioJson() {
    }

    static Map<String, Object> toMap(Scenario s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("description", s.description());
        Map<String, Object> matrix = new LinkedHashMap<>();
        matrix.put("stacks", s.matrix().stacks());
        matrix.put("transports", s.matrix().transports().stream().map(Transport::id).collect(Collectors.toList()));
        matrix.put("protocols", s.matrix().protocols().stream().map(Protocol::id).collect(Collectors.toList()));
        m.put("matrix", matrix);
        // resolved: the paths the cells cross, none first when listed, each proxy with each profile
        m.put("paths", s.matrix().paths().stream().map(dev.pushbench.runner.scenario.NetworkPath::id).collect(Collectors.toList()));
        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("connections", s.clients().connections());
        clients.put("rampPerSecond", s.clients().rampPerSecond());
        clients.put("eventsPerConnection", s.clients().eventsPerConnection());
        clients.put("engine", s.clients().engine().id());
        // resolved: the addresses every cell's load generator binds to, the default worked out
        clients.put("sourceAddresses", s.clients().sourceAddressesFor(ScenarioRunner.serverAddress()).stream()
                .map(java.net.InetAddress::getHostAddress).collect(Collectors.toList()));
        m.put("clients", clients);
        Map<String, Object> feed = new LinkedHashMap<>();
        feed.put("topics", s.feed().topics());
        feed.put("ratePerSecond", s.feed().ratePerSecond());
        feed.put("payloadBytes", s.feed().payloadBytes());
        feed.put("historyEvents", s.feed().historyEvents());
        m.put("feed", feed);
        if (s.publish() != null) {
            Map<String, Object> publish = new LinkedHashMap<>();
            publish.put("ratePerSecond", s.publish().ratePerSecond());
            publish.put("payloadBytes", s.publish().payloadBytes());
            publish.put("share", s.publish().share());
            publish.put("to", s.publish().to().name().toLowerCase(java.util.Locale.ROOT));
            m.put("publish", publish);
        }
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("warmupMillis", s.timing().warmup().toMillis());
        timing.put("durationMillis", s.timing().duration().toMillis());
        timing.put("drainMillis", s.timing().drain().toMillis());
        timing.put("repeats", s.timing().repeats());
        m.put("timing", timing);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("sseRetryMillis", s.transports().sseRetry().toMillis());
        t.put("sseHeartbeatMillis", s.transports().sseHeartbeat().toMillis());
        t.put("sseProxyHints", s.transports().sseProxyHints());
        t.put("webSocketHeartbeatMillis", s.transports().webSocketHeartbeat().toMillis());
        t.put("longPollHoldMillis", s.transports().longPollHold().toMillis());
        t.put("shortPollIntervalMillis", s.transports().shortPollInterval().toMillis());
        m.put("transports", t);
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("backpressure", s.server().backpressure().id());
        server.put("maxBatchEvents", s.server().maxBatchEvents());
        server.put("maxPublishBytes", s.server().maxPublishBytes());
        m.put("server", server);
        return m;
    }
}
