package dev.pushbench.runner.scenario;

import dev.pushbench.core.Backpressure;
import java.util.Objects;

/**
 * How every stack treats subscribers in a scenario: the {@link Backpressure} policy for one that
 * falls out of history, and the most events written to one subscriber at once.
 *
 * <pre>
 *   new ServerOptions(Backpressure.DISCONNECT, 256);
 * </pre>
 */
public record ServerOptions(Backpressure backpressure, int maxBatchEvents) {

    public ServerOptions {
        Objects.requireNonNull(backpressure, "server.backpressure");
        if (maxBatchEvents < 1 || maxBatchEvents > ScenarioDefaults.MAX_MAX_BATCH_EVENTS) {
            throw new IllegalArgumentException("server.maxBatchEvents must be between 1 and "
                    + ScenarioDefaults.MAX_MAX_BATCH_EVENTS + ", got " + maxBatchEvents);
        }
    }
}
