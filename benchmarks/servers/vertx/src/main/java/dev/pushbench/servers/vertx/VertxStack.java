package dev.pushbench.servers.vertx;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;

/**
 * The Vert.x 5 server stack: one {@link PushVerticle} (an HTTP server) per event loop, all sharing one
 * port that speaks exactly the cell's HTTP version, one small handler per transport.
 *
 * <pre>
 *   try (PushServer server = ServerStack.named("vertx").start(context)) {
 *       int port = server.port();   // the shared listening port
 *   }
 * </pre>
 *
 * <p>{@code http1.1} turns h2c off; {@code h2c} accepts HTTP/2 with prior knowledge, and since Vert.x
 * then also parses (and upgrades) HTTP/1.1 on that port, a {@link VertxPrefaceGate} closes such a
 * connection unanswered, as Jetty's HTTP/2-only connector does; the TLS protocols offer only the cell's
 * protocol in ALPN (Vert.x's JDK engine fails a handshake without overlap), and on h2 the gate closes a
 * client that negotiated none the same way. Nothing blocks an event loop.
 * WebSocket is served over HTTP/1.1 only, see {@link #unsupported}.
 */
public final class VertxStack implements ServerStack {
    /** The shortest connection idle timeout: quiet streams live on heartbeats, not on this. */
    /** Vert.x shares a random port among the servers that listen on the same negative port. */
    private static final int SHARED_RANDOM_PORT = -1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String VERSION = readVersion();

    @Override
    public String id() {
        return "vertx";
    }

    @Override
    public String description() {
        return "Vert.x " + VERSION;
    }

    /**
     * WebSocket over HTTP/2 is declined: Vert.x 5.0's HTTP/2 server implements neither
     * {@code SETTINGS_ENABLE_CONNECT_PROTOCOL} nor the {@code :protocol} pseudo-header of RFC 8441,
     * and its {@code Http2ServerRequest.toWebSocket()} always fails. Serving such a cell over an
     * HTTP/1.1 connection instead would mislabel it.
     */
    @Override
    public Optional<String> unsupported(Transport transport, Protocol protocol) {
        if (transport == Transport.WEBSOCKET && protocol.isHttp2()) {
            return Optional.of("Vert.x " + VERSION + " cannot serve WebSocket over HTTP/2: its HTTP/2 server has no RFC 8441 "
                    + "extended CONNECT (it never sends SETTINGS_ENABLE_CONNECT_PROTOCOL, has no :protocol pseudo-header, and "
                    + "HttpServerRequest.toWebSocket() on an HTTP/2 stream fails with 'HTTP/2 request cannot be upgraded to a "
                    + "WebSocket'); WebSocket is served over " + Protocol.HTTP_1_1 + " and " + Protocol.HTTPS_1_1 + " only");
        }
        return Optional.empty();
    }

    @Override
    public PushServer start(PushContext context) throws Exception {
        ServerConfig config = context.config();
        HttpServerOptions options = serverOptions(config, context.feed().spec());
        int eventLoops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                // serves no files: no class-path file cache directory, no shutdown hook to delete it
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        List<PushVerticle> verticles = new CopyOnWriteArrayList<>();
        try {
            await(vertx.deployVerticle(() -> {
                PushVerticle verticle = new PushVerticle(context, options);
                verticles.add(verticle);
                return verticle;
            }, new DeploymentOptions().setInstances(eventLoops)), START_TIMEOUT, "deploying " + eventLoops + " HTTP server verticles");
        } catch (Exception e) {
            closeQuietly(vertx);
            throw e;
        }
        return new VertxPushServer(vertx, verticles.get(0).actualPort());
    }

    static HttpServerOptions serverOptions(ServerConfig config, FeedSpec feed) {
        Duration idleTimeout = config.idleTimeout();
        // one text frame per event whatever the payload (Vert.x splits a larger message into continuation frames)
        // and twice the publish limit, so that a client's frame up to there is read and refused in-band (413), not closed on
        int maxFrameBytes = Math.max(Math.max(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE, feed.payloadBytes() + 4096),
                (int) Math.min(Integer.MAX_VALUE / 2, 2L * config.maxPublishBytes()));
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port() == 0 ? SHARED_RANDOM_PORT : config.port())
                .setTcpNoDelay(true)
                // SO_REUSEADDR (Vert.x's default, set so that it stays): a restarted server binds its
                // predecessor's port at once, while the old connections sit in TIME_WAIT
                .setReuseAddress(true)
                .setAcceptBacklog(ServerConfig.ACCEPT_BACKLOG)
                .setIdleTimeout(Math.toIntExact(idleTimeout.toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(maxFrameBytes)
                .setMaxWebSocketMessageSize(Math.max(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE, maxFrameBytes));
        switch (config.protocol()) {
            case HTTP_1_1:
                return options.setHttp2ClearTextEnabled(false);
            case H2C:
                return options.setHttp2ClearTextEnabled(true);
            case HTTPS_1_1:
                return tls(options, config, HttpVersion.HTTP_1_1);
            case H2:
                return tls(options, config, HttpVersion.HTTP_2);
            default:
                throw new IllegalArgumentException("protocol " + config.protocol() + " is not served by the Vert.x stack; allowed: "
                        + Protocol.allowed());
        }
    }

    private static HttpServerOptions tls(HttpServerOptions options, ServerConfig config, HttpVersion only) {
        TlsMaterial tls = config.tls();
        if (tls == null) {
            throw new IllegalArgumentException("protocol " + config.protocol() + " needs a certificate and key in the server config "
                    + "(ServerConfig.withTls()), got none");
        }
        KeyManagerFactory keys;
        try {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(tls.keyStore(), tls.password());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS key store of protocol " + config.protocol() + " cannot be read: " + e.getMessage(), e);
        }
        return options.setHttp2ClearTextEnabled(false)
                .setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(keys))
                .setUseAlpn(true)
                .setAlpnVersions(List.of(only));
    }


    /** Waits, on the caller's thread (never an event loop), for a Vert.x future. */
    private static <T> T await(Future<T> future, Duration timeout, String what) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Exception failure) {
                throw failure;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " took longer than " + timeout.toMillis() + " ms");
        }
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            await(vertx.close(), STOP_TIMEOUT, "closing Vert.x");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // stopping after a failure: the first failure is the one to report
        }
    }

    /** The version Vert.x reports of itself (vertx-core's {@code META-INF/vertx/vertx-version.txt}). */
    private static String readVersion() {
        try (InputStream in = Vertx.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
            if (in != null) {
                String version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!version.isEmpty()) {
                    return version;
                }
            }
        } catch (IOException ignored) {
            // fall back to the jar manifest
        }
        String version = Vertx.class.getPackage().getImplementationVersion();
        return version != null ? version : "(version unknown)";
    }

    private static final class VertxPushServer implements PushServer {
        private final Vertx vertx;
        private final int port;

        VertxPushServer(Vertx vertx, int port) {
            this.vertx = vertx;
            this.port = port;
        }

        @Override
        public int port() {
            return port;
        }

        /** Undeploys the verticles (closing their servers and connections) and stops the event loops. */
        @Override
        public void close() {
            closeQuietly(vertx);
        }
    }
}
