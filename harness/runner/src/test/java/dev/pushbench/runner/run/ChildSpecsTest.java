package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code load.json} as the runner writes it and {@code pushbench load} reads it: every field survives the trip. */
class ChildSpecsTest {

    private static LoadSpec spec(Protocol protocol, String certificatePem) {
        return new LoadSpec("127.0.0.1", 40123, protocol, Transport.WEBSOCKET, 20, 200.0, 0,
                new Schedule(123_456_789L, 2, 20.0), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(1),
                Path.of("/tmp/cell/latency.hlog"), certificatePem, ClientEngineKind.JETTY);
    }

    /** Through the same JSON text the runner writes to disk, not just the in-memory map. */
    private static LoadSpec roundTrip(LoadSpec spec) {
        return ChildSpecs.loadFromJson(Json.parse(Json.line(ChildSpecs.toJson(spec))));
    }

    @Test
    void aTlsCellKeepsTheServerCertificate() {
        String pem = TlsMaterial.selfSigned("127.0.0.1").certificatePem();
        LoadSpec h2 = spec(Protocol.H2, pem);
        assertEquals(h2, roundTrip(h2));
        assertEquals(pem, roundTrip(h2).serverCertificatePem());
    }

    @Test
    void aCleartextCellHasNone() {
        LoadSpec h2c = spec(Protocol.H2C, null);
        assertEquals(h2c, roundTrip(h2c));
        Map<String, Object> json = ChildSpecs.toJson(h2c);
        json.remove("serverCertificatePem");
        assertNull(ChildSpecs.loadFromJson(json).serverCertificatePem(), "a load.json written before TLS reads as cleartext");
    }

    @Test
    void theEngineSurvivesTheTrip() {
        LoadSpec jetty = spec(Protocol.HTTP_1_1, null);
        LoadSpec nio = new LoadSpec(jetty.host(), jetty.port(), jetty.protocol(), jetty.transport(), jetty.connections(),
                jetty.rampPerSecond(), jetty.eventsPerConnection(), jetty.schedule(), jetty.warmup(), jetty.duration(),
                jetty.drain(), jetty.shortPollInterval(), jetty.longPollHold(), jetty.heartbeat(), jetty.reconnectDelay(),
                jetty.hlogFile(), null, ClientEngineKind.NIO);
        assertEquals(nio, roundTrip(nio));
        assertEquals("nio", ChildSpecs.toJson(nio).get("engine"));
        Map<String, Object> old = ChildSpecs.toJson(jetty);
        old.remove("engine");
        assertEquals(ClientEngineKind.JETTY, ChildSpecs.loadFromJson(old).engine(), "a load.json written before engines ran Jetty's");
    }

    @Test
    void anEngineThatCannotRunTheCellIsRefused() {
        Map<String, Object> json = ChildSpecs.toJson(spec(Protocol.H2C, null));
        json.put("engine", "nio");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildSpecs.loadFromJson(json));
        assertEquals("engine nio cannot run this load: the nio client engine speaks HTTP/1.1 cleartext SSE and WebSocket only"
                + " (this cell is websocket over h2c); use engine jetty", e.getMessage());
        json.put("engine", "netty");
        assertEquals("unknown client engine 'netty', allowed: jetty, nio",
                assertThrows(IllegalArgumentException.class, () -> ChildSpecs.loadFromJson(json)).getMessage());
    }

    @Test
    void aTlsCellWithoutTheCertificateIsRefused() {
        Map<String, Object> json = ChildSpecs.toJson(spec(Protocol.HTTP_1_1, null));
        json.put("protocol", Protocol.HTTPS_1_1.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildSpecs.loadFromJson(json));
        assertEquals("serverCertificatePem is required for protocol https1.1 (the load generator trusts only the server's"
                + " own certificate), got none", e.getMessage());
    }
}
