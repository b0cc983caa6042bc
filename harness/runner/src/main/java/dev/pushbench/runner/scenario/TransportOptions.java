package dev.pushbench.runner.scenario;

import dev.pushbench.core.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * The per-transport knobs of a scenario; each applies only to cells of its transport.
 *
 * <pre>
 *   TransportOptions t = new TransportOptions(Duration.ofSeconds(1), Duration.ofSeconds(15),
 *           Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(1));
 *   t.heartbeat(Transport.SSE);   // 15s
 * </pre>
 *
 * @param sseRetry           the {@code retry:} sent at the start of every SSE stream (whole milliseconds)
 * @param sseHeartbeat       SSE comment line after this long without a write
 * @param webSocketHeartbeat WebSocket ping after this long without a write
 * @param longPollHold       how long a long poll is held before an empty answer
 * @param shortPollInterval  the fixed schedule on which a short-polling client asks
 * @param sseProxyHints      SSE responses carry {@code X-Accel-Buffering: no}
 */
public record TransportOptions(Duration sseRetry, Duration sseHeartbeat, Duration webSocketHeartbeat,
                               Duration longPollHold, Duration shortPollInterval, boolean sseProxyHints) {

    /** With the proxy hint on (its default). */
    public TransportOptions(Duration sseRetry, Duration sseHeartbeat, Duration webSocketHeartbeat, Duration longPollHold,
                            Duration shortPollInterval) {
        this(sseRetry, sseHeartbeat, webSocketHeartbeat, longPollHold, shortPollInterval, ScenarioDefaults.SSE_PROXY_HINTS);
    }

    public TransportOptions {
        requirePositive(sseRetry, "sse.retry", ScenarioDefaults.MAX_INTERVAL);
        if (sseRetry.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("sse.retry must be whole milliseconds (the retry: field is in ms), got "
                    + ScenarioUnits.formatDuration(sseRetry));
        }
        requirePositive(sseHeartbeat, "sse.heartbeat", ScenarioDefaults.MAX_INTERVAL);
        requirePositive(webSocketHeartbeat, "websocket.heartbeat", ScenarioDefaults.MAX_INTERVAL);
        requirePositive(longPollHold, "long-polling.hold", ScenarioDefaults.LONG_POLL_HOLD_BELOW);
        if (longPollHold.compareTo(ScenarioDefaults.LONG_POLL_HOLD_BELOW) >= 0) {
            throw new IllegalArgumentException("long-polling.hold must be shorter than "
                    + ScenarioUnits.formatDuration(ScenarioDefaults.LONG_POLL_HOLD_BELOW) + ", got " + ScenarioUnits.formatDuration(longPollHold));
        }
        requirePositive(shortPollInterval, "short-polling.interval", ScenarioDefaults.MAX_PHASE);
    }

    /**
     * The heartbeat interval a server uses for a cell of {@code transport}. Polling transports send
     * no heartbeats; they get the SSE value so that the server's configuration is always complete.
     */
    public Duration heartbeat(Transport transport) {
        return transport == Transport.WEBSOCKET ? webSocketHeartbeat : sseHeartbeat;
    }

    private static void requirePositive(Duration d, String name, Duration max) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be above 0s and at most " + ScenarioUnits.formatDuration(max)
                    + ", got " + ScenarioUnits.formatDuration(d));
        }
    }
}
