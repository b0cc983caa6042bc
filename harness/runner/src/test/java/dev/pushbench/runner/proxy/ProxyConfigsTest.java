package dev.pushbench.runner.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every proxy × profile × protocol × transport configuration: generated, explained line by line, and accepted by the proxy itself. */
class ProxyConfigsTest {
    /** The one source of cells for the matrix tests. */
    static Stream<ProxySetupCase> matrix() {
        List<ProxySetupCase> cases = new ArrayList<>();
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            for (ProxyProfile profile : ProxyProfile.values()) {
                for (Protocol protocol : Protocol.values()) {
                    for (Transport transport : Transport.values()) {
                        cases.add(new ProxySetupCase(kind, profile, protocol, transport));
                    }
                }
            }
        }
        return cases.stream();
    }

    record ProxySetupCase(ProxyKind kind, ProxyProfile profile, Protocol protocol, Transport transport) {
        ProxySetup setup(Path dir) {
            return new ProxySetup(kind, profile, protocol, transport, "127.0.0.1", 18080, 18081,
                    Duration.ofSeconds(15), Duration.ofSeconds(30), 1000, dir);
        }

        @Override
        public String toString() {
            return kind + "-" + profile + " " + transport + " over " + protocol;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void everySupportedConfigurationIsExplainedAndAcceptedByTheProxy(ProxySetupCase cell, @TempDir Path dir) throws Exception {
        ProxySetup setup = cell.setup(dir);
        Optional<String> unsupported = ProxyConfigs.unsupported(cell.kind(), cell.transport(), cell.protocol());
        if (unsupported.isPresent()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProxyConfigs.write(setup));
            assertTrue(e.getMessage().contains(unsupported.get()), e.getMessage());
            return;
        }
        ProxyConfig config = ProxyConfigs.write(setup);
        assertEquals(config.text(), Files.readString(config.file()), "the returned text is the file's");
        for (String line : config.text().lines().toList()) {
            String code = line.strip();
            if (code.isEmpty() || code.startsWith("#") || code.equals("}")) {
                continue;
            }
            assertTrue(code.matches(".*\\S {2,}# \\S.*"), () -> "a line without its reason: '" + line + "' in\n" + config.text());
        }
        if (cell.protocol().isTls()) {
            assertNotNull(config.certificatePem(), "a TLS path hands its certificate to the load generator");
            assertFalse(config.extraFiles().isEmpty());
            for (Path file : config.extraFiles()) {
                if (Files.readString(file).contains("PRIVATE KEY")) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file + " holds a key");
                }
            }
        } else {
            assertNull(config.certificatePem());
            assertTrue(config.extraFiles().isEmpty());
        }
        String expectedUpstream = cell.kind() == ProxyKind.NGINX && cell.profile() == ProxyProfile.STOCK ? "http1.0" : "http1.1";
        assertEquals(expectedUpstream, config.upstreamProtocol());
        Duration expectedIdle = switch (cell.profile()) {
            case STOCK -> cell.kind() == ProxyKind.NGINX ? Duration.ofSeconds(60) : Duration.ofSeconds(50);
            case PUSH -> Duration.ofHours(1);
        };
        assertEquals(expectedIdle, config.idleTimeout());

        Installed.assume(cell.kind()); // the configuration was generated, and is checked by the proxy where it is installed
        String output = ProxyConfigs.check(cell.kind(), config.file());
        assertFalse(output.toLowerCase().contains("[warn"), () -> cell.kind() + " warns about the configuration:\n" + output
                + "\n" + config.text());
        assertFalse(output.contains("[WARNING]"), () -> cell.kind() + " warns about the configuration:\n" + output
                + "\n" + config.text());
    }

    @Test
    void onlyNginxWebSocketOverHttp2IsUnsupported() {
        List<String> unsupported = new ArrayList<>();
        for (ProxyKind kind : ProxyKind.values()) {
            for (Transport transport : Transport.values()) {
                for (Protocol protocol : Protocol.values()) {
                    ProxyConfigs.unsupported(kind, transport, protocol)
                            .ifPresent(reason -> unsupported.add(kind + " " + transport + " " + protocol));
                }
            }
        }
        assertEquals(List.of("nginx websocket h2c", "nginx websocket h2"), unsupported);
        assertTrue(ProxyConfigs.unsupported(ProxyKind.NGINX, Transport.WEBSOCKET, Protocol.H2).orElseThrow().contains("RFC 8441"));
    }

    @Test
    void thePushProfileIsUnsupportedWhenOneProcessCannotHoldTwoFilesPerConnection(@TempDir Path dir) {
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            ProxySetup push = new ProxySetup(kind, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.SSE, "127.0.0.1", 18080, 18081,
                    Duration.ofSeconds(15), Duration.ofSeconds(30), 19_000, dir);
            String reason = ProxyConfigs.unsupported(push, 20_000).orElseThrow();
            assertTrue(reason.contains("38576 for 19000 connections, over the open-file limit of 20000"), reason);
            assertEquals(Optional.empty(), ProxyConfigs.unsupported(push, 40_000));
            ProxySetup stock = new ProxySetup(kind, ProxyProfile.STOCK, Protocol.HTTP_1_1, Transport.SSE, "127.0.0.1", 18080, 18081,
                    Duration.ofSeconds(15), Duration.ofSeconds(30), 19_000, dir);
            assertEquals(Optional.empty(), ProxyConfigs.unsupported(stock, 20_000), "stock's own limits are what it measures");
        }
        ProxySetup nginxWebSocketH2 = new ProxySetup(ProxyKind.NGINX, ProxyProfile.STOCK, Protocol.H2, Transport.WEBSOCKET,
                "127.0.0.1", 18080, 18081, Duration.ofSeconds(15), Duration.ofSeconds(30), 10, dir);
        assertEquals(ProxyConfigs.unsupported(ProxyKind.NGINX, Transport.WEBSOCKET, Protocol.H2),
                ProxyConfigs.unsupported(nginxWebSocketH2, 20_000));
    }

    @Test
    void stockNginxSpeaksHttp10UpstreamAndPushSpeaksHttp11WithUpgradeForwarded(@TempDir Path dir) throws Exception {
        ProxySetupCase stockCase = new ProxySetupCase(ProxyKind.NGINX, ProxyProfile.STOCK, Protocol.HTTP_1_1, Transport.WEBSOCKET);
        String stock = ProxyConfigs.write(stockCase.setup(dir.resolve("stock"))).text();
        assertFalse(stock.contains("proxy_http_version"), stock);
        assertFalse(stock.contains("proxy_buffering"), stock);
        assertFalse(stock.contains("proxy_set_header"), stock);
        assertTrue(stock.contains("worker_connections 768;"), stock);

        ProxySetupCase pushCase = new ProxySetupCase(ProxyKind.NGINX, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.WEBSOCKET);
        String push = ProxyConfigs.write(pushCase.setup(dir.resolve("push"))).text();
        for (String directive : List.of("proxy_http_version 1.1;", "proxy_buffering off;", "proxy_cache off;",
                "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
                "proxy_read_timeout 3600s;", "proxy_send_timeout 3600s;", "keepalive 1000;", "worker_connections 2256;")) {
            assertTrue(push.contains(directive), () -> "push lacks " + directive + ":\n" + push);
        }
    }

    @Test
    void haproxyPushHasATunnelTimeoutAndKeepsUpstreamConnections(@TempDir Path dir) throws Exception {
        String stock = ProxyConfigs.write(new ProxySetupCase(ProxyKind.HAPROXY, ProxyProfile.STOCK, Protocol.H2, Transport.WEBSOCKET)
                .setup(dir.resolve("stock"))).text();
        assertFalse(stock.contains("timeout tunnel"), stock);
        assertTrue(stock.contains("timeout client 50000"), stock);
        assertTrue(stock.contains("alpn h2 "), stock);
        String push = ProxyConfigs.write(new ProxySetupCase(ProxyKind.HAPROXY, ProxyProfile.PUSH, Protocol.H2C, Transport.WEBSOCKET)
                .setup(dir.resolve("push"))).text();
        for (String directive : List.of("timeout tunnel 3600s", "timeout client 3600s", "timeout server 3600s", "maxconn 1256", "proto h2")) {
            assertTrue(push.contains(directive), () -> "push lacks " + directive + ":\n" + push);
        }
        assertFalse(push.contains("http-server-close"), push);
    }

    @Test
    void pushTimeoutsStayAboveTheHeartbeatAndTheHold(@TempDir Path dir) throws Exception {
        ProxySetup slow = new ProxySetup(ProxyKind.HAPROXY, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.LONG_POLLING,
                "127.0.0.1", 18080, 18081, Duration.ofMinutes(10), Duration.ofMinutes(30), 10, dir);
        assertEquals(Duration.ofMinutes(90), ProxyConfigs.pushTimeout(slow));
        ProxyConfig config = ProxyConfigs.write(slow);
        assertEquals(Duration.ofMinutes(90), config.idleTimeout());
        assertTrue(config.text().contains("timeout tunnel 5400s"), config.text());
    }

    @Test
    void anIdleTimeoutOverrideSetsEveryIdleTimeout(@TempDir Path dir) throws Exception {
        Duration override = Duration.ofMillis(1500);
        ProxyConfig nginx = ProxyConfigs.write(new ProxySetupCase(ProxyKind.NGINX, ProxyProfile.STOCK, Protocol.HTTP_1_1,
                Transport.SSE).setup(dir.resolve("nginx")), override);
        assertEquals(override, nginx.idleTimeout());
        assertTrue(nginx.text().contains("proxy_read_timeout 1500ms;"), nginx.text());
        ProxyConfig haproxy = ProxyConfigs.write(new ProxySetupCase(ProxyKind.HAPROXY, ProxyProfile.PUSH, Protocol.HTTP_1_1,
                Transport.WEBSOCKET).setup(dir.resolve("haproxy")), override);
        assertEquals(override, haproxy.idleTimeout());
        for (String directive : List.of("timeout client 1500ms", "timeout server 1500ms", "timeout tunnel 1500ms")) {
            assertTrue(haproxy.text().contains(directive), haproxy.text());
        }
        assertThrows(IllegalArgumentException.class, () -> ProxyConfigs.write(
                new ProxySetupCase(ProxyKind.HAPROXY, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.SSE).setup(dir), Duration.ZERO));
    }

    @Test
    void theKeyPemIsThePkcs8KeyOfTheCertificate() throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned("127.0.0.1");
        String pem = tls.privateKeyPem();
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n") && pem.endsWith("-----END PRIVATE KEY-----\n"), pem);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        byte[] message = "pushbench".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(tls.certificate().getPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "the key signs what the certificate's public key verifies");
    }

    @Test
    void badNamesAndSetupsAreRefusedByName(@TempDir Path dir) {
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> ProxyKind.fromId("envoy"));
        assertEquals("unknown proxy 'envoy', allowed: none, nginx, haproxy", kind.getMessage());
        IllegalArgumentException profile = assertThrows(IllegalArgumentException.class, () -> ProxyProfile.fromId("tuned"));
        assertEquals("unknown proxy profile 'tuned', allowed: stock, push", profile.getMessage());
        assertEquals(ProxyKind.HAPROXY, ProxyKind.fromId("haproxy"));
        assertEquals(ProxyProfile.PUSH, ProxyProfile.fromId("push"));
        assertNull(ProxyKind.NONE.debianPackage());
        assertTrue(ProxyKind.NONE.executable().isEmpty());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> new ProxySetup(ProxyKind.NGINX,
                ProxyProfile.STOCK, Protocol.HTTP_1_1, Transport.SSE, "127.0.0.1", 0, 18081, Duration.ZERO, Duration.ZERO, 1, dir));
        assertEquals("listenPort must be between 1 and 65535, got 0", port.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new ProxySetup(ProxyKind.NONE,
                ProxyProfile.STOCK, Protocol.HTTP_1_1, Transport.SSE, "127.0.0.1", 18080, 18081, Duration.ZERO, Duration.ZERO, 1, dir));
        assertTrue(none.getMessage().contains("got none"), none.getMessage());
    }

    @Test
    void aRefusedConfigurationThrowsWithTheProxysOutput(@TempDir Path dir) throws Exception {
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            Installed.assume(kind);
            Path file = Files.writeString(dir.resolve(kind + ".conf"), "this is not a configuration\n");
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> ProxyConfigs.check(kind, file));
            assertTrue(e.getMessage().contains("refuses"), e.getMessage());
        }
    }
}
