package dev.pushbench.runner.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.verify.CheckResult;
import dev.pushbench.loadgen.verify.Conformance;
import dev.pushbench.loadgen.verify.ConformanceLevel;
import dev.pushbench.loadgen.verify.ConformanceTarget;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The conformance suite's quick checks through each proxy and profile in front of the Jetty server
 * (cleartext HTTP/1.1 upstream): everything passes except what the proxy itself does differently from a
 * server, each listed with its reason (docs/proxies.md, "What the conformance suite sees through a proxy").
 */
class ProxyConformanceTest {
    /** nginx answers a 426 with its own Connection: keep-alive; Connection is hop-by-hop, so a proxy may. */
    private static final List<String> NGINX_HTTP1 = List.of("websocket.version");
    /** Unsupported through nginx 1.22 (no RFC 8441), see {@link ProxyConfigs#unsupported}. */
    private static final List<String> NGINX_NO_WEBSOCKET = List.of("websocket.upgrade", "websocket.since", "websocket.refused");
    /** nginx greets a connection without the HTTP/2 preface with its own SETTINGS and a GOAWAY, where the check wants silence. */
    private static final List<String> NGINX_H2C = Stream.concat(Stream.of("protocol.prior-knowledge"), NGINX_NO_WEBSOCKET.stream()).toList();
    /**
     * nginx 1.22's ALPN offers http/1.1 beside h2 and serves HTTP/1.1 to a TLS client without ALPN; the
     * cell's load generator offers h2 only, so the cell is still measured over h2.
     */
    private static final List<String> NGINX_H2 = Stream.concat(Stream.of("protocol.strict", "protocol.prior-knowledge"),
            NGINX_NO_WEBSOCKET.stream()).toList();

    /** Stock nginx does not forward Upgrade (hop-by-hop, forwarded only when set): the server sees a plain GET and refuses it with 400. */
    private static final List<String> NGINX_STOCK_HTTP1 = List.of("websocket.upgrade", "websocket.since", "websocket.version");

    private static List<String> expectedFailures(ProxyKind kind, ProxyProfile profile, Protocol protocol) {
        if (kind == ProxyKind.HAPROXY) {
            return List.of();
        }
        return switch (protocol) {
            case HTTP_1_1, HTTPS_1_1 -> profile == ProxyProfile.STOCK ? NGINX_STOCK_HTTP1 : NGINX_HTTP1;
            case H2C -> NGINX_H2C;
            case H2 -> NGINX_H2;
        };
    }

    @ParameterizedTest(name = "{0}-{1} over {2}")
    @CsvSource({"haproxy, push, http1.1", "haproxy, push, h2c", "haproxy, push, https1.1", "haproxy, push, h2",
            "nginx, push, http1.1", "nginx, push, h2c", "nginx, push, https1.1", "nginx, push, h2",
            "haproxy, stock, http1.1", "haproxy, stock, h2c", "haproxy, stock, https1.1", "haproxy, stock, h2",
            "nginx, stock, http1.1", "nginx, stock, h2c", "nginx, stock, https1.1", "nginx, stock, h2"})
    void theContractHoldsThroughTheProxyButForTheProxysOwnWays(String kindId, String profileId, String protocolId, @TempDir Path dir)
            throws Exception {
        ProxyKind kind = ProxyKind.fromId(kindId);
        ProxyProfile profile = ProxyProfile.fromId(profileId);
        Protocol protocol = Protocol.fromId(protocolId);
        Installed.assume(kind);
        FeedSpec feed = new FeedSpec(1, 20, 64, 1024);
        try (EventFeed events = new EventFeed(feed);
             PushContext context = new PushContext(events, ServerConfig.defaults(Protocol.HTTP_1_1));
             PushServer server = ServerStack.named("jetty").start(context)) {
            events.start(System.nanoTime());
            int listenPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                listenPort = probe.getLocalPort();
            }
            Transport transport = ProxyConfigs.unsupported(kind, Transport.WEBSOCKET, protocol).isPresent() ? Transport.SSE : Transport.WEBSOCKET;
            ProxySetup setup = new ProxySetup(kind, profile, protocol, transport, "127.0.0.1", listenPort,
                    server.port(), Duration.ofSeconds(15), Duration.ofSeconds(30), 100, dir);
            ProxyConfig config = ProxyConfigs.write(setup);
            try (ProxyProcess proxy = ProxyProcess.start(setup, config, Duration.ofSeconds(20))) {
                ConformanceTarget target = new ConformanceTarget(URI.create(protocol.scheme() + "://127.0.0.1:" + listenPort),
                        protocol, feed, null, null, config.certificatePem());
                List<CheckResult> results = Conformance.run(target, ConformanceLevel.QUICK);
                String report = results.stream().map(CheckResult::toString).collect(Collectors.joining("\n"));
                List<String> failed = results.stream().filter(CheckResult::failed).map(CheckResult::name).toList();
                assertEquals(expectedFailures(kind, profile, protocol), failed, report);
            }
        }
    }
}
