package dev.pushbench.servers.jetty;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.TlsMaterial;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Jetty 12 server stack: all four transports on one connector that speaks exactly the cell's
 * HTTP version, one small handler per transport.
 *
 * <pre>
 *   try (PushServer server = ServerStack.named("jetty").start(context)) {
 *       int port = server.port();   // the connector's bound port
 *   }
 * </pre>
 *
 * <p>{@code http1.1} gets an {@link HttpConnectionFactory} only, {@code h2c} an
 * {@link HTTP2CServerConnectionFactory} only (prior knowledge, with RFC 8441 extended CONNECT so
 * that WebSocket runs over HTTP/2 streams) behind a {@link JettyPrefaceGate} that closes, unanswered,
 * a connection opening with anything but the HTTP/2 preface (an HTTP/1.1 request, {@code Upgrade: h2c}
 * included): a client speaking the other version is refused, never served under the wrong label. The TLS protocols put {@link SslConnectionFactory} and an
 * {@link ALPNServerConnectionFactory} offering exactly one protocol in front of the same factories
 * ({@code https1.1}: {@code http/1.1}; {@code h2}: {@code h2}), so a client whose ALPN offers only
 * the other protocol fails the TLS handshake ({@code no_application_protocol}) instead of falling
 * back. The key and certificate are {@code config.tls()}'s, made at run time. Request handling and
 * delivery never block a thread.
 */
public final class JettyStack implements ServerStack {
    /** The shortest connector idle timeout: quiet streams live on heartbeats, not on this. */

    @Override
    public String id() {
        return "jetty";
    }

    @Override
    public String description() {
        return "Jetty " + Jetty.VERSION;
    }

    @Override
    public PushServer start(PushContext context) throws Exception {
        ServerConfig config = context.config();
        Duration idleTimeout = config.idleTimeout();

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("pushbench-jetty");
        Server server = new Server(threads);

        ServerConnector connector = new ServerConnector(server, connectionFactories(config, idleTimeout));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.setAcceptQueueSize(ServerConfig.ACCEPT_BACKLOG);
        // SO_REUSEADDR (Jetty's default, set so that it stays): a restarted server binds its predecessor's
        // port at once, while the old connections sit in TIME_WAIT
        connector.setReuseAddress(true);
        server.addConnector(connector);

        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(idleTimeout);
            // above the publish limit, so that a frame too large is read and refused in-band (413), not closed on (1009)
            container.setMaxTextMessageSize(JettyWebSocketHandler.maxTextMessageBytes(config));
        });
        JettyWebSocketHandler webSocket = new JettyWebSocketHandler(context, upgrades.getServerWebSocketContainer(), threads);
        upgrades.setHandler(new JettyPushHandler(context.feed(), context.counters(),
                new JettySseHandler(context, threads),
                webSocket,
                new JettyLongPollHandler(context, threads),
                new JettyShortPollHandler(context), new JettyPublishHandler(context)));
        server.setHandler(upgrades);
        try {
            server.start();
        } catch (Exception e) {
            LifeCycle.stop(server);
            throw e;
        }
        return new JettyPushServer(server, connector);
    }


    private static ConnectionFactory[] connectionFactories(ServerConfig config, Duration idleTimeout) {
        Protocol protocol = config.protocol();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        switch (protocol) {
            case HTTP_1_1:
                return new ConnectionFactory[] {new HttpConnectionFactory(http)};
            case H2C:
                JettyPrefaceGate.PrefaceDetecting h2c = JettyPrefaceGate.h2cFactory(http);
                return new ConnectionFactory[] {JettyPrefaceGate.h2c(h2c), http2(h2c, idleTimeout)};
            case HTTPS_1_1:
                http.addCustomizer(new SecureRequestCustomizer());
                return overTls(config, new HttpConnectionFactory(http));
            case H2:
                http.addCustomizer(new SecureRequestCustomizer());
                return overTls(config, http2(new HTTP2ServerConnectionFactory(http), idleTimeout));
            default:
                throw new IllegalArgumentException("protocol " + protocol + " is not served by the Jetty stack; allowed: "
                        + Protocol.allowed());
        }
    }

    /** RFC 8441 extended CONNECT on, so that WebSocket runs over HTTP/2 streams; streams idle as long as connections. */
    private static ConnectionFactory http2(AbstractHTTP2ServerConnectionFactory h2, Duration idleTimeout) {
        h2.setConnectProtocolEnabled(true);
        h2.setStreamIdleTimeout(idleTimeout.toMillis());
        return h2;
    }

    /**
     * TLS, then ALPN offering only {@code application}'s protocol, then {@code application}. For a client
     * that sends no ALPN extension at all, https1.1 takes ALPN's default, http/1.1; h2 closes the
     * connection unanswered, as h2c does with a client not speaking HTTP/2 (and as Vert.x does).
     */
    private static ConnectionFactory[] overTls(ServerConfig config, ConnectionFactory application) {
        TlsMaterial tls = config.tls();
        if (tls == null) {
            throw new IllegalArgumentException("protocol " + config.protocol() + " needs config.tls() (a key and certificate),"
                    + " got none; use ServerConfig.withTls()");
        }
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setCertAlias(TlsMaterial.ALIAS);
        // HTTP/2 forbids the TLS 1.2 ciphers on its block list (RFC 9113 §9.2.2): prefer the allowed ones
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        String alpnId = application.getProtocol().toLowerCase(Locale.ROOT);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(alpnId);
        if (!application.getProtocol().startsWith("h2")) {
            alpn.setDefaultProtocol(alpnId);
            return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, application};
        }
        // h2 is ALPN's h2 only: a client that negotiated nothing speaks HTTP/1.1, and is closed unanswered
        JettyPrefaceGate refuse = JettyPrefaceGate.refuseAll();
        alpn.setDefaultProtocol(refuse.getProtocol());
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, application, refuse};
    }

    private static final class JettyPushServer implements PushServer {
        private final Server server;
        private final ServerConnector connector;

        JettyPushServer(Server server, ServerConnector connector) {
            this.server = server;
            this.connector = connector;
        }

        @Override
        public int port() {
            return connector.getLocalPort();
        }

        @Override
        public void close() {
            LifeCycle.stop(server);
        }
    }
}
