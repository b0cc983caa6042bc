package dev.pushbench.runner.run;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The files the runner hands its children: {@code server.json} for {@code pushbench serve}
 * ({@link ServeFile}) and {@code load.json} for {@code pushbench load} ({@link LoadFile}). Durations
 * are milliseconds, names are the ids used in scenarios. Written beside the cell's results, so a
 * person can read them and re-run a cell by hand.
 *
 * <pre>
 *   JsonFiles.write(cellDir.resolve("load.json"), ChildSpecs.LoadFile.of(loadSpec));
 *   LoadSpec spec = ChildSpecs.read(file, ChildSpecs.LoadFile.class).toLoadSpec();
 * </pre>
 */
public final class ChildSpecs {
    private ChildSpecs() {
    }

    /**
     * Reads a child's spec file.
     *
     * @throws BadInputException naming the file and what is wrong in it
     */
    public static <T> T read(Path file, Class<T> type) throws BadInputException {
        try {
            return JsonFiles.read(file, type);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * {@code server.json}: what {@code pushbench serve} runs, a stack with its settings and the feed.
     *
     * @param t0Nanos the feed's time zero on the shared {@code System.nanoTime()} clock, for a server restarted in
     *                place of one that ran with it: its feed keeps that schedule and never publishes the events due
     *                before it starts; absent, the server's own start is t0
     */
    public record ServeFile(String stack, ServerSettings server, FeedSpec feed, Long t0Nanos) {

        public ServeFile {
            required(stack, "stack");
            required(feed, "feed");
        }

        public static ServeFile of(String stack, ServerConfig config, FeedSpec feed) {
            return new ServeFile(stack, ServerSettings.of(config), feed, null);
        }

        /** The same server, restarted: its feed continues the schedule from {@code t0Nanos} (a {@code listening}'s). */
        public ServeFile withT0(long t0Nanos) {
            return new ServeFile(stack, server, feed, t0Nanos);
        }

        /** @throws IllegalArgumentException naming a missing or bad field */
        public ServerConfig serverConfig() {
            return required(server, "server").toServerConfig();
        }
    }

    /**
     * {@code server.json}'s {@code server}: the {@link ServerConfig} without its TLS material, made at the server's start.
     *
     * @param maxPublishBytes the largest publish body; absent: {@link ServerConfig#DEFAULT_MAX_PUBLISH_BYTES}
     */
    public record ServerSettings(String host, Integer port, String protocol, Long heartbeatMillis, Long sseRetryMillis,
                                 Long longPollHoldMillis, Integer maxBatchEvents, String backpressure, Boolean sseProxyHints,
                                 Integer maxPublishBytes) {

        static ServerSettings of(ServerConfig c) {
            return new ServerSettings(c.host(), c.port(), c.protocol().id(), c.heartbeatInterval().toMillis(),
                    c.sseRetry().toMillis(), c.longPollHold().toMillis(), c.maxBatchEvents(), c.backpressure().id(),
                    c.sseProxyHints(), c.maxPublishBytes());
        }

        ServerConfig toServerConfig() {
            return new ServerConfig(required(host, "server.host"), required(port, "server.port"),
                    Protocol.fromId(required(protocol, "server.protocol")),
                    Duration.ofMillis(required(heartbeatMillis, "server.heartbeatMillis")),
                    Duration.ofMillis(required(sseRetryMillis, "server.sseRetryMillis")),
                    Duration.ofMillis(required(longPollHoldMillis, "server.longPollHoldMillis")),
                    required(maxBatchEvents, "server.maxBatchEvents"),
                    Backpressure.fromId(required(backpressure, "server.backpressure")), null,
                    // absent (a server.json written by hand): on, as production servers send it
                    sseProxyHints == null || sseProxyHints,
                    maxPublishBytes == null ? ServerConfig.DEFAULT_MAX_PUBLISH_BYTES : maxPublishBytes);
        }
    }

    /**
     * {@code load.json}: a {@link LoadSpec} field for field.
     *
     * @param t0Nanos              the feed's time zero on the shared {@code System.nanoTime()} clock
     * @param serverCertificatePem the TLS server's certificate (public); absent in cleartext
     * @param engine               the client engine's id; absent means {@code jetty}
     * @param sourceAddresses      IPv4 addresses the connections are bound to, round-robin; absent or empty: the kernel picks
     * @param reconnectInitialMillis WebSocket and polling's backoff ({@link ReconnectPolicy}); each of the three
     *                             absent takes the default's part (1000, 5000, 0.5)
     * @param deadAfterMillis      the subscribers' dead-connection timer, 0 for none; absent: twice the heartbeat
     * @param publish              two-way workloads: what the subscribers publish; absent: nobody does
     * @param memorySweep          false: one memory point with every subscriber live, none after the window (a
     *                             capacity search's steps); absent: true, the full sweep
     * @param clockOffsetNanos     a load agent's: how far the server's clock reads ahead of its own (its t0Nanos is in its
     *                             own time already); absent: 0, one host
     * @param streamIntervals      a load agent's: each interval's histograms go to the controller too; absent: false
     */
    public record LoadFile(String host, Integer port, String protocol, String transport, Integer connections,
                           Double rampPerSecond, Integer eventsPerConnection, Long t0Nanos, Integer topics,
                           Double ratePerSecond, Long warmupMillis, Long durationMillis, Long drainMillis,
                           Long shortPollIntervalMillis, Long longPollHoldMillis, Long heartbeatMillis,
                           Long reconnectDelayMillis, String hlogFile, String serverCertificatePem, String engine,
                           List<String> sourceAddresses, Long pathIdleTimeoutMillis, Boolean proxied,
                           Long reconnectInitialMillis, Long reconnectMaxMillis, Double reconnectJitter,
                           Long deadAfterMillis, PublishFile publish, Boolean memorySweep, Long clockOffsetNanos,
                           Boolean streamIntervals) {

        public static LoadFile of(LoadSpec s) {
            return new LoadFile(s.host(), s.port(), s.protocol().id(), s.transport().id(), s.connections(),
                    s.rampPerSecond(), s.eventsPerConnection(), s.schedule().t0Nanos(), s.schedule().topics(),
                    s.schedule().ratePerSecond(), s.warmup().toMillis(), s.duration().toMillis(), s.drain().toMillis(),
                    s.shortPollInterval().toMillis(), s.longPollHold().toMillis(), s.heartbeat().toMillis(),
                    s.reconnectDelay().toMillis(), s.hlogFile().toString(), s.serverCertificatePem(), s.engine().id(),
                    s.sourceAddresses().stream().map(InetAddress::getHostAddress).collect(Collectors.toList()),
                    s.pathIdleTimeout().toMillis(), s.proxied(), s.reconnect().initial().toMillis(),
                    s.reconnect().max().toMillis(), s.reconnect().jitter(), s.deadAfter().toMillis(),
                    s.publish() == null ? null : PublishFile.of(s.publish()), s.memorySweep() ? null : Boolean.FALSE,
                    s.clockOffsetNanos() == 0 ? null : s.clockOffsetNanos(), s.streamIntervals() ? Boolean.TRUE : null);
        }

        /** @throws IllegalArgumentException naming a missing field, or what {@link LoadSpec} refuses */
        public LoadSpec toLoadSpec() {
            return new LoadSpec(
                    required(host, "host"),
                    required(port, "port"),
                    Protocol.fromId(required(protocol, "protocol")),
                    Transport.fromId(required(transport, "transport")),
                    required(connections, "connections"),
                    required(rampPerSecond, "rampPerSecond"),
                    required(eventsPerConnection, "eventsPerConnection"),
                    new Schedule(required(t0Nanos, "t0Nanos"), required(topics, "topics"), required(ratePerSecond, "ratePerSecond")),
                    Duration.ofMillis(required(warmupMillis, "warmupMillis")),
                    Duration.ofMillis(required(durationMillis, "durationMillis")),
                    Duration.ofMillis(required(drainMillis, "drainMillis")),
                    Duration.ofMillis(required(shortPollIntervalMillis, "shortPollIntervalMillis")),
                    Duration.ofMillis(required(longPollHoldMillis, "longPollHoldMillis")),
                    Duration.ofMillis(required(heartbeatMillis, "heartbeatMillis")),
                    Duration.ofMillis(required(reconnectDelayMillis, "reconnectDelayMillis")),
                    Path.of(required(hlogFile, "hlogFile")),
                    serverCertificatePem,
                    // a load.json that names no engine (one written by hand) runs the default, the Jetty engine
                    engine == null ? ClientEngineKind.JETTY : ClientEngineKind.fromId(engine),
                    sourceAddresses == null ? List.of() : sourceAddresses.stream().map(LoadFile::address).collect(Collectors.toList()),
                    pathIdleTimeoutMillis == null ? Duration.ZERO : Duration.ofMillis(pathIdleTimeoutMillis),
                    proxied != null && proxied,
                    reconnectPolicy(),
                    // absent (a load.json written before the timer): twice the heartbeat, LoadSpec's default
                    deadAfterMillis == null ? null : Duration.ofMillis(deadAfterMillis),
                    publish == null ? null : publish.toPublishSpec(),
                    memorySweep == null || memorySweep,
                    clockOffsetNanos == null ? 0L : clockOffsetNanos,
                    streamIntervals != null && streamIntervals);
        }

        /** The backoff, each part absent taking {@link ReconnectPolicy#DEFAULT}'s. */
        private ReconnectPolicy reconnectPolicy() {
            ReconnectPolicy d = ReconnectPolicy.DEFAULT;
            return new ReconnectPolicy(
                    reconnectInitialMillis == null ? d.initial() : Duration.ofMillis(reconnectInitialMillis),
                    reconnectMaxMillis == null ? d.max() : Duration.ofMillis(reconnectMaxMillis),
                    reconnectJitter == null ? d.jitter() : reconnectJitter);
        }

        private static InetAddress address(String text) {
            InetAddress a = text == null ? null : ScenarioLoader.ipv4(text);
            if (a == null) {
                throw new IllegalArgumentException("sourceAddresses must hold IPv4 addresses (four numbers 0-255), got " + text);
            }
            return a;
        }
    }

    /**
     * {@code load.json}'s {@code publish}: a {@link PublishSpec}, its target as the scenario writes it.
     *
     * @param to {@code own} or {@code random}; absent: {@code own}
     */
    public record PublishFile(Double ratePerSecond, Integer payloadBytes, Double share, String to) {

        static PublishFile of(PublishSpec p) {
            return new PublishFile(p.ratePerSecond(), p.payloadBytes(), p.share(), p.to().name().toLowerCase(Locale.ROOT));
        }

        /** @throws IllegalArgumentException naming a missing or bad field */
        PublishSpec toPublishSpec() {
            PublishSpec.Target target = PublishSpec.Target.OWN;
            if (to != null) {
                target = switch (to) {
                    case "own" -> PublishSpec.Target.OWN;
                    case "random" -> PublishSpec.Target.RANDOM;
                    default -> throw new IllegalArgumentException("publish.to must be own or random, got " + to);
                };
            }
            return new PublishSpec(required(ratePerSecond, "publish.ratePerSecond"), required(payloadBytes, "publish.payloadBytes"),
                    share == null ? 1 : share, target);
        }
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required, got none");
        }
        return value;
    }
}
