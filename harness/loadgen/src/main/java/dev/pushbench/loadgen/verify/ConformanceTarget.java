package dev.pushbench.loadgen.verify;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The running server a {@link Conformance} run checks, and what it was configured with.
 *
 * <pre>
 *   new ConformanceTarget(URI.create("https://127.0.0.1:8443"), Protocol.H2, feed, heartbeat, hold, certificatePem);
 * </pre>
 *
 * @param base              {@code http://host:port} for {@code http1.1} and {@code h2c}, {@code https://host:port}
 *                          for {@code https1.1} and {@code h2}; no path
 * @param protocol          the HTTP version to speak (and to expect in every answer)
 * @param feed              what the server's feed publishes: topics, rate, payload, history
 * @param heartbeatInterval the server's heartbeat interval, or null if unknown (heartbeat checks are then skipped)
 * @param longPollHold      the server's long-poll hold, or null if unknown (hold checks are then skipped)
 * @param certificatePem    for an https base: the server's certificate (PEM), the only one trusted; null for http
 * @param maxPublishBytes   the server's largest publish body ({@code ServerConfig.maxPublishBytes}); the publish checks
 *                          send one of exactly that size and one a byte larger
 */
public record ConformanceTarget(URI base, Protocol protocol, FeedSpec feed, Duration heartbeatInterval, Duration longPollHold,
                     String certificatePem, int maxPublishBytes) {

    public ConformanceTarget {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(feed, "feed");
        if (!protocol.scheme().equals(base.getScheme()) || base.getHost() == null || base.getPort() < 1) {
            throw new IllegalArgumentException("base must be " + protocol.scheme() + "://host:port for protocol " + protocol
                    + ", got " + base);
        }
        if (base.getPath() != null && !base.getPath().isEmpty() && !"/".equals(base.getPath())) {
            throw new IllegalArgumentException("base must have no path, got " + base);
        }
        if (protocol.isTls() && certificatePem == null) {
            throw new IllegalArgumentException("protocol " + protocol + " needs the server's certificate (PEM) to trust, got none");
        }
        if (!protocol.isTls() && certificatePem != null) {
            throw new IllegalArgumentException("a certificate to trust is for https targets only, got one for protocol " + protocol);
        }
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(longPollHold, "longPollHold");
        if (maxPublishBytes < 64) {
            throw new IllegalArgumentException("maxPublishBytes must be at least 64, got " + maxPublishBytes);
        }
    }

    /** A server with the default publish limit ({@link ServerConfig#DEFAULT_MAX_PUBLISH_BYTES}). */
    public ConformanceTarget(URI base, Protocol protocol, FeedSpec feed, Duration heartbeatInterval, Duration longPollHold,
                             String certificatePem) {
        this(base, protocol, feed, heartbeatInterval, longPollHold, certificatePem, ServerConfig.DEFAULT_MAX_PUBLISH_BYTES);
    }

    /** A cleartext target. */
    public ConformanceTarget(URI base, Protocol protocol, FeedSpec feed, Duration heartbeatInterval, Duration longPollHold) {
        this(base, protocol, feed, heartbeatInterval, longPollHold, null);
    }

    /** A cleartext target whose heartbeat interval and long-poll hold are unknown. */
    public static ConformanceTarget of(URI base, Protocol protocol, FeedSpec feed) {
        return new ConformanceTarget(base, protocol, feed, null, null);
    }

    private static void requirePositive(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be a positive duration or null, got " + d);
        }
    }

    /** {@code http(s)://host:port} + {@code pathAndQuery}. */
    URI http(String pathAndQuery) {
        return URI.create(protocol.scheme() + "://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
    }

    /** {@code ws(s)://host:port} + {@code pathAndQuery}. */
    URI ws(String pathAndQuery) {
        return URI.create((protocol.isTls() ? "wss" : "ws") + "://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
    }

    /** Nanoseconds between two events of one topic; {@link Long#MAX_VALUE} for a feed of rate 0 (never). */
    long periodNanos() {
        return feed.ratePerSecond() == 0 ? Long.MAX_VALUE : Math.round(1e9 / feed.ratePerSecond());
    }
}
