package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.proxy.Installed;
import dev.pushbench.runner.proxy.ProxyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault type through {@code pushbench run}: SSE and WebSocket cells through the relay and a push nginx
 * get a cut (a reset, later a drop), a blackhole, a server restart and a proxy reload, on a schedule. Each cell must record exactly
 * those faults, in order, each taking effect just after its planned time; the subscribers must notice the
 * reset at once and the blackhole by their dead-connection timer; the restart must lose the events due while
 * no server published and (but for an event in flight at the stop) nothing else, and show the reconnect peak
 * at the server; the relay's costs are its own.
 */
class FaultsEndToEndTest {
    /** The faults' planned times after the window began, in the scenario's order. */
    static final double[] PLANNED = {1.0, 2.0, 3.0, 6.0, 9.5};
    /**
     * How late after its plan a fault may take effect: the runner's thread wakes and the relay answers in
     * milliseconds, but the faults are applied one after another and a restart's new JVM may take seconds on a
     * busy machine to listen, which delays the fault after it.
     */
    static final double LATENESS_SECONDS = 2.5;
    static final long DEAD_AFTER_MICROS = 1_000_000;

    @TempDir
    static Path dir;
    static Path runDir;
    static int exitCode;

    @BeforeAll
    static void runWithFaults() throws Exception {
        Installed.assume(ProxyKind.NGINX);
        Path file = dir.resolve("faults.yaml");
        Files.writeString(file, String.join("\n",
                "name: faults",
                "matrix: {stacks: [jetty], transports: [sse, websocket], protocols: [http1.1]}",
                "path: {proxy: nginx, profile: push}",
                "network: {link: loopback}",
                "clients: {connections: 10, rampRate: 100/s, deadAfter: 1s}",
                "feed: {topics: 1, rate: 10/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 11s, drain: 2s}",
                "sse: {heartbeat: 300ms, retry: 200ms}",
                "websocket: {heartbeat: 300ms}",
                "faults:",
                // the restart comes once the blackholed subscribers have resumed (1 s to notice, at most 1.5 s of
                // backoff): their resume must not reach into the history the restart takes away
                "  - {type: cut, mode: reset, at: 1s, share: 0.5}",
                "  - {type: cut, mode: drop, at: 2s, share: 0.3}",
                "  - {type: blackhole, at: 3s, share: 0.5}",
                "  - {type: restart, at: 6s}",
                "  - {type: proxy-reload, at: 9500ms}",
                ""));
        Path results = dir.resolve("results");
        exitCode = PushbenchCli.execute("run", "--results", results.toString(), file.toString());
        try (Stream<Path> runs = Files.list(results)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFaultIsAppliedOnScheduleAndScored() throws Exception {
        assertEquals(0, exitCode, "pushbench run exit code");
        List<String> cells = RunFiles.run(runDir).cells();
        assertEquals(List.of("jetty-sse-http1.1-nginx-push-loopback", "jetty-websocket-http1.1-nginx-push-loopback"), cells);
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : cells) {
            Path cellDir = runDir.resolve("cells").resolve(name);
            tests.add(DynamicTest.dynamicTest(name, () -> checkCell(RunFiles.summary(cellDir), cellDir)));
        }
        return tests.stream();
    }

    private static void checkCell(CellResult s, Path cellDir) {
        assertEquals(CellStatus.OK, s.status(), s.reason());
        assertEquals("loopback", s.cell().network());
        assertNotNull(s.link(), "link");
        assertTrue(Files.exists(cellDir.resolve("relay.json")) && Files.exists(cellDir.resolve("relay.log")));
        assertTrue(Files.exists(cellDir.resolve("server-2.json")) && Files.exists(cellDir.resolve("server-2.log")),
                "the restarted server's files beside the first's");

        List<CellResult.Fault> faults = s.faults();
        assertEquals(List.of("cut", "cut", "blackhole", "restart", "proxy-reload"),
                faults.stream().map(CellResult.Fault::type).toList(), "the faults, in the order planned");
        long windowStart = s.window().startNanos();
        for (int i = 0; i < PLANNED.length; i++) {
            CellResult.Fault f = faults.get(i);
            assertEquals(PLANNED[i], f.plannedSeconds(), 1e-9, f.type());
            double took = (f.atNanos() - windowStart) / 1e9;
            assertTrue(took >= PLANNED[i] - 0.001 && took <= PLANNED[i] + LATENESS_SECONDS,
                    f.type() + " planned at " + PLANNED[i] + " s took effect at " + took + " s");
        }
        assertEquals("reset", faults.get(0).mode());
        assertEquals(5L, faults.get(0).connections(), "half of 10 live connections, rounded up");
        assertEquals("drop", faults.get(1).mode());
        assertTrue(faults.get(1).connections() >= 1 && faults.get(1).connections() <= 3, "a third of those live at the"
                + " relay then (some cut a second before may still be backing off), rounded up: " + faults.get(1).connections());
        assertTrue(faults.get(2).connections() >= 1 && faults.get(2).connections() <= 5,
                "half of those live at the relay then (the dropped are not), rounded up: " + faults.get(2).connections());
        assertTrue(faults.get(3).downMillis() > 0, "the restart's outage");
        assertTrue(faults.get(4).note().contains("reloaded"), faults.get(4).note());

        CellResult.Resilience r = s.resilience();
        assertTrue(r.faultedConnections() >= 5 + 3 + 1 + 10, "the cuts and the blackhole, the restart every subscriber: "
                + r.faultedConnections());
        assertTrue(r.timeToDetectMicros().count() >= 9, "the cuts' and the blackhole's at least");
        // a reset is seen at once; a blackhole only by the dead-connection timer (1 s of silence, checked every 20-100 ms)
        assertTrue(r.timeToDetectMicros().p50() < DEAD_AFTER_MICROS * 2, "p50 " + r.timeToDetectMicros().p50());
        assertTrue(r.timeToDetectMicros().max() >= DEAD_AFTER_MICROS * 0.9, "a blackholed connection waits for its timer: max "
                + r.timeToDetectMicros().max());
        assertTrue(r.timeToDetectMicros().max() < DEAD_AFTER_MICROS + 1_500_000, "max " + r.timeToDetectMicros().max());
        assertTrue(r.staleSeconds() > 0);
        java.util.Map<String, CellResult.FaultRecovery> byFault = new java.util.HashMap<>();
        r.byFault().forEach(f -> byFault.put(f.fault(), f));
        assertEquals(java.util.Set.of("cut-reset", "blackhole", "restart", "cut-drop", "proxy-reload"), byFault.keySet());
        assertEquals(5L, byFault.get("cut-reset").hits());
        assertTrue(byFault.get("cut-reset").timeToDetectMicros().max() < 500_000, "a reset is seen at once: "
                + byFault.get("cut-reset").timeToDetectMicros());
        assertTrue(byFault.get("blackhole").timeToDetectMicros().p50() >= DEAD_AFTER_MICROS * 0.9, "a blackhole only by"
                + " the timer: " + byFault.get("blackhole").timeToDetectMicros());
        assertTrue(byFault.get("cut-drop").timeToDetectMicros().p50() >= DEAD_AFTER_MICROS * 0.9, "a drop too: "
                + byFault.get("cut-drop").timeToDetectMicros());
        // SSE clients all wait the same retry: and come back together; WebSocket clients back off with jitter
        long storm = s.cell().transport().equals("sse") ? 5 : 1;
        assertTrue(r.reconnectPeakPerSecond() >= storm, "the reconnect peak at the server: " + r.reconnectPeakPerSecond());

        // at 10 events/s about 10 fall due while no server publishes (a JVM start), times 10 subscribers
        assertTrue(r.lostInOutage() >= 10, "lostInOutage " + r.lostInOutage());
        CellResult.Delivery d = s.delivery();
        assertTrue(d.lost() >= r.lostInOutage(), "the outage's events are lost to everyone: lost " + d.lost()
                + ", lostInOutage " + r.lostInOutage());
        assertTrue(d.lost() - r.lostInOutage() <= 10, "beyond the outage, at most an event in flight per subscriber at the"
                + " stop: lost " + d.lost() + ", lostInOutage " + r.lostInOutage());
        assertEquals(0, d.duplicated(), "duplicated");
        assertEquals(0, r.duplicatedAcrossReconnect());

        CellResult.ProxyCosts relay = s.costs().relay();
        assertNotNull(relay, "costs.relay");
        assertNotNull(relay.cpuPercent(), "the relay's CPU over the window");
        assertNotNull(s.costs().proxy(), "the proxy's costs apart from the relay's");
        assertEquals(null, s.costs().server().cpuMicrosPerMessage(), "a restarted server's CPU spans two processes: left out");
    }
}
