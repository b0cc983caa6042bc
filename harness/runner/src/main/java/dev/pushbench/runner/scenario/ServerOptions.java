package dev.pushbench.runner.scenario;

import dev.pushbench.core.Backpressure;
import java.util.Objects;

/**
 * How every stack treats subscribers in a scenario: the {@link Backpressure} policy for one that
 * falls out of history, the most events written to one subscriber at once, and the largest body a
 * client may publish.
 *
 * <pre>
 *   new ServerOptions(Backpressure.DISCONNECT, 256);              // publish bodies up to the default 64 KiB
 *   new ServerOptions(Backpressure.DISCONNECT, 256, 4096);
 * </pre>
 *
 * @param maxPublishBytes the largest publish body ({@code POST /publish/{topic}} or WebSocket frame) a server takes
 */
public record ServerOptions(Backpressure backpressure, int maxBatchEvents, int maxPublishBytes) {

    /** With the default {@link ScenarioDefaults#MAX_PUBLISH_BYTES}. */
    public ServerOptions(Backpressure backpressure, int maxBatchEvents) {
        this(backpressure, maxBatchEvents, ScenarioDefaults.MAX_PUBLISH_BYTES);
    }

    public ServerOptions {
        Objects.requireNonNull(backpressure, "server.backpressure");
        if (maxBatchEvents < 1 || maxBatchEvents > ScenarioDefaults.MAX_MAX_BATCH_EVENTS) {
            throw new IllegalArgumentException("server.maxBatchEvents must be between 1 and "
                    + ScenarioDefaults.MAX_MAX_BATCH_EVENTS + ", got " + maxBatchEvents);
        }
        if (maxPublishBytes < ScenarioDefaults.MIN_MAX_PUBLISH_BYTES || maxPublishBytes > ScenarioDefaults.MAX_MAX_PUBLISH_BYTES) {
            throw new IllegalArgumentException("server.maxPublishBytes must be between " + ScenarioDefaults.MIN_MAX_PUBLISH_BYTES
                    + " and " + ScenarioDefaults.MAX_MAX_PUBLISH_BYTES + ", got " + maxPublishBytes);
        }
    }
}
