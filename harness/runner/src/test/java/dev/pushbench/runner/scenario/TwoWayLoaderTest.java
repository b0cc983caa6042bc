package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.PublishSpec;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys of two-way workloads: the publish block, feed.rate 0, server.maxPublishBytes, and the cells publishers cannot run. */
class TwoWayLoaderTest {
    private static final String ONE_WAY = """
            name: t
            clients: {connections: 200}
            feed: {topics: 10, rate: 10/s}
            timing: {duration: 30s}
            """;
    private static final String CHAT = """
            name: chat
            clients: {connections: 200}
            feed: {topics: 10, rate: 0/s}
            timing: {duration: 30s}
            publish:
              rate: 20/min
              payload: 256B
            """;

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(yaml, "s.yaml", Set.of("jetty", "vertx"));
    }

    private static void assertError(String yaml, String expected) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertEquals(expected, e.getMessage());
    }

    /** The error starts at {@code position} and says {@code what}. */
    private static void assertErrorAt(String yaml, String position, String what) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("s.yaml:" + position + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void withoutAPublishBlockNobodyPublishes() {
        Scenario s = parse(ONE_WAY);
        assertNull(s.publish());
        assertEquals(ScenarioDefaults.MAX_PUBLISH_BYTES, s.server().maxPublishBytes());
        assertEquals(ServerConfig.DEFAULT_MAX_PUBLISH_BYTES, s.serverConfig(Transport.SSE, Protocol.H2C, "127.0.0.1").maxPublishBytes());
        assertEquals(Optional.empty(), s.twoWayUnsupported(Transport.WEBSOCKET));
    }

    @Test
    void aChatPublishesToItsOwnRoomWithoutAFeed() {
        Scenario s = parse(CHAT);
        assertEquals(new PublishSpec(20 / 60.0, 256, 1, PublishSpec.Target.OWN), s.publish());
        assertEquals(0, s.feed().ratePerSecond());
        assertEquals(200, s.publish().publishers(s.clients().connections()));
    }

    @Test
    void everyPublishKeyWrittenOutIsRead() {
        Scenario s = parse(ONE_WAY + """
                matrix: {transports: [sse, long-polling]}
                publish: {rate: 20/s, payload: 64B, share: 0.25, to: random}
                server: {maxPublishBytes: 1024}
                """);
        assertEquals(new PublishSpec(20, 64, 0.25, PublishSpec.Target.RANDOM), s.publish());
        assertEquals(50, s.publish().publishers(200));
        assertEquals(1024, s.server().maxPublishBytes());
        assertEquals(1024, s.serverConfig(Transport.SSE, Protocol.HTTP_1_1, "127.0.0.1").maxPublishBytes());
    }

    @Test
    void thePublishDefaultsOfTheReferenceTableMeanWhatTheLoaderDoes() {
        StringBuilder block = new StringBuilder("publish:\n  rate: 20/min\n");
        for (ScenarioKeys.Key k : ScenarioKeys.all()) {
            if (k.section().equals("publish") && !k.required()) {
                block.append("  ").append(k.name()).append(": ").append(k.defaultValue()).append('\n');
            }
        }
        block.append("server:\n  maxPublishBytes: ").append(ScenarioKeys.key("server.maxPublishBytes").defaultValue()).append('\n');
        assertEquals(parse(CHAT), parse(CHAT.replace("  payload: 256B\n", "").replace("publish:\n  rate: 20/min\n", "")
                + block), block.toString());
    }

    @Test
    void aPublishBlockNeedsItsRate() {
        assertError(ONE_WAY + "publish: {payload: 64B}\n",
                "s.yaml:5:1: missing required key 'publish.rate'; allowed: " + ScenarioKeys.key("publish.rate").allowed());
        assertErrorAt(ONE_WAY + "publish:\n", "5:9", "publish must be a mapping of keys to values");
    }

    @Test
    void everyPublishValueIsCheckedWhereItIsWritten() {
        assertError(ONE_WAY + "publish: {rate: 0/s}\n",
                "s.yaml:5:17: publish.rate must be above 0/s, got 0/s; allowed: " + ScenarioKeys.key("publish.rate").allowed());
        assertError(ONE_WAY + "publish: {rate: 20001/s}\n",
                "s.yaml:5:17: publish.rate must be at most 10000/s, got 20001/s; allowed: " + ScenarioKeys.key("publish.rate").allowed());
        assertErrorAt(ONE_WAY + "publish: {rate: 3s}\n", "5:17", "publish.rate has an unknown unit");
        assertErrorAt(ONE_WAY + "publish: {rate: 1/s, payload: 256}\n", "5:31", "publish.payload has no unit");
        assertErrorAt(ONE_WAY + "publish: {rate: 1/s, payload: 17MiB}\n", "5:31", "publish.payload must be at most");
        assertError(ONE_WAY + "publish: {rate: 1/s, share: 0}\n",
                "s.yaml:5:29: publish.share must be above 0 and at most 1, got 0; allowed: above 0, at most 1, e.g. 0.1");
        assertErrorAt(ONE_WAY + "publish: {rate: 1/s, share: 25%}\n", "5:29", "did you mean '0.25'?");
        assertError(ONE_WAY + "publish: {rate: 1/s, to: mine}\n",
                "s.yaml:5:26: publish.to has an unknown value, got mine; allowed: own, random");
        assertError(ONE_WAY + "publish: {rate: 1/s, every: 3s}\n",
                "s.yaml:5:22: unknown key in publish ('every' belongs in faults), got 'every'; allowed: rate, payload, share, to");
    }

    @Test
    void maxPublishBytesIsCheckedAndMustHoldAMessage() {
        assertError(ONE_WAY + "server: {maxPublishBytes: 63}\n",
                "s.yaml:5:27: server.maxPublishBytes must be between 64 and 16777216, got 63; allowed: "
                        + ScenarioKeys.key("server.maxPublishBytes").allowed());
        assertError(ONE_WAY + "publish: {rate: 1/s, payload: 1KiB}\nserver: {maxPublishBytes: 1024}\n",
                "s.yaml:6:27: server.maxPublishBytes must hold a published message: publish.payload 1KiB + 80 bytes of"
                        + " JSON = 1104 bytes, or the server refuses every message with 413, got 1024; allowed: at least 1104"
                        + " and at most 16777216, or a smaller publish.payload; did you mean '2048'?");
        // the default does not hold a 64 KiB payload: the error points at the payload, the key written
        assertErrorAt(ONE_WAY + "publish: {rate: 1/s, payload: 64KiB}\n", "5:31",
                "server.maxPublishBytes must hold a published message");
    }

    @Test
    void aPublisherSendsAtLeastOneMessageWhileMeasured() {
        assertError(ONE_WAY + "publish: {rate: 0.02/s}\n",
                "s.yaml:5:17: publish.rate sends less than one message per publisher during timing.duration (30s), so"
                        + " nothing would be measured, got 0.02/s; allowed: at least 0.034/s, or a longer timing.duration");
    }

    @Test
    void aChatWithoutAFeedStillSizesShortPolls() {
        Scenario s = parse(CHAT + "matrix: {transports: [short-polling]}\n");
        assertEquals(20 / 60.0 * 20, ScenarioRules.publishedPerTopic(s.publish(), 200, 10), 1e-9);
        assertErrorAt(CHAT.replace("rate: 20/min", "rate: 20/s") + "matrix: {transports: [short-polling]}\n", "3:26",
                "server.maxBatchEvents must hold the events of one short-poll interval ((feed.rate + the messages published"
                        + " to a topic) × short-polling.interval = 400/s × 1s = 400 events)");
    }

    @Test
    void cellsPublishersCannotRunAreUnsupportedWithTheReason() {
        Scenario jetty = parse(CHAT.replace("clients: {connections: 200}", "clients: {connections: 200, engine: jetty}"));
        assertEquals(Optional.empty(), jetty.unsupported("jetty", Transport.SSE, Protocol.H2C, NetworkPath.DIRECT,
                NetworkLink.NONE), "both client engines publish");

        Scenario random = parse(CHAT.replace("payload: 256B", "payload: 256B\n  to: random"));
        assertTrue(random.unsupported("vertx", Transport.WEBSOCKET, Protocol.HTTP_1_1, NetworkPath.DIRECT, NetworkLink.NONE)
                .orElseThrow().contains("a WebSocket client publishes in-band on its own socket"));
        assertEquals(Optional.empty(), random.unsupported("vertx", Transport.SSE, Protocol.HTTP_1_1, NetworkPath.DIRECT,
                NetworkLink.NONE));

        Scenario restart = parse(CHAT + "faults: [{type: restart, at: 10s}]\n");
        assertTrue(restart.unsupported("jetty", Transport.LONG_POLLING, Protocol.H2C, NetworkPath.DIRECT, NetworkLink.NONE)
                .orElseThrow().contains("the restarted server starts every topic's seq space anew"));

        Scenario chat = parse(CHAT);
        for (Transport t : Transport.values()) {
            assertEquals(Optional.empty(), chat.unsupported("jetty", t, Protocol.H2C, NetworkPath.DIRECT, NetworkLink.NONE), t.id());
        }
    }
}
