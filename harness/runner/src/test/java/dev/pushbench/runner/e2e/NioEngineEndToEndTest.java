package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.control.ControlMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The nio client engine against the real servers: {@code pushbench run} of a scenario with
 * {@code clients.engine: nio} on both stacks (real server and load-generator JVMs), whose SSE,
 * WebSocket and long-polling cells over HTTP/1.1 and h2c must deliver everything once with bytes per
 * message by the framing rules (Vert.x's WebSocket over h2c is the stack's own unsupported cell); and, in this
 * JVM, subscribers that resume without loss when the Jetty server goes away and comes back.
 */
class NioEngineEndToEndTest {
    private static final List<String> MEASURED = List.of("jetty-sse-http1.1", "jetty-websocket-http1.1",
            "jetty-long-polling-http1.1", "jetty-sse-h2c", "jetty-websocket-h2c", "jetty-long-polling-h2c",
            "vertx-sse-http1.1", "vertx-websocket-http1.1", "vertx-long-polling-http1.1", "vertx-sse-h2c",
            "vertx-long-polling-h2c");

    @TempDir
    static Path dir;
    static Path runDir;
    static int exitCode;

    @BeforeAll
    static void runScenarioOnTheNioEngine() throws Exception {
        Path file = dir.resolve("nio.yaml");
        Files.writeString(file, String.join("\n",
                "name: nio-engine",
                "matrix: {stacks: [jetty, vertx], transports: [sse, websocket, long-polling], protocols: [http1.1, h2c]}",
                // one topic at 20/s: 50 ms between events, so each is written on its own (the framing rules' case)
                "clients: {connections: 10, rampRate: 100/s, engine: nio}",
                "feed: {topics: 1, rate: 20/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 4s, drain: 1s}",
                ""));
        Path results = dir.resolve("results");
        exitCode = PushbenchCli.execute("run", "--results", results.toString(), file.toString());
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCellTheStacksServeDeliversEverythingOnce() throws Exception {
        assertEquals(0, exitCode, "pushbench run exit code");
        RunManifest run = RunFiles.run(runDir);
        assertEquals("nio", run.loadgenEngine());
        assertTrue(String.valueOf(run.loadgenClient()).startsWith("pushbench nio client"), run.loadgenClient());
        assertEquals("nio", ((Map<?, ?>) run.scenario().resolved().get("clients")).get("engine"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String cell : MEASURED) {
            Path cellDir = runDir.resolve("cells").resolve(cell);
            tests.add(DynamicTest.dynamicTest(cell, () -> {
                QuickScenarioEndToEndTest.checkCell(cellDir);
                CellResult s = RunFiles.summary(cellDir);
                CellResult.Loadgen loadgen = s.loadgen();
                assertEquals("nio", loadgen.engine());
                assertTrue(String.valueOf(loadgen.client()).startsWith("pushbench nio client"), loadgen.client());
                assertEquals(0, loadgen.protocolErrors(), () -> "protocol errors; last error " + loadgen.lastError());
                assertTrue(s.tcpConnectMicros().count() >= 10, "TCP connects timed");
                assertEquals("nio", RunFiles.load(cellDir).engine());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> bytesPerMessageFollowTheFramingRules() {
        // streams only: a poll answer's bytes per event depend on how many events each answer carries
        return MEASURED.stream().filter(cell -> !cell.contains("polling")).map(cell -> DynamicTest.dynamicTest(cell,
                () -> CostValidityTest.checkBytes(runDir.resolve("cells").resolve(cell), cell, 64)));
    }

    @TestFactory
    Stream<DynamicTest> onlyTheStacksOwnGapIsUnsupported() throws Exception {
        List<String> cells = RunFiles.run(runDir).cells();
        assertEquals(12, cells.size(), "2 stacks x 3 transports x 2 protocols");
        return cells.stream().filter(c -> !MEASURED.contains(c)).map(cell -> DynamicTest.dynamicTest(cell, () -> {
            assertEquals("vertx-websocket-h2c", cell);
            CellResult s = RunFiles.summary(runDir.resolve("cells").resolve(cell));
            assertEquals(CellStatus.UNSUPPORTED, s.status());
            assertTrue(String.valueOf(s.reason()).contains("Vert.x"), s.reason());
        }));
    }

    /**
     * The Jetty server stops in the middle of the window (its connections all close) and starts again on
     * the same port with the same feed: every subscriber must reconnect and resume after the last event
     * it saw (Last-Event-ID, {@code ?since=}), so that nothing of the window is lost or seen twice.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "WEBSOCKET"})
    void subscribersResumeWithoutLossWhenTheServerComesBack(Transport transport, @TempDir Path tmp) throws Exception {
        int connections = 10;
        ServerStack jetty = ServerStack.named("jetty");
        try (EventFeed feed = new EventFeed(new FeedSpec(1, 20, 64, 1024))) {
            ServerConfig first = ServerConfig.defaults(Protocol.HTTP_1_1);
            AtomicReference<PushContext> context = new AtomicReference<>(new PushContext(feed, first));
            AtomicReference<PushServer> server = new AtomicReference<>(jetty.start(context.get()));
            int port = server.get().port();
            long t0 = System.nanoTime();
            feed.start(t0);
            LoadSpec spec = new LoadSpec("127.0.0.1", port, Protocol.HTTP_1_1, transport, connections, 100, 0,
                    new Schedule(t0, 1, 20), Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMillis(200),
                    tmp.resolve("latency.hlog"), null, ClientEngineKind.NIO, java.util.List.of());
            AtomicReference<Throwable> restartFailure = new AtomicReference<>();
            Thread restart = new Thread(() -> {
                try {
                    TimeUnit.SECONDS.sleep(1);
                    server.get().close();
                    context.get().close();
                    TimeUnit.MILLISECONDS.sleep(300);
                    ServerConfig again = new ServerConfig(first.host(), port, first.protocol(), first.heartbeatInterval(),
                            first.sseRetry(), first.longPollHold(), first.maxBatchEvents(), first.backpressure(), null);
                    context.set(new PushContext(feed, again));
                    server.set(jetty.start(context.get()));
                } catch (Throwable e) {
                    restartFailure.set(e);
                }
            }, "restart-server");
            LoadResult result;
            try {
                result = new LoadGenerator(spec, message -> {
                    if (message instanceof ControlMessage.Phase
                            && ControlMessage.Phase.MEASURE.equals(((ControlMessage.Phase) message).phase())) {
                        restart.start(); // a second into the window
                    }
                }).run();
                restart.join();
            } finally {
                server.get().close();
                context.get().close();
            }
            assertEquals(null, restartFailure.get(), "restarting the server");
            CellResult.Delivery delivery = result.delivery();
            CellResult.Connections counts = result.connections();
            long expected = delivery.expected();
            assertTrue(expected > 0, "expected > 0");
            assertEquals(expected, delivery.delivered(), () -> "delivered == expected; " + result);
            assertEquals(0, delivery.lost());
            assertEquals(0, delivery.duplicated());
            assertTrue(counts.disconnects() >= connections, () -> "every subscriber lost its connection: " + counts);
            assertTrue(counts.reconnects() >= connections, () -> "and reconnected: " + counts);
            assertTrue(counts.tcpConnectionsOpened() >= 2L * connections, () -> String.valueOf(counts));
        }
    }
}
