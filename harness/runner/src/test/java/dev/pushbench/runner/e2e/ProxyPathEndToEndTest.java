package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.proxy.Installed;
import dev.pushbench.runner.proxy.ProxyConfig;
import dev.pushbench.runner.proxy.ProxyConfigs;
import dev.pushbench.runner.proxy.ProxyKind;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.proxy.ProxyProfile;
import dev.pushbench.runner.proxy.ProxySetup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cells through the real proxies: {@code pushbench run} of SSE, WebSocket and long polling over
 * {@code http1.1} and {@code h2} through nginx and HAProxy (push profile), where every supported cell
 * must deliver everything once, record its path and the proxy's cost, keep a configuration the proxy
 * itself accepts, and leave no proxy process behind; and, in this JVM, a stream that nginx cuts for
 * idleness, whose cuts the subscribers count as idle timeouts, bounded by nginx's own log, and resume
 * without losing an event.
 */
class ProxyPathEndToEndTest {
    @TempDir
    static Path dir;
    static Path runDir;
    static int exitCode;

    @BeforeAll
    static void runThroughBothProxies() throws Exception {
        Installed.assume(ProxyKind.NGINX);
        Installed.assume(ProxyKind.HAPROXY);
        Path file = dir.resolve("proxy-path.yaml");
        Files.writeString(file, String.join("\n",
                "name: proxy-path",
                "matrix: {stacks: [jetty], transports: [sse, websocket, long-polling], protocols: [http1.1, h2]}",
                "path: {proxy: [nginx, haproxy], profile: push}",
                "clients: {connections: 10, rampRate: 100/s}",
                "feed: {topics: 1, rate: 20/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 3s, drain: 1s}",
                ""));
        Path results = dir.resolve("results");
        exitCode = PushbenchCli.execute("run", "--results", results.toString(), file.toString());
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySupportedCellThroughAProxyDeliversEverythingOnce() throws Exception {
        assertEquals(0, exitCode, "pushbench run exit code");
        List<String> cells = RunFiles.run(runDir).cells();
        assertEquals(12, cells.size(), "3 transports x 2 protocols x 2 proxies");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : cells) {
            Path cellDir = runDir.resolve("cells").resolve(name);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                CellResult s = RunFiles.summary(cellDir);
                if (name.startsWith("jetty-websocket-h2-nginx")) {
                    assertEquals(CellStatus.UNSUPPORTED, s.status());
                    assertTrue(s.reason().contains("RFC 8441"), s.reason());
                    return;
                }
                QuickScenarioEndToEndTest.checkCell(cellDir);
                ProxyKind kind = name.contains("nginx") ? ProxyKind.NGINX : ProxyKind.HAPROXY;
                assertEquals(kind.id() + "-push", s.cell().path());
                CellResult.PathInfo path = s.path();
                assertNotNull(path, "path");
                assertEquals(kind.id(), path.proxy());
                assertEquals("push", path.profile());
                assertEquals(s.cell().protocol(), path.clientProtocol(), "the client side speaks the cell's protocol");
                assertEquals("http1.1", path.upstreamProtocol());
                // the label is honest: the load generator spoke the cell's protocol to the proxy, the server HTTP/1.1
                assertEquals(s.cell().protocol(), RunFiles.load(cellDir).protocol());
                String serverJson = Files.readString(cellDir.resolve("server.json"));
                assertTrue(serverJson.contains("\"protocol\" : \"http1.1\"") || serverJson.contains("\"protocol\":\"http1.1\""),
                        serverJson);
                assertTrue(path.version().toLowerCase().contains(kind.id()), path.version());
                Path config = cellDir.resolve(path.configFile());
                assertTrue(Files.isRegularFile(config), config.toString());
                ProxyConfigs.check(kind, config); // throws with the proxy's output when it refuses the file
                CellResult.ProxyCosts proxy = s.costs().proxy();
                assertNotNull(proxy, "costs.proxy");
                assertTrue(proxy.processes() >= 2, "a master and a worker at least: " + proxy);
                assertTrue(proxy.cpuMicrosPerMessage() != null && proxy.cpuMicrosPerMessage() > 0, String.valueOf(proxy));
                assertTrue(proxy.rssBytesAtLoad() > 0, String.valueOf(proxy));
                CellResult.Resilience r = s.resilience();
                assertNotNull(r, "resilience");
                assertEquals(0, r.disconnects(), () -> "no cut through a push profile: " + r);
            }));
        }
        return tests.stream();
    }

    /** No process of this run's proxies is left: none names one of its cell directories on its command line. */
    @Test
    void noProxyOutlivesItsCell() throws IOException {
        String runPath = runDir.toAbsolutePath().toString();
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(runPath)) {
                        left.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException gone) {
                    // the process ended while listed
                }
            }
        }
        assertEquals(List.of(), left, "processes of the run still there");
    }

    /**
     * nginx with its idle timeouts set to 2 s in front of Jetty, a topic with an event every 4 s and heartbeats
     * every 60 s: each quiet stretch ends in a cut. The subscribers count every cut as an idle timeout, resume after
     * it with Last-Event-ID and lose nothing; nginx's own log ("upstream timed out") bounds the count: every cut
     * it logged before the window ended is counted, and none it did not log.
     */
    @Test
    void idleCutsThroughNginxAreCountedAndResumedWithoutLoss(@TempDir Path tmp) throws Exception {
        Installed.assume(ProxyKind.NGINX);
        int connections = 4;
        Duration idle = Duration.ofSeconds(2);
        ServerStack jetty = ServerStack.named("jetty");
        FeedSpec feedSpec = new FeedSpec(1, 0.25, 64, 1024);
        try (EventFeed feed = new EventFeed(feedSpec)) {
            ServerConfig config = ServerConfig.defaults(Protocol.HTTP_1_1).withHeartbeat(Duration.ofSeconds(60));
            try (PushContext context = new PushContext(feed, config); PushServer server = jetty.start(context)) {
                long t0 = System.nanoTime();
                feed.start(t0);
                ProxySetup setup = new ProxySetup(ProxyKind.NGINX, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.SSE,
                        "127.0.0.1", freePort(), server.port(), config.heartbeatInterval(), config.longPollHold(), connections,
                        tmp);
                ProxyConfig proxyConfig = ProxyConfigs.write(setup, idle);
                try (ProxyProcess proxy = ProxyProcess.start(setup, proxyConfig, Duration.ofSeconds(20))) {
                    LoadSpec spec = new LoadSpec("127.0.0.1", setup.listenPort(), Protocol.HTTP_1_1, Transport.SSE, connections,
                            100, 0, new Schedule(t0, 1, 0.25), Duration.ofSeconds(1), Duration.ofSeconds(10),
                            Duration.ofSeconds(2), Duration.ofSeconds(1), config.longPollHold(), config.heartbeatInterval(),
                            Duration.ofMillis(500), tmp.resolve("latency.hlog"), null, ClientEngineKind.NIO, List.of(),
                            proxyConfig.idleTimeout(), true);
                    AtomicLong cutsWhenTheWindowEnded = new AtomicLong(-1);
                    LoadResult result = new LoadGenerator(spec, message -> {
                        if (message instanceof ControlMessage.Phase p && ControlMessage.Phase.DRAIN.equals(p.phase())) {
                            try {
                                cutsWhenTheWindowEnded.set(nginxCuts(proxy.log()));
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }).run();
                    long logged = nginxCuts(proxy.log());
                    CellResult.Resilience r = result.resilience();
                    CellResult.Delivery d = result.delivery();
                    assertTrue(d.expected() > 0, "events owed");
                    assertEquals(d.expected(), d.delivered(), () -> "delivered == expected: " + d + " " + r);
                    assertEquals(0, d.lost());
                    assertEquals(0, d.duplicated());
                    assertTrue(r.disconnects() >= connections, () -> "every subscriber was cut at least once: " + r);
                    assertEquals(r.disconnects(), r.cutsByCause().idleTimeout(), () -> "every cut an idle timeout: " + r);
                    assertEquals(r.disconnects(), r.reconnects(), () -> "every cut reconnected once: " + r);
                    assertEquals(0, r.lostAcrossReconnect());
                    assertEquals(0, r.duplicatedAcrossReconnect());
                    // counted from the ramp's end: nginx's cuts logged by the window's end are all counted, and no more
                    // than it logged by the end of the run
                    assertTrue(cutsWhenTheWindowEnded.get() <= r.disconnects() && r.disconnects() <= logged,
                            () -> "nginx logged " + cutsWhenTheWindowEnded.get() + " cuts by the window's end and " + logged
                                    + " in all; the subscribers counted " + r.disconnects());
                    // a resume: the reconnect delay (0.5 s), the reconnect, then the wait for the next event (≤ 4 s)
                    assertTrue(r.resumeMicros().count() > 0, () -> String.valueOf(r));
                    assertTrue(r.resumeMicros().p50() >= 500_000 && r.resumeMicros().max() < 4_500_000,
                            () -> "resume times " + r.resumeMicros());
                }
            }
        }
    }

    private static long nginxCuts(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("upstream timed out")).count();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
