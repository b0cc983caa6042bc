package dev.pushbench.runner.scenario;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One workload, as a scenario file states it, complete with defaults and checked: every cell of
 * {@link #matrix()} runs this same workload. Read one with {@link ScenarioLoader}; the keys, their
 * defaults and limits are listed in {@link ScenarioKeys} and {@code docs/scenarios.md}.
 *
 * <pre>
 *   Scenario s = ScenarioLoader.load(Path.of("benchmarks/scenarios/quick.yaml"), Set.of("jetty"));
 *   FeedSpec feed = s.feed().toFeedSpec();
 *   ServerConfig config = s.serverConfig(Transport.SSE, Protocol.H2C, "127.0.0.1");
 *   Duration eta = s.estimatedRunTime(Duration.ofSeconds(5));
 * </pre>
 *
 * @param name        {@code [a-z0-9][a-z0-9-]*}, at most 40 characters; part of the run id
 * @param description free text, empty if the file has none
 * @param source      the file it was read from (for {@link ScenarioLoader#parse}, the name given)
 */
public record Scenario(String name, String description, Path source, Matrix matrix, Clients clients, Feed feed,
                       Timing timing, TransportOptions transports, ServerOptions server) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        if (!ScenarioDefaults.NAME_PATTERN.matcher(name).matches() || name.length() > ScenarioDefaults.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be lower-case letters, digits and dashes, starting with a letter"
                    + " or digit, at most " + ScenarioDefaults.MAX_NAME_LENGTH + " characters, got '" + name + "'");
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(matrix, "matrix");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(server, "server");
        ScenarioRules.check(matrix, feed, timing, transports, server).ifPresent(v -> {
            throw new IllegalArgumentException(v.message());
        });
    }

    /** The server side of one cell: loopback or {@code host}, any free port, this scenario's options. */
    public ServerConfig serverConfig(Transport transport, Protocol protocol, String host) {
        return new ServerConfig(host, 0, protocol, transports.heartbeat(transport), transports.sseRetry(),
                transports.longPollHold(), server.maxBatchEvents(), server.backpressure(), null);
    }

    /**
     * How long running every cell takes: per cell and repeat, the fixed cost of starting and
     * stopping its processes ({@code overheadPerCell}), the ramp, warm-up, measurement and drain.
     */
    public Duration estimatedRunTime(Duration overheadPerCell) {
        Duration perCell = overheadPerCell.plus(clients.rampTime()).plus(timing.phases());
        return perCell.multipliedBy((long) matrix.cellCount() * timing.repeats());
    }
}
