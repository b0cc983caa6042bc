package dev.pushbench.runner.check;

import dev.pushbench.client.floor.BareReadLoop;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.runner.run.ChildProcess;
import dev.pushbench.runner.run.ChildSpecs;
import dev.pushbench.runner.run.ScenarioRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the suite's load generator to references it did not write, on this machine, against one
 * server process per comparison: short polling against {@code wrk} (HTTP/1.1) and {@code h2load}
 * (h2c) — request rate and CPU per request, closed-loop, same connections —, and streams against
 * a {@link BareReadLoop} — CPU per delivered message against CPU per {@code read()}.
 *
 * <pre>
 *   GeneratorCheck check = new GeneratorCheck(workDir, settings, System.out);
 *   PollComparison p = check.shortPolling("jetty", Protocol.HTTP_1_1);
 *   StreamComparison s = check.stream("jetty", Transport.SSE);
 * </pre>
 *
 * <p>Each comparison starts a {@code pushbench serve} child (its feed publishing from its start),
 * runs the reference and then the generator ({@code pushbench load}, a child of its own) against
 * it, and stops it. The reference runs after a warm-up run of its own, the generator measures its
 * own window after its warm-up: both see a warm server.
 */
public final class GeneratorCheck {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** What is compared, and for how long. */
    public record Settings(int pollConnections, int streamConnections, double streamRatePerSecond, Duration warmup,
                           Duration duration, ClientEngineKind engine, int threads) {
    }

    /** Short polling: the reference's figures beside the generator's. */
    public record PollComparison(String stack, Protocol protocol, ExternalLoadTool.Measured reference,
                                 double generatorRequestsPerSecond, double generatorCpuMicrosPerRequest,
                                 long generatorProtocolErrors) {
        public double rateRatio() {
            return generatorRequestsPerSecond / reference.requestsPerSecond();
        }

        public double cpuRatio() {
            return generatorCpuMicrosPerRequest / reference.cpuMicrosPerRequest();
        }
    }

    /**
     * Streams: the bare loop's CPU per read beside the generator's, and the generator's CPU per
     * delivered message. The goal compares per read, since a busy server or reader batches events
     * into reads on either side: at one event per read, per read is per message.
     */
    public record StreamComparison(String stack, Transport transport, BareReadLoop.Reading floor, double bytesPerEvent,
                                   double generatorCpuMicrosPerMessage, long generatorDelivered, long generatorLost,
                                   double generatorP99Millis, double generatorCpuMicrosPerRead, double generatorEventsPerRead) {
        public double floorCpuMicrosPerRead() {
            return floor.cpuNanosPerRead() / 1000;
        }

        /**
         * Events per read in the bare loop's window, from its bytes and the generator's bytes per
         * delivered event (the loop parses nothing): about 1 means one event per read.
         */
        public double eventsPerRead() {
            return floor.reads() == 0 ? Double.NaN : floor.bytes() / bytesPerEvent / floor.reads();
        }

        /** The generator's CPU per read over the bare loop's. */
        public double ratio() {
            return generatorCpuMicrosPerRead / floorCpuMicrosPerRead();
        }
    }

    private final Path workDir;
    private final Settings settings;
    private final Appendable log;

    public GeneratorCheck(Path workDir, Settings settings, Appendable log) {
        this.workDir = workDir;
        this.settings = settings;
        this.log = log;
    }

    /** The reference tool, then the generator, short polling {@code /poll/} with the same connections. */
    public PollComparison shortPolling(String stack, Protocol protocol) throws Exception {
        ExternalLoadTool tool = protocol.isHttp2() ? ExternalLoadTool.H2LOAD : ExternalLoadTool.WRK;
        // topics as connections, few events: the answers are what a polling client mostly gets, empty
        FeedSpec feed = new FeedSpec(settings.pollConnections(), 10, 64, 1024);
        try (ChildProcess server = startServer(stack, protocol, feed, stack + "-" + protocol.id() + "-poll")) {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, START_TIMEOUT, ignored -> { });
            String url = "http://127.0.0.1:" + listening.port() + "/poll/" + FeedSpec.topicName(0);
            say("  %s %s: %s warm-up %d s ...", stack, protocol.id(), tool.command(), settings.warmup().toSeconds());
            tool.run(url, settings.pollConnections(), settings.threads(), settings.warmup());
            ExternalLoadTool.Measured reference = tool.run(url, settings.pollConnections(), settings.threads(), settings.duration());
            Files.writeString(workDir.resolve(stack + "-" + protocol.id() + "-poll").resolve(tool.command() + ".txt"), reference.output());
            say("  %s %s: %s %.0f requests/s, %.2f µs CPU per request; the generator ...", stack, protocol.id(),
                    tool.command(), reference.requestsPerSecond(), reference.cpuMicrosPerRequest());
            LoadResult r = runGenerator(listening, protocol, Transport.SHORT_POLLING, settings.pollConnections(), feed,
                    stack + "-" + protocol.id() + "-poll");
            CellResult.PollingCosts polling = r.costs().polling();
            long requests = polling == null || polling.requestsInWindow() == null ? 0 : polling.requestsInWindow();
            double seconds = r.window().measureSeconds();
            double cpuMicros = r.loadgen().cpuSecondsInWindow() * 1e6;
            return new PollComparison(stack, protocol, reference, requests / seconds,
                    requests == 0 ? Double.NaN : cpuMicros / requests, r.loadgen().protocolErrors());
        }
    }

    /** The bare read loop, then the generator, {@code streamConnections} subscribers of one topic. */
    public StreamComparison stream(String stack, Transport transport) throws Exception {
        FeedSpec feed = new FeedSpec(1, settings.streamRatePerSecond(), 64, 1024);
        try (ChildProcess server = startServer(stack, Protocol.HTTP_1_1, feed, stack + "-" + transport.id() + "-stream")) {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, START_TIMEOUT, ignored -> { });
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", listening.port());
            List<byte[]> requests = new ArrayList<>();
            for (int i = 0; i < settings.streamConnections(); i++) {
                requests.add(bareRequest(transport, address));
            }
            say("  %s %s: bare read loop, %d connections ...", stack, transport.id(), settings.streamConnections());
            BareReadLoop.Reading floor;
            long closed;
            try (BareReadLoop loop = BareReadLoop.open(address, requests, settings.threads())) {
                Thread.sleep(settings.warmup().toMillis());
                BareReadLoop.Reading start = loop.reading();
                Thread.sleep(settings.duration().toMillis());
                floor = loop.reading().minus(start);
                closed = loop.closedByServer();
            }
            if (closed > 0) {
                throw new IOException("the server closed " + closed + " of the bare loop's connections: its window is spoiled");
            }
            say("  %s %s: %.2f µs CPU per read, %.0f bytes per read; the generator ...", stack, transport.id(),
                    floor.cpuNanosPerRead() / 1000, (double) floor.bytes() / Math.max(1, floor.reads()));
            LoadResult r = runGenerator(listening, Protocol.HTTP_1_1, transport, settings.streamConnections(), feed,
                    stack + "-" + transport.id() + "-stream");
            Double perMessage = r.costs().loadgen() == null ? null : r.costs().loadgen().cpuMicrosPerMessage();
            CellResult.Wire wire = r.costs().wire();
            Double bytesPerEvent = wire == null ? null : wire.bytesDownPerMessage();
            long reads = wire == null || wire.readsInWindow() == null ? 0 : wire.readsInWindow();
            long delivered = orZero(r.delivery().delivered());
            return new StreamComparison(stack, transport, floor, bytesPerEvent == null ? Double.NaN : bytesPerEvent,
                    perMessage == null ? Double.NaN : perMessage, delivered, orZero(r.delivery().lost()),
                    r.latencyMicros() == null || r.latencyMicros().p99() == null ? Double.NaN : r.latencyMicros().p99() / 1000,
                    reads == 0 ? Double.NaN : r.loadgen().cpuSecondsInWindow() * 1e6 / reads,
                    reads == 0 ? Double.NaN : (double) delivered / reads);
        }
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    private static byte[] bareRequest(Transport transport, InetSocketAddress server) {
        String host = "127.0.0.1:" + server.getPort();
        String topic = FeedSpec.topicName(0);
        String request = transport == Transport.WEBSOCKET
                ? "GET " + transport.path(topic) + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                : "GET " + transport.path(topic) + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n"
                        + "Cache-Control: no-cache\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    private ChildProcess startServer(String stack, Protocol protocol, FeedSpec feed, String name) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve(name));
        Path serverJson = dir.resolve("server.json");
        JsonFiles.write(serverJson, ChildSpecs.ServeFile.of(stack, ServerConfig.defaults(protocol), feed));
        return ChildProcess.start("server", ScenarioRunner.CHILD_JVM_OPTIONS, List.of("serve", "--config", serverJson.toString()),
                dir.resolve("server.log"));
    }

    private LoadResult runGenerator(ControlMessage.Listening listening, Protocol protocol, Transport transport, int connections,
                                    FeedSpec feed, String name) throws Exception {
        Path dir = workDir.resolve(name);
        Duration drain = Duration.ofSeconds(1);
        LoadSpec spec = new LoadSpec("127.0.0.1", listening.port(), protocol, transport, connections,
                Math.max(connections, 1000), 0, new Schedule(listening.t0Nanos(), feed.topics(), feed.ratePerSecond()),
                settings.warmup(), settings.duration(), drain, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ofSeconds(1), dir.resolve("latency.hlog"), listening.certificatePem(), settings.engine(), java.util.List.of());
        Path loadJson = dir.resolve("load.json");
        JsonFiles.write(loadJson, ChildSpecs.LoadFile.of(spec));
        try (ChildProcess loadgen = ChildProcess.start("loadgen", ScenarioRunner.CHILD_JVM_OPTIONS,
                List.of("load", "--config", loadJson.toString()), dir.resolve("loadgen.log"))) {
            Duration limit = settings.warmup().plus(settings.duration()).plus(drain).plus(Duration.ofMinutes(2));
            ControlMessage.Result result = loadgen.await(ControlMessage.Result.class, limit, message -> {
                if (message instanceof ControlMessage.MemoryPoint) {
                    loadgen.send(new ControlMessage.Next());
                }
            });
            JsonFiles.write(dir.resolve("load-result.json"), result.result());
            return result.result();
        }
    }

    private void say(String format, Object... args) throws IOException {
        log.append(String.format(format, args)).append(System.lineSeparator());
    }
}
