package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code load.json} as the runner writes it and {@code pushbench load} reads it: every field survives the trip. */
class ChildSpecsTest {

    private static LoadSpec spec(Protocol protocol, String certificatePem) {
        return new LoadSpec("127.0.0.1", 40123, protocol, Transport.WEBSOCKET, 20, 200.0, 0,
                new Schedule(123_456_789L, 2, 20.0), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(1),
                Path.of("/tmp/cell/latency.hlog"), certificatePem, ClientEngineKind.JETTY, java.util.List.of());
    }

    /** Through the same JSON text the runner writes to disk, not just the in-memory record. */
    private static LoadSpec roundTrip(LoadSpec spec) throws IOException {
        return JsonFiles.parse(JsonFiles.pretty(ChildSpecs.LoadFile.of(spec)), ChildSpecs.LoadFile.class).toLoadSpec();
    }

    /** {@code load.json} as a tree, to change a field the way a person editing it would. */
    private static ObjectNode json(LoadSpec spec) {
        return JsonFiles.mapper().valueToTree(ChildSpecs.LoadFile.of(spec));
    }

    private static LoadSpec read(ObjectNode json) throws IOException {
        return JsonFiles.mapper().treeToValue(json, ChildSpecs.LoadFile.class).toLoadSpec();
    }

    @Test
    void aTlsCellKeepsTheServerCertificate() throws IOException {
        String pem = TlsMaterial.selfSigned("127.0.0.1").certificatePem();
        LoadSpec h2 = spec(Protocol.H2, pem);
        assertEquals(h2, roundTrip(h2));
        assertEquals(pem, roundTrip(h2).serverCertificatePem());
    }

    @Test
    void aCleartextCellHasNone() throws IOException {
        LoadSpec h2c = spec(Protocol.H2C, null);
        assertEquals(h2c, roundTrip(h2c));
        assertFalse(json(h2c).has("serverCertificatePem"), "absent, not null");
        ObjectNode json = json(h2c);
        json.putNull("serverCertificatePem");
        assertNull(read(json).serverCertificatePem(), "a load.json written with null reads as cleartext");
    }

    @Test
    void theEngineSurvivesTheTrip() throws IOException {
        LoadSpec jetty = spec(Protocol.HTTP_1_1, null);
        LoadSpec nio = new LoadSpec(jetty.host(), jetty.port(), jetty.protocol(), jetty.transport(), jetty.connections(),
                jetty.rampPerSecond(), jetty.eventsPerConnection(), jetty.schedule(), jetty.warmup(), jetty.duration(),
                jetty.drain(), jetty.shortPollInterval(), jetty.longPollHold(), jetty.heartbeat(), jetty.reconnectDelay(),
                jetty.hlogFile(), null, ClientEngineKind.NIO, java.util.List.of());
        assertEquals(nio, roundTrip(nio));
        assertEquals("nio", json(nio).get("engine").asText());
        ObjectNode old = json(jetty);
        old.remove("engine");
        assertEquals(ClientEngineKind.JETTY, read(old).engine(), "a load.json written before engines ran Jetty's");
    }

    @Test
    void sourceAddressesSurviveTheTrip() throws Exception {
        LoadSpec jetty = spec(Protocol.HTTP_1_1, null);
        java.util.List<java.net.InetAddress> addresses = java.util.List.of(java.net.InetAddress.getByName("127.0.0.2"),
                java.net.InetAddress.getByName("127.0.0.3"));
        LoadSpec nio = new LoadSpec(jetty.host(), jetty.port(), jetty.protocol(), jetty.transport(), jetty.connections(),
                jetty.rampPerSecond(), jetty.eventsPerConnection(), jetty.schedule(), jetty.warmup(), jetty.duration(),
                jetty.drain(), jetty.shortPollInterval(), jetty.longPollHold(), jetty.heartbeat(), jetty.reconnectDelay(),
                jetty.hlogFile(), null, ClientEngineKind.NIO, addresses);
        assertEquals(nio, roundTrip(nio));
        assertEquals("[\"127.0.0.2\",\"127.0.0.3\"]", json(nio).get("sourceAddresses").toString());
        ObjectNode bad = json(nio);
        bad.putArray("sourceAddresses").add("localhost");
        assertEquals("sourceAddresses must hold IPv4 addresses (four numbers 0-255), got localhost",
                assertThrows(IllegalArgumentException.class, () -> read(bad)).getMessage());
        ObjectNode jettyTwo = json(nio);
        jettyTwo.put("engine", "jetty");
        assertEquals("engine jetty binds every connection to one source address (Jetty's HttpClient has a single bind"
                + " address), got 2: use engine nio", assertThrows(IllegalArgumentException.class, () -> read(jettyTwo)).getMessage());
        ObjectNode none = json(jetty);
        none.remove("sourceAddresses");
        assertEquals(java.util.List.of(), read(none).sourceAddresses(), "absent: the kernel picks");
    }

    @Test
    void anUnknownEngineIsRefusedNamingTheKnownOnes() throws Exception {
        ObjectNode json = json(spec(Protocol.H2C, null));
        json.put("engine", "nio");
        assertEquals(ClientEngineKind.NIO, read(json).engine());
        json.put("engine", "netty");
        assertEquals("unknown client engine 'netty', allowed: jetty, nio",
                assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage());
    }

    @Test
    void aTlsCellWithoutTheCertificateIsRefused() {
        ObjectNode json = json(spec(Protocol.HTTP_1_1, null));
        json.put("protocol", Protocol.HTTPS_1_1.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(json));
        assertEquals("serverCertificatePem is required for protocol https1.1 (the load generator trusts only the server's"
                + " own certificate), got none", e.getMessage());
    }

    @Test
    void theReconnectBackoffAndTheDeadConnectionTimerSurviveTheTrip() throws IOException {
        LoadSpec d = spec(Protocol.HTTP_1_1, null);
        LoadSpec set = new LoadSpec(d.host(), d.port(), d.protocol(), d.transport(), d.connections(), d.rampPerSecond(),
                d.eventsPerConnection(), d.schedule(), d.warmup(), d.duration(), d.drain(), d.shortPollInterval(),
                d.longPollHold(), d.heartbeat(), d.reconnectDelay(), d.hlogFile(), null, d.engine(), d.sourceAddresses(),
                d.pathIdleTimeout(), d.proxied(),
                new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(8), 0.25), Duration.ofSeconds(3));
        assertEquals(set, roundTrip(set));
        ObjectNode old = json(set);
        for (String field : new String[] {"reconnectInitialMillis", "reconnectMaxMillis", "reconnectJitter", "deadAfterMillis"}) {
            old.remove(field);
        }
        LoadSpec defaults = read(old);
        assertEquals(ReconnectPolicy.DEFAULT, defaults.reconnect(), "a load.json written before the backoff: socket.io's defaults");
        assertEquals(Duration.ofSeconds(30), defaults.deadAfter(), "and twice the 15 s heartbeat");
        ObjectNode bad = json(set);
        bad.put("reconnectJitter", 2.0);
        assertEquals("reconnect.jitter must be between 0 and 1, got 2.0",
                assertThrows(IllegalArgumentException.class, () -> read(bad)).getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        ObjectNode json = json(spec(Protocol.HTTP_1_1, null));
        json.remove("port");
        assertEquals("port is required, got none",
                assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage());
    }

    @Test
    void serverJsonKeepsTheServerSettingsAndTheFeed() throws IOException {
        ServerConfig config = ServerConfig.defaults(Protocol.H2C);
        FeedSpec feed = new FeedSpec(3, 2.5, 128, 64);
        ChildSpecs.ServeFile read = JsonFiles.parse(JsonFiles.pretty(ChildSpecs.ServeFile.of("vertx", config, feed)),
                ChildSpecs.ServeFile.class);
        assertEquals("vertx", read.stack());
        assertEquals(feed, read.feed());
        assertEquals(config, read.serverConfig());
    }

    @Test
    void thePublishSpecSurvivesTheTripAndIsAbsentForAOneWayCell() throws IOException {
        LoadSpec oneWay = spec(Protocol.H2C, null);
        assertFalse(json(oneWay).has("publish"), "absent, not null");
        assertNull(roundTrip(oneWay).publish());
        // SSE: a WebSocket publishes to its own room only, and random rooms are the case to carry
        LoadSpec chat = new LoadSpec(oneWay.host(), oneWay.port(), oneWay.protocol(), dev.pushbench.core.Transport.SSE,
                oneWay.connections(),
                oneWay.rampPerSecond(), oneWay.eventsPerConnection(), oneWay.schedule(), oneWay.warmup(), oneWay.duration(),
                oneWay.drain(), oneWay.shortPollInterval(), oneWay.longPollHold(), oneWay.heartbeat(), oneWay.reconnectDelay(),
                oneWay.hlogFile(), null, ClientEngineKind.NIO, java.util.List.of(), Duration.ZERO, false,
                ReconnectPolicy.DEFAULT, Duration.ofSeconds(30),
                new PublishSpec(20 / 60.0, 256, 0.5, PublishSpec.Target.RANDOM));
        assertEquals(chat, roundTrip(chat));
        assertEquals("random", json(chat).get("publish").get("to").asText());
        ObjectNode bad = json(chat);
        ((ObjectNode) bad.get("publish")).put("to", "mine");
        assertEquals("publish.to must be own or random, got mine",
                assertThrows(IllegalArgumentException.class, () -> read(bad)).getMessage());
        ObjectNode least = json(chat);
        ((ObjectNode) least.get("publish")).remove(java.util.List.of("share", "to"));
        assertEquals(new PublishSpec(20 / 60.0, 256, 1, PublishSpec.Target.OWN), read(least).publish(),
                "absent share and target: every subscriber, its own room");
    }

    @Test
    void serverJsonKeepsTheLargestPublishBody() throws IOException {
        ServerConfig config = ServerConfig.defaults(Protocol.HTTP_1_1).withMaxPublishBytes(1024);
        ChildSpecs.ServeFile read = JsonFiles.parse(JsonFiles.pretty(ChildSpecs.ServeFile.of("jetty", config,
                new FeedSpec(10, 0, 256, 1024))), ChildSpecs.ServeFile.class);
        assertEquals(config, read.serverConfig());
        assertEquals(0, read.feed().ratePerSecond(), "a feed that publishes nothing");
        ObjectNode old = JsonFiles.mapper().valueToTree(ChildSpecs.ServeFile.of("jetty", config, read.feed()));
        ((ObjectNode) old.get("server")).remove("maxPublishBytes");
        assertEquals(ServerConfig.DEFAULT_MAX_PUBLISH_BYTES, JsonFiles.mapper().treeToValue(old, ChildSpecs.ServeFile.class)
                .serverConfig().maxPublishBytes(), "a server.json written before publishing: the default");
    }
}
