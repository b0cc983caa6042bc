package dev.pushbench.client;

import dev.pushbench.core.Clocks;
import dev.pushbench.core.Protocol;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The load generator's default {@link ClientEngine}, for every transport: Jetty's {@code HttpClient} (and
 * the {@code WebSocketClient} on top of it) over HTTP/1.1 or HTTP/2 with prior knowledge, and over
 * TLS for {@code https1.1} and {@code h2}: trusting exactly the server's certificate and offering
 * only the cell's protocol by ALPN ({@link ClientTls}).
 *
 * <p>Why Jetty's client: it is the only JVM client here that speaks all four transports over both
 * HTTP versions, including WebSocket over HTTP/2 (RFC 8441); one stack for all cells keeps the
 * client-side cost the same, so cells differ only by what the server and the wire do.
 *
 * <p>Each subscriber session tags its requests with its own tag, which gives it its own destination
 * and so its own TCP connection: a subscriber is one browser, and over HTTP/2 too it does not share a
 * connection with other subscribers.
 *
 * <pre>
 *   try (JettyClientEngine clients = new JettyClientEngine(Protocol.H2, certificatePem, Duration.ofSeconds(60))) {
 *       clients.http().newRequest(uri).tag("s1").send(listener);
 *   }
 * </pre>
 */
public final class JettyClientEngine implements ClientEngine {
    /** The client library and version, for the run manifest. */
    public static final String DESCRIPTION = "Jetty HttpClient/WebSocketClient " + org.eclipse.jetty.util.Jetty.VERSION;
    private final HttpClient http;
    private final WebSocketClient webSocket;
    private final MeasuredClientConnector connector;
    private final java.util.Map<javax.net.ssl.SSLEngine, Long> handshakeStarts = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.LongConsumer tlsHandshakeNanos = nanos -> { };

    /** A cleartext ({@code http1.1} or {@code h2c}) client stack. */
    public JettyClientEngine(Protocol protocol, Duration idleTimeout) throws Exception {
        this(protocol, null, idleTimeout);
    }

    /**
     * @param serverCertificatePem for {@code https1.1} and {@code h2}, the server's certificate, the only one trusted;
     *                             null for cleartext
     * @param idleTimeout          how long a connection may stay silent (must exceed heartbeats and holds)
     */
    public JettyClientEngine(Protocol protocol, String serverCertificatePem, Duration idleTimeout) throws Exception {
        this(protocol, serverCertificatePem, idleTimeout, null);
    }

    /**
     * @param sourceAddress the local address every connection is bound to (port 0: the kernel picks the
     *                      port); null: the kernel picks the address too. Jetty's client has one bind
     *                      address, so connections cannot be spread over several.
     */
    public JettyClientEngine(Protocol protocol, String serverCertificatePem, Duration idleTimeout,
                             java.net.InetAddress sourceAddress) throws Exception {
        if (protocol.isTls() != (serverCertificatePem != null)) {
            throw new IllegalArgumentException(protocol.isTls()
                    ? "protocol " + protocol + " needs the server's certificate (PEM) to trust, got none"
                    : "protocol " + protocol + " is cleartext, but a server certificate was given");
        }
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));
        threads.setName("pushbench-client");
        threads.setDaemon(true);
        connector = new MeasuredClientConnector();
        connector.setSelectors(Math.max(1, Runtime.getRuntime().availableProcessors()));
        connector.setExecutor(threads);
        connector.setConnectTimeout(Duration.ofSeconds(10));
        connector.setIdleTimeout(idleTimeout);
        if (sourceAddress != null) {
            connector.setBindAddress(new java.net.InetSocketAddress(sourceAddress, 0));
        }
        if (protocol.isTls()) {
            connector.setSslContextFactory(ClientTls.forServer(protocol, serverCertificatePem));
        }
        http = protocol.isHttp2()
                ? new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)))
                : new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        http.setMaxConnectionsPerDestination(1);
        http.setMaxRequestsQueuedPerDestination(16);
        http.setIdleTimeout(idleTimeout.toMillis());
        http.setConnectTimeout(10_000);
        http.setUserAgentField(null);
        http.getContentDecoderFactories().clear();
        http.setDestinationIdleTimeout(30_000);
        http.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof SslConnection) {
                    // the client starts its handshake as its TLS connection opens, right after the TCP connect
                    handshakeStarts.put(((SslConnection) connection).getSSLEngine(), Clocks.nanoTime());
                }
            }
        });
        http.addBean(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                Long start = handshakeStarts.remove(event.getSSLEngine());
                if (start != null) {
                    tlsHandshakeNanos.accept(Clocks.nanoTime() - start);
                }
            }

            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                handshakeStarts.remove(event.getSSLEngine());
            }
        });
        http.start();
        webSocket = new WebSocketClient(http);
        webSocket.setIdleTimeout(idleTimeout);
        webSocket.setMaxTextMessageSize(32L * 1024 * 1024);
        webSocket.start();
    }

    public HttpClient http() {
        return http;
    }

    public WebSocketClient webSocket() {
        return webSocket;
    }

    /** TCP connections the client has opened (counted by Jetty's connection listener). */
    @Override
    public long connectionsOpened() {
        return connector.socketsOpened.sum();
    }

    @Override
    public long connectionsClosed() {
        return connector.socketsClosed.sum();
    }

    /** Bytes read from all TCP connections so far (server to client), as the socket saw them. */
    @Override
    public long bytesIn() {
        return connector.bytesIn.sum();
    }

    /** Bytes written to all TCP connections so far (client to server). */
    @Override
    public long bytesOut() {
        return connector.bytesOut.sum();
    }

    /** Where each TLS handshake's duration goes from now on (nanoseconds): from the TLS connection's open to the finished handshake. */
    @Override
    public void onTlsHandshake(java.util.function.LongConsumer sink) {
        tlsHandshakeNanos = sink;
    }

    /** Closes the TCP connection that carries the requests tagged {@code tag}, if it is open. */
    public void closeTcp(String tag) {
        connector.closeTcp(tag);
    }

    /** Where each TCP connect's duration goes from now on (nanoseconds, connect call returned to established). */
    @Override
    public void onTcpConnect(java.util.function.LongConsumer sink) {
        connector.onTcpConnect(sink);
    }

    /**
     * Where each connect call's duration goes from now on (nanoseconds): Jetty's
     * {@code ClientConnector.connect}, which opens, binds and configures the socket around the connect call.
     */
    @Override
    public void onConnectCall(java.util.function.LongConsumer sink) {
        connector.onConnectCall(sink);
    }

    /** "Jetty HttpClient/WebSocketClient 12.1.14": the client library, for the run manifest. */
    @Override
    public String description() {
        return DESCRIPTION;
    }

    /** Jetty's client reads in its own endpoints: not counted. */
    @Override
    public long reads() {
        return -1;
    }

    @Override
    public void close() {
        LifeCycle.stop(webSocket);
        LifeCycle.stop(http);
    }
}
