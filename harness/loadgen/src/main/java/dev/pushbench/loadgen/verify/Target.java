package dev.pushbench.loadgen.verify;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The running server a {@link Conformance} run checks, and what it was configured with.
 *
 * @param base              {@code http://host:port}, no path
 * @param protocol          the HTTP version to speak (and to expect in every answer)
 * @param feed              what the server's feed publishes: topics, rate, payload, history
 * @param heartbeatInterval the server's heartbeat interval, or null if unknown (heartbeat checks are then skipped)
 * @param longPollHold      the server's long-poll hold, or null if unknown (hold checks are then skipped)
 */
public record Target(URI base, Protocol protocol, FeedSpec feed, Duration heartbeatInterval, Duration longPollHold) {

    public Target {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(feed, "feed");
        if (!"http".equals(base.getScheme()) || base.getHost() == null || base.getPort() < 1) {
            throw new IllegalArgumentException("base must be http://host:port, got " + base);
        }
        if (base.getPath() != null && !base.getPath().isEmpty() && !"/".equals(base.getPath())) {
            throw new IllegalArgumentException("base must have no path, got " + base);
        }
        if (protocol.isTls()) {
            throw new IllegalArgumentException("protocol " + protocol + " needs TLS, which conformance does not speak yet");
        }
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(longPollHold, "longPollHold");
    }

    /** A target whose heartbeat interval and long-poll hold are unknown. */
    public static Target of(URI base, Protocol protocol, FeedSpec feed) {
        return new Target(base, protocol, feed, null, null);
    }

    private static void requirePositive(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be a positive duration or null, got " + d);
        }
    }

    /** {@code http://host:port} + {@code pathAndQuery}. */
    URI http(String pathAndQuery) {
        return URI.create("http://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
    }

    /** {@code ws://host:port} + {@code pathAndQuery}. */
    URI ws(String pathAndQuery) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
    }

    /** Nanoseconds between two events of one topic. */
    long periodNanos() {
        return Math.round(1e9 / feed.ratePerSecond());
    }
}
