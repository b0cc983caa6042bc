package dev.pushbench.servers.jetty;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.component.LifeCycle;
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
 * that WebSocket runs over HTTP/2 streams): a client speaking the other version is refused, never
 * served under the wrong label. Request handling and delivery never block a thread.
 */
public final class JettyStack implements ServerStack {
    /** The shortest connector idle timeout: quiet streams live on heartbeats, not on this. */
    static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String id() {
        return "jetty";
    }

    @Override
    public String description() {
        return "Jetty " + Jetty.VERSION;
    }

    @Override
    public Optional<String> unsupported(Transport transport, Protocol protocol) {
        return protocol.isTls()
                ? Optional.of("the Jetty stack has no TLS connector yet; it serves " + Protocol.HTTP_1_1 + " and " + Protocol.H2C)
                : Optional.empty();
    }

    @Override
    public PushServer start(PushContext context) throws Exception {
        ServerConfig config = context.config();
        Duration idleTimeout = idleTimeout(config);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("pushbench-jetty");
        Server server = new Server(threads);

        ServerConnector connector = new ServerConnector(server, connectionFactory(config.protocol(), idleTimeout));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);

        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(idleTimeout);
        });
        WebSocketHandler webSocket = new WebSocketHandler(context, upgrades.getServerWebSocketContainer(), threads);
        upgrades.setHandler(new PushHandler(context.feed(), context.counters(),
                new SseHandler(context, threads),
                webSocket,
                new LongPollHandler(context, threads),
                new ShortPollHandler(context)));
        server.setHandler(upgrades);
        try {
            server.start();
        } catch (Exception e) {
            LifeCycle.stop(server);
            throw e;
        }
        return new JettyPushServer(server, connector);
    }

    /**
     * Long enough that neither an idle SSE stream between heartbeats nor a held long poll is cut:
     * at least 30 s, three heartbeat intervals and two hold times.
     */
    static Duration idleTimeout(ServerConfig config) {
        Duration timeout = MIN_IDLE_TIMEOUT;
        Duration heartbeats = config.heartbeatInterval().multipliedBy(3);
        Duration holds = config.longPollHold().multipliedBy(2);
        if (heartbeats.compareTo(timeout) > 0) {
            timeout = heartbeats;
        }
        if (holds.compareTo(timeout) > 0) {
            timeout = holds;
        }
        return timeout;
    }

    private static ConnectionFactory connectionFactory(Protocol protocol, Duration idleTimeout) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        switch (protocol) {
            case HTTP_1_1:
                return new HttpConnectionFactory(http);
            case H2C:
                HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
                h2c.setConnectProtocolEnabled(true);
                h2c.setStreamIdleTimeout(idleTimeout.toMillis());
                return h2c;
            default:
                throw new IllegalArgumentException("protocol " + protocol + " is not served by the Jetty stack; allowed: "
                        + Protocol.allowed());
        }
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
