package dev.pushbench.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stack serves one cell: where it listens, which HTTP version it speaks, and the
 * per-transport options of the scenario. Every stack honours every field the same way.
 *
 * @param host              address to bind, 127.0.0.1 unless told otherwise
 * @param port              0 for any free port
 * @param protocol          the only HTTP version the server accepts for this cell
 * @param heartbeatInterval SSE comment / WebSocket ping after this long without a write
 * @param sseRetry          the {@code retry:} value sent at the start of every SSE stream
 * @param longPollHold      how long a long poll is held before an empty answer
 * @param maxBatchEvents    most events written to one subscriber in one write or poll answer
 * @param backpressure      what happens to a subscriber that falls out of history
 * @param tls               the certificate and key for a TLS protocol (made in the server process,
 *                          see {@link #withTls}); null for cleartext, and in the runner's copy
 * @param sseProxyHints     SSE responses carry {@code X-Accel-Buffering: no}, the header with which
 *                          applications tell nginx (and proxies that honour it) not to buffer a stream
 * @param maxPublishBytes   the largest body of a client's publish ({@code POST /publish/{topic}} or a WebSocket
 *                          text frame) the server accepts; larger ones are refused with 413
 */
public record ServerConfig(
        String host,
        int port,
        Protocol protocol,
        Duration heartbeatInterval,
        Duration sseRetry,
        Duration longPollHold,
        int maxBatchEvents,
        Backpressure backpressure,
        TlsMaterial tls,
        boolean sseProxyHints,
        int maxPublishBytes) {

    /** The largest publish body (POST or in-band frame) a server takes by default: 64 KiB. */
    public static final int DEFAULT_MAX_PUBLISH_BYTES = 64 * 1024;

    /** With the default {@link #DEFAULT_MAX_PUBLISH_BYTES}. */
    public ServerConfig(String host, int port, Protocol protocol, Duration heartbeatInterval, Duration sseRetry,
                        Duration longPollHold, int maxBatchEvents, Backpressure backpressure, TlsMaterial tls,
                        boolean sseProxyHints) {
        this(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls,
                sseProxyHints, DEFAULT_MAX_PUBLISH_BYTES);
    }

    /** SSE responses carry the proxy hint ({@code sseProxyHints} on), as production servers send it. */
    public ServerConfig(String host, int port, Protocol protocol, Duration heartbeatInterval, Duration sseRetry,
                        Duration longPollHold, int maxBatchEvents, Backpressure backpressure, TlsMaterial tls) {
        this(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls, true);
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(sseRetry, "sseRetry");
        requirePositive(longPollHold, "longPollHold");
        Objects.requireNonNull(backpressure, "backpressure");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxPublishBytes < 64) {
            throw new IllegalArgumentException("maxPublishBytes must be at least 64, got " + maxPublishBytes);
        }
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("maxBatchEvents must be at least 1, got " + maxBatchEvents);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** Defaults for tests: loopback, any port, 15 s heartbeats, 1 s retry, 10 s hold. */
    public static ServerConfig defaults(Protocol protocol) {
        return new ServerConfig("127.0.0.1", 0, protocol, Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 256, Backpressure.DISCONNECT,
                protocol.isTls() ? TlsMaterial.selfSigned("127.0.0.1") : null);
    }

    /** The same server on {@code port}: a restarted one binds the port its predecessor was given. */
    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls,
                sseProxyHints, maxPublishBytes);
    }

    public ServerConfig withHeartbeat(Duration interval) {
        return new ServerConfig(host, port, protocol, interval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls,
                sseProxyHints, maxPublishBytes);
    }

    /** The least idle timeout any stack gives a connection. */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The listen backlog every stack asks for: the same for all, so that no stack loses connects
     * to a smaller accept queue under a ramp (Jetty's default is 50, Vert.x's 1024; at 2000
     * connects/s a queue of 50 overflowed and the dropped SYNs were retried 1, 2, 4 s later). The
     * kernel caps it at net.core.somaxconn (4096 here).
     */
    public static final int ACCEPT_BACKLOG = 4096;

    /**
     * The idle timeout every stack gives its connections: long enough that neither an idle SSE
     * stream between heartbeats nor a held long poll is cut — at least 30 s, three heartbeat
     * intervals and two hold times.
     */
    public Duration idleTimeout() {
        Duration timeout = MIN_IDLE_TIMEOUT;
        Duration heartbeats = heartbeatInterval.multipliedBy(3);
        Duration holds = longPollHold.multipliedBy(2);
        if (heartbeats.compareTo(timeout) > 0) {
            timeout = heartbeats;
        }
        return holds.compareTo(timeout) > 0 ? holds : timeout;
    }

    /** This config with a fresh self-signed certificate when its protocol needs TLS. */
    public ServerConfig withTls() {
        if (!protocol.isTls() || tls != null) {
            return this;
        }
        return new ServerConfig(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure,
                TlsMaterial.selfSigned(host), sseProxyHints, maxPublishBytes);
    }

    public ServerConfig withSseProxyHints(boolean hints) {
        return new ServerConfig(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls,
                hints, maxPublishBytes);
    }

    /** The header that tells nginx not to buffer a response ({@link #sseProxyHints}). */
    public static final String PROXY_HINT_HEADER = "X-Accel-Buffering";

    public ServerConfig withLongPollHold(Duration hold) {
        return new ServerConfig(host, port, protocol, heartbeatInterval, sseRetry, hold, maxBatchEvents, backpressure, tls,
                sseProxyHints, maxPublishBytes);
    }

    public ServerConfig withMaxPublishBytes(int bytes) {
        return new ServerConfig(host, port, protocol, heartbeatInterval, sseRetry, longPollHold, maxBatchEvents, backpressure, tls,
                sseProxyHints, bytes);
    }
}
