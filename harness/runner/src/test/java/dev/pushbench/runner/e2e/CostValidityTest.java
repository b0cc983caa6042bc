package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Event;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.runner.cli.PushbenchCli;
import dev.pushbench.runner.run.ChildSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost ledger checked against what it must be: bytes on the wire per message against the
 * framing rules (chunked encoding, SSE fields, the WebSocket frame header, the HTTP/2 DATA frame
 * header), and heap per connection reproducible across two runs of the same cell. Real server and
 * load-generator JVMs, as a user runs them.
 */
class CostValidityTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> bytesPerMessageFollowTheFramingRules() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String payload : List.of("64B", "1KiB")) {
            Path runDir = run("bytes-" + payload.toLowerCase(), String.join("\n",
                    "name: bytes-" + payload.toLowerCase(),
                    "matrix: {stacks: [jetty], transports: [sse, websocket], protocols: [http1.1, h2c]}",
                    // one topic at 20/s: 50 ms between events, so each is written on its own (no batching)
                    "clients: {connections: 10, rampRate: 100/s}",
                    "feed: {topics: 1, rate: 20/s, payload: " + payload + "}",
                    "timing: {warmup: 1s, duration: 5s, drain: 1s}",
                    ""));
            int payloadBytes = payload.equals("64B") ? 64 : 1024;
            for (String cell : List.of("jetty-sse-http1.1", "jetty-sse-h2c", "jetty-websocket-http1.1", "jetty-websocket-h2c")) {
                Path cellDir = runDir.resolve("cells").resolve(cell);
                tests.add(DynamicTest.dynamicTest(cell + " " + payload, () -> checkBytes(cellDir, cell, payloadBytes)));
            }
        }
        return tests.stream();
    }

    static void checkBytes(Path cellDir, String cell, int payloadBytes) throws IOException {
        CellResult s = RunFiles.summary(cellDir);
        assertEquals(CellStatus.OK, s.status(), s::reason);
        ChildSpecs.LoadFile load = RunFiles.load(cellDir);
        long mid = (s.window().startNanos() + s.window().endNanos()) / 2;
        long seq = Math.round((mid - load.t0Nanos()) / 1e9 * load.ratePerSecond());
        // an event of the middle of the window: its digits are what the window's events carry
        Event e = Event.encode(0, seq, mid, mid, payloadBytes);
        int json = e.jsonLength();
        int sse = e.sseFrame().length;
        boolean h2 = cell.endsWith("h2c");
        double expected;
        if (cell.contains("-sse-")) {
            // HTTP/1.1: one chunk per write, "<hex size>\r\n" + frame + "\r\n"; HTTP/2: a 9-byte DATA frame header
            expected = h2 ? sse + 9 : sse + Integer.toHexString(sse).length() + 4;
        } else {
            // RFC 6455 server frame, unmasked: 2 header bytes up to 125 bytes of payload, 4 up to 65535
            int ws = json + (json <= 125 ? 2 : 4);
            expected = h2 ? ws + 9 : ws;
        }
        double measured = s.costs().wire().bytesDownPerMessage();
        assertTrue(Math.abs(measured - expected) <= 0.05 * expected,
                cell + ": " + measured + " bytes per message down, framing rules say " + expected + " (±5 %)");
    }

    /**
     * A validity check of a machine-dependent figure: three runs of one cell, and the median of their
     * heap per connection must be a plausible amount (1-100 KB) with at least one other run within
     * 10 % of it, so that one disturbed run is reported, not fatal, and agreement is never vacuous.
     * Three runs on the 2-core machine read 4680, 4686 and 4684 B.
     */
    @Test
    void heapPerConnectionIsReproducible() throws IOException {
        Path runDir = run("heap", String.join("\n",
                "name: heap",
                "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1]}",
                "clients: {connections: 1000, rampRate: 1000/s}",
                "feed: {topics: 100, rate: 1/s, payload: 64B}",
                "timing: {warmup: 1s, duration: 3s, drain: 1s, repeats: 3}",
                ""));
        long[] perRun = new long[3];
        StringBuilder points = new StringBuilder();
        for (int r = 1; r <= 3; r++) {
            Path cell = runDir.resolve("cells/jetty-sse-http1.1-r" + r);
            perRun[r - 1] = heapPerConnection(cell);
            points.append(" r").append(r).append(": ").append(points(cell));
        }
        long[] sorted = perRun.clone();
        Arrays.sort(sorted);
        long median = sorted[1];
        long agreeing = Arrays.stream(perRun).filter(v -> Math.abs(v - median) <= 0.1 * median).count();
        String runs = Arrays.toString(perRun) + " bytes; memory points (connections, server heap)" + points;
        assertTrue(median > 1_000 && median < 100_000, "a connection holds a plausible amount: " + runs);
        assertTrue(agreeing >= 2, "at least two of three runs within 10 % of their median " + median + ": " + runs);
    }

    /** The memory points of a cell as (connections, server heap used) pairs, for a failure message. */
    static String points(Path cellDir) {
        try {
            List<String> out = new ArrayList<>();
            for (CellResult.MemoryPoint p : RunFiles.summary(cellDir).memoryPoints()) {
                out.add("(" + p.sweep() + " " + p.connections() + ", " + p.server().heapUsedBytes() + ")");
            }
            return String.join(" ", out);
        } catch (IOException | RuntimeException e) {
            return "unreadable: " + e;
        }
    }

    static long heapPerConnection(Path cellDir) throws IOException {
        CellResult s = RunFiles.summary(cellDir);
        assertEquals(CellStatus.OK, s.status(), s::reason);
        // the topics' history is still filling (100 topics at 1/s, 1024 kept): each point says how much it
        // held, so that the slope leaves it out, and it grew as events were published between the points
        List<Long> published = new ArrayList<>();
        List<Long> history = new ArrayList<>();
        List<Long> up = new ArrayList<>();
        for (CellResult.MemoryPoint p : s.memoryPoints()) {
            if (p.whileRamping()) {
                up.add(p.connections());
                continue;
            }
            published.add(p.serverPublished());
            history.add(p.serverHistoryBytes());
        }
        assertEquals(List.of(0L, 250L, 500L, 750L, 1000L), up, "five memory points on the way up, all live at each");
        assertEquals(5, history.size(), "five memory points on the way down");
        for (int i = 1; i < history.size(); i++) {
            assertTrue(published.get(i) >= published.get(i - 1) && history.get(i) >= history.get(i - 1),
                    "history grows while points are read: published " + published + ", bytes " + history);
        }
        assertTrue(history.get(0) > 100 * published.get(0), "history bytes " + history + " for " + published + " events");
        CellResult.ProcessCosts server = s.costs().server();
        assertEquals(Math.max(server.heapBytesPerConnectionUp(), server.heapBytesPerConnectionDown()),
                server.heapBytesPerConnection(), "the larger of the two ways");
        return server.heapBytesPerConnection();
    }

    private Path run(String name, String yaml) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        Path results = dir.resolve("results-" + name);
        int exit = PushbenchCli.execute("run", "--results", results.toString(), file.toString());
        assertEquals(0, exit, "pushbench run " + name);
        try (Stream<Path> runs = Files.list(results)) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }
}
