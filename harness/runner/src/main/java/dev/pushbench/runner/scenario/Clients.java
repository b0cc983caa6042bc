package dev.pushbench.runner.scenario;

import dev.pushbench.loadgen.ClientEngineKind;
import java.time.Duration;
import java.util.Objects;

/**
 * The subscribers the load generator opens: {@code connections} of them, opened at
 * {@code rampPerSecond} on a fixed schedule (open loop: a slow connect does not slow the ramp), and
 * spread round-robin over the feed's topics.
 *
 * <pre>
 *   new Clients(300, 500, 10);                          // 300 subscribers, each closing after 10 events and connecting anew
 *   new Clients(2000, 1000, 0);                         // 2000 subscribers that stay for the whole run
 *   new Clients(1000, 1000, 0, ClientEngineKind.NIO);   // on the nio client engine
 * </pre>
 *
 * @param eventsPerConnection after this many events a subscriber closes its connection and opens
 *                            a new one, from the newest event (churn); 0 = never
 * @param engine              the load generator's client engine, the same for every cell (cells are
 *                            comparable only within one engine)
 */
public record Clients(int connections, double rampPerSecond, int eventsPerConnection, ClientEngineKind engine) {

    /** On the default engine, {@link ScenarioDefaults#ENGINE}. */
    public Clients(int connections, double rampPerSecond, int eventsPerConnection) {
        this(connections, rampPerSecond, eventsPerConnection, ScenarioDefaults.ENGINE);
    }

    public Clients {
        Objects.requireNonNull(engine, "clients.engine");
        if (connections < 1 || connections > ScenarioDefaults.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("clients.connections must be between 1 and "
                    + ScenarioDefaults.MAX_CONNECTIONS + ", got " + connections);
        }
        if (!(rampPerSecond > 0) || rampPerSecond > ScenarioDefaults.MAX_RAMP_PER_SECOND) {
            throw new IllegalArgumentException("clients.rampRate must be above 0/s and at most "
                    + ScenarioUnits.formatRate(ScenarioDefaults.MAX_RAMP_PER_SECOND) + ", got " + rampPerSecond + "/s");
        }
        if (eventsPerConnection < 0 || eventsPerConnection > ScenarioDefaults.MAX_EVENTS_PER_CONNECTION) {
            throw new IllegalArgumentException("clients.eventsPerConnection must be between 0 (never) and "
                    + ScenarioDefaults.MAX_EVENTS_PER_CONNECTION + ", got " + eventsPerConnection);
        }
    }

    /** True if subscribers close and reconnect after {@link #eventsPerConnection} events. */
    public boolean churns() {
        return eventsPerConnection > 0;
    }

    /** How long opening all connections takes on the ramp's schedule. */
    public Duration rampTime() {
        return Duration.ofNanos((long) Math.ceil(connections / rampPerSecond * 1e9));
    }
}
