package dev.pushbench.runner.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a scenario breaks its cells and how its clients come back: the faults applied during the window, the
 * WebSocket and polling clients' reconnect backoff, and when a subscriber gives a silent connection up. SSE
 * clients wait the stream's {@code retry:} as a browser's EventSource does.
 *
 * <pre>
 *   RecoverySettings.DEFAULT.deadAfter(Duration.ofSeconds(15));   // 30s: two heartbeats
 * </pre>
 *
 * @param reconnectInitial the first reconnect delay; it doubles per failed attempt
 * @param reconnectMax     the most it grows to
 * @param reconnectJitter  each delay is multiplied by a uniform draw in [1 − jitter, 1 + jitter]
 * @param deadAfter        a connection that read nothing this long is given up; null: two heartbeats of its transport
 * @param faults           in the order written
 */
public record RecoverySettings(Duration reconnectInitial, Duration reconnectMax, double reconnectJitter, Duration deadAfter,
                       List<FaultPlan> faults) {

    public static final RecoverySettings DEFAULT = new RecoverySettings(ScenarioDefaults.RECONNECT_INITIAL, ScenarioDefaults.RECONNECT_MAX,
            ScenarioDefaults.RECONNECT_JITTER, null, List.of());

    public RecoverySettings {
        Objects.requireNonNull(reconnectInitial, "reconnectInitial");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        if (reconnectInitial.isNegative() || reconnectInitial.isZero() || reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("clients.reconnect needs initial above 0s and max at least initial, got "
                    + reconnectInitial + " and " + reconnectMax);
        }
        if (!(reconnectJitter >= 0) || reconnectJitter > 1) {
            throw new IllegalArgumentException("clients.reconnect.jitter must be between 0 and 1, got " + reconnectJitter);
        }
        if (deadAfter != null && (deadAfter.isNegative() || deadAfter.isZero())) {
            throw new IllegalArgumentException("clients.deadAfter must be above 0s, got " + deadAfter);
        }
        faults = List.copyOf(faults);
    }

    /** When a subscriber gives up a connection of a transport whose heartbeat is {@code heartbeat}. */
    public Duration deadAfter(Duration heartbeat) {
        return deadAfter != null ? deadAfter : heartbeat.multipliedBy(ScenarioDefaults.DEAD_AFTER_HEARTBEATS);
    }

    /** True if some fault needs the relay on the cells' way. */
    public boolean needsRelay() {
        return faults.stream().anyMatch(f -> f.type().onRelay());
    }

    public boolean has(FaultPlan.Type type) {
        return faults.stream().anyMatch(f -> f.type() == type);
    }
}
