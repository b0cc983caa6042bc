package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
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
                Path.of("/tmp/cell/latency.hlog"), certificatePem);
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
    void aTlsCellWithoutTheCertificateIsRefused() {
        Map<String, Object> json = ChildSpecs.toJson(spec(Protocol.HTTP_1_1, null));
        json.put("protocol", Protocol.HTTPS_1_1.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildSpecs.loadFromJson(json));
        assertEquals("serverCertificatePem is required for protocol https1.1 (the load generator trusts only the server's"
                + " own certificate), got none", e.getMessage());
    }
}
