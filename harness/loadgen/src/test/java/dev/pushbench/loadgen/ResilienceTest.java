package dev.pushbench.loadgen;

import static dev.pushbench.loadgen.NioFixtures.SSE_HEAD;
import static dev.pushbench.loadgen.NioFixtures.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.client.ClientEngine;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.IntegrityTracker.Delivery;
import dev.pushbench.loadgen.Reconnects.Cause;
import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code resilience} figures from real ends on real loopback sockets: a {@link ScriptedServer}
 * ends an SSE stream the protocol's way, cuts it mid-chunk, goes silent past the path's idle timeout,
 * refuses a reconnect, or resumes after or before the last event the subscriber saw; the nio engine
 * and its subscriber tell each end apart, count the reconnects, time the resumes and attribute the
 * lost and duplicated events. The second connection of each script stays open, so every count is exact.
 */
@Timeout(60)
class ResilienceTest {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration NO_PATH_TIMEOUT = Duration.ZERO;
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(200);
    /** How long the resumed stream waits after its preamble before its first event. */
    private static final long SERVER_WAIT_MILLIS = 300;

    @Test
    void theLastChunkIsAServerClose() throws Exception {
        try (Run run = new Run(Duration.ofSeconds(1), false, sse((f, exchange, n) -> {
            if (n == 1) {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2),
                        "0\r\n\r\n".getBytes(US_ASCII)));
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(0, 1, 0, 0);
            run.assertResilience(1, 1, 0, 0);
            run.assertOneResumeOf(RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
        }
    }

    @Test
    void aCutMidChunkIsTheProxysCloseThroughAProxy() throws Exception {
        try (Run run = new Run(NO_PATH_TIMEOUT, true, sse(ResilienceTest::cutMidChunkThenResume))) {
            run.awaitHighest(8);
            run.assertCuts(0, 0, 1, 0);
            run.assertResilience(1, 1, 0, 0);
        }
    }

    @Test
    void aCutMidChunkIsAnErrorWithoutAProxy() throws Exception {
        try (Run run = new Run(NO_PATH_TIMEOUT, false, sse(ResilienceTest::cutMidChunkThenResume))) {
            run.awaitHighest(8);
            run.assertCuts(0, 0, 0, 1);
            run.assertResilience(1, 1, 0, 0);
        }
    }

    @Test
    void aCloseDelimitedBodyIsTheServersWithoutAProxyAndTheProxysThroughOne() throws Exception {
        for (boolean proxied : new boolean[] {false, true}) {
            try (Run run = new Run(NO_PATH_TIMEOUT, proxied, sse((f, exchange, n) -> {
                if (n == 1) {
                    // an HTTP/1.0-style answer: neither a length nor chunked, ended by the close
                    exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 200\nid: 0\n\n");
                    for (long seq = 1; seq <= 5; seq++) {
                        exchange.write(f.event(seq).sseFrame());
                    }
                    exchange.socket.shutdownOutput();
                    exchange.readToEnd();
                } else {
                    resumeAt(f, exchange, 5, 6, 8);
                }
            }))) {
                run.awaitHighest(8);
                if (proxied) {
                    run.assertCuts(0, 0, 1, 0);
                } else {
                    run.assertCuts(0, 1, 0, 0);
                }
            }
        }
    }

    /**
     * Silent past the path's 1 s idle timeout, then closed without the last chunk, as a proxy's idle
     * timeout closes: the silence explains the end, which would otherwise be the proxy's.
     */
    @Test
    void silencePastThePathsIdleTimeoutIsAnIdleTimeout() throws Exception {
        try (Run run = new Run(Duration.ofSeconds(1), true, sse((f, exchange, n) -> {
            if (n == 1) {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2)));
                TimeUnit.MILLISECONDS.sleep(1200);
                // returning closes the socket
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(1, 0, 0, 0);
            run.assertResilience(1, 1, 0, 0);
        }
    }

    /**
     * Silent past the path's idle timeout, then ended politely with the last chunk (a proxy that ends the
     * response it times out): the silence runs up to the read that brought the end, so it is still the idle timeout.
     */
    @Test
    void silenceEndedByTheLastChunkIsStillAnIdleTimeout() throws Exception {
        try (Run run = new Run(Duration.ofSeconds(1), true, sse((f, exchange, n) -> {
            if (n == 1) {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2)));
                TimeUnit.MILLISECONDS.sleep(1200);
                exchange.write("0\r\n\r\n");
                exchange.readToEnd();
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(1, 0, 0, 0);
        }
    }

    /** Silent for less than the idle timeout less its tolerance (2 s less 300 ms), then closed: the proxy's close. */
    @Test
    void aShorterSilenceIsNotAnIdleTimeout() throws Exception {
        try (Run run = new Run(Duration.ofSeconds(2), true, sse((f, exchange, n) -> {
            if (n == 1) {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2)));
                TimeUnit.MILLISECONDS.sleep(300);
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(0, 0, 1, 0);
        }
    }

    /** The resume's server starts after seq 8 though the subscriber saw up to 5: 6, 7 and 8 are lost across it. */
    @Test
    void aResumeAfterTheLastEventSeenLosesTheEventsBetween() throws Exception {
        try (Run run = new Run(NO_PATH_TIMEOUT, false, sse((f, exchange, n) -> {
            if (n == 1) {
                endedAfter(f, exchange, 5);
            } else {
                resumeAt(f, exchange, 8, 9, 12);
            }
        }))) {
            run.awaitHighest(12);
            Delivery d = run.delivery();
            assertEquals(3, d.lost(), () -> "lost: " + d);
            assertEquals(3, d.lostAcrossReconnect(), () -> "lost across the reconnect: " + d);
            assertEquals(0, d.duplicated());
            run.assertResilience(1, 1, 3, 0);
            run.assertOneResumeOf(RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
        }
    }

    /** The resume's server starts after seq 2 though the subscriber saw up to 5: 3, 4 and 5 come twice. */
    @Test
    void aResumeBeforeTheLastEventSeenDuplicatesTheEventsBetween() throws Exception {
        try (Run run = new Run(NO_PATH_TIMEOUT, false, sse((f, exchange, n) -> {
            if (n == 1) {
                endedAfter(f, exchange, 5);
            } else {
                resumeAt(f, exchange, 2, 3, 10);
            }
        }))) {
            run.awaitHighest(10); // in order: the duplicates 3, 4 and 5 were read before 10
            Delivery d = run.delivery();
            assertEquals(3, d.duplicated(), () -> "duplicated: " + d);
            assertEquals(3, d.duplicatedAcrossReconnect(), () -> "duplicated across the reconnect: " + d);
            assertEquals(0, d.lost());
            run.assertResilience(1, 1, 0, 3);
        }
    }

    /**
     * A reconnect refused (503) before it is live is an error cut and a reconnect; the resume is timed
     * from the first end, over both reconnect delays, and counted once.
     */
    @Test
    void aFailedReconnectIsAnErrorAndTheResumeCountsFromTheFirstEnd() throws Exception {
        try (Run run = new Run(NO_PATH_TIMEOUT, false, sse((f, exchange, n) -> {
            if (n == 1) {
                endedAfter(f, exchange, 5);
            } else if (n == 2) {
                exchange.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                exchange.readToEnd();
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(0, 1, 0, 1);
            run.assertResilience(1, 2, 0, 0);
            run.assertOneResumeOf(2 * RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
        }
    }

    /** A close frame from the server is its close, whatever the status; a cut inside a frame is an error. */
    @Test
    void aWebSocketCloseFrameIsAServerCloseAndACutMidFrameAnError() throws Exception {
        for (ClientEngineKind engine : ClientEngineKind.values()) {
            for (boolean closeFrame : new boolean[] {true, false}) {
                try (Run run = new Run(engine, Transport.WEBSOCKET, NO_PATH_TIMEOUT, false, (f, exchange, n) -> {
                    String head = exchange.readRequestHead();
                    String upgrade = NioFixtures.upgradeAnswer(exchange, head);
                    if (n == 1) {
                        byte[] next = f.wsFrames(6, 6);
                        exchange.write(cat(upgrade.getBytes(US_ASCII), NioFixtures.cursorFrame(0), f.wsFrames(1, 5),
                                closeFrame ? NioFixtures.frame(0x88, new byte[] {0x03, (byte) 0xE9}) : java.util.Arrays.copyOf(next, 10)));
                        if (closeFrame) {
                            exchange.readToEnd();
                        }
                    } else {
                        exchange.write(cat(upgrade.getBytes(US_ASCII), NioFixtures.cursorFrame(5)));
                        TimeUnit.MILLISECONDS.sleep(SERVER_WAIT_MILLIS);
                        exchange.write(f.wsFrames(6, 8));
                        exchange.readToEnd();
                    }
                })) {
                    run.awaitHighest(8);
                    if (closeFrame) {
                        run.assertCuts(0, 1, 0, 0);
                    } else {
                        run.assertCuts(0, 0, 0, 1);
                    }
                    run.assertResilience(1, 1, 0, 0);
                    run.assertOneResumeOf(RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
                }
            }
        }
    }

    /** A poll connection cut inside an answer, through a proxy: the proxy's close; the next poll resumes from the cursor. */
    @Test
    void aPollConnectionCutInsideAnAnswerIsAStreamEnd() throws Exception {
        try (Run run = new Run(ClientEngineKind.NIO, Transport.LONG_POLLING, NO_PATH_TIMEOUT, true, (f, exchange, n) -> {
            if (n == 1) {
                exchange.readRequestHead();
                exchange.write(NioFixtures.jsonResponse(f.pollAnswer(0, 1, 0)));
                exchange.readRequestHead();
                exchange.write(NioFixtures.jsonResponse(f.pollAnswer(3, 1, 3)));
                exchange.readRequestHead();
                exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"topic");
            } else {
                String head = exchange.readRequestHead();
                if (!head.startsWith("GET /long-poll/t0?since=3 ")) {
                    throw new AssertionError("the resumed poll asks since the last event: " + head);
                }
                TimeUnit.MILLISECONDS.sleep(SERVER_WAIT_MILLIS);
                exchange.write(NioFixtures.jsonResponse(f.pollAnswer(5, 4, 5)));
                exchange.readToEnd();
            }
        })) {
            run.awaitHighest(5);
            run.assertCuts(0, 0, 1, 0);
            run.assertResilience(1, 1, 0, 0);
            run.assertOneResumeOf(RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
        }
    }

    /** Jetty's client: the last chunk, a cut mid-chunk and a close-delimited body, told apart as on the nio engine. */
    @Test
    void theJettyEngineTellsTheSameSseEndsApart() throws Exception {
        try (Run run = new Run(ClientEngineKind.JETTY, Transport.SSE, NO_PATH_TIMEOUT, false, sse((f, exchange, n) -> {
            exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2),
                    "0\r\n\r\n".getBytes(US_ASCII)));
            exchange.readRequestHead(); // Jetty resumes on the same keep-alive connection
            resumeAt(f, exchange, 5, 6, 8);
        }))) {
            run.awaitHighest(8);
            run.assertCuts(0, 1, 0, 0);
            run.assertResilience(1, 1, 0, 0);
            run.assertOneResumeOf(RECONNECT_DELAY.toMillis() + SERVER_WAIT_MILLIS);
        }
        for (boolean proxied : new boolean[] {false, true}) {
            try (Run run = new Run(ClientEngineKind.JETTY, Transport.SSE, NO_PATH_TIMEOUT, proxied,
                    sse(ResilienceTest::cutMidChunkThenResume))) {
                run.awaitHighest(8);
                if (proxied) {
                    run.assertCuts(0, 0, 1, 0);
                } else {
                    run.assertCuts(0, 0, 0, 1);
                }
                run.assertResilience(1, 1, 0, 0);
            }
        }
        try (Run run = new Run(ClientEngineKind.JETTY, Transport.SSE, NO_PATH_TIMEOUT, true, sse((f, exchange, n) -> {
            if (n == 1) {
                exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 200\nid: 0\n\n");
                for (long seq = 1; seq <= 5; seq++) {
                    exchange.write(f.event(seq).sseFrame());
                }
                exchange.socket.shutdownOutput();
                exchange.readToEnd();
            } else {
                resumeAt(f, exchange, 5, 6, 8);
            }
        }))) {
            run.awaitHighest(8);
            run.assertCuts(0, 0, 1, 0);
        }
    }

    @Test
    void theIdleRuleAllowsTwoPercentOrThreeHundredMillisecondsAndNoMoreThanHalf() {
        long second = TimeUnit.SECONDS.toNanos(1);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(300), Reconnects.toleranceNanos(second));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1200), Reconnects.toleranceNanos(60 * second));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), Reconnects.toleranceNanos(TimeUnit.MILLISECONDS.toNanos(200)));
        Reconnects path = new Reconnects(Duration.ofSeconds(60), true);
        assertEquals(Cause.IDLE_TIMEOUT, path.classify(dev.pushbench.client.StreamEnd.CLEAN_END, 58_800_000_000L));
        assertEquals(Cause.SERVER_CLOSE, path.classify(dev.pushbench.client.StreamEnd.CLEAN_END, 58_799_999_999L));
        assertEquals(Cause.PROXY_CLOSE, path.classify(dev.pushbench.client.StreamEnd.RESET, 0));
        assertEquals(Cause.ERROR, path.classify(dev.pushbench.client.StreamEnd.PROTOCOL_ERROR, 0));
        Reconnects direct = new Reconnects(Duration.ZERO, false);
        assertEquals(Cause.ERROR, direct.classify(dev.pushbench.client.StreamEnd.ABRUPT_EOF, Long.MAX_VALUE));
        assertEquals(Cause.SERVER_CLOSE, direct.classify(dev.pushbench.client.StreamEnd.CLOSE_DELIMITED, 0));
        assertEquals(Cause.ERROR, direct.classify(dev.pushbench.client.StreamEnd.TIMEOUT, 0));
    }

    // ---- scripts

    private static void cutMidChunkThenResume(NioFixtures f, ScriptedServer.Exchange exchange, long n) throws Exception {
        if (n == 1) {
            byte[] next = f.event(6).sseFrame();
            exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, 5, 2),
                    (Integer.toHexString(next.length) + "\r\n").getBytes(US_ASCII), java.util.Arrays.copyOf(next, 10)));
            // returning closes the socket: an EOF inside the chunk
        } else {
            resumeAt(f, exchange, 5, 6, 8);
        }
    }

    /** Events 1 to {@code last}, then the last chunk: the server ends the stream. */
    private static void endedAfter(NioFixtures f, ScriptedServer.Exchange exchange, long last) throws Exception {
        exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(0), f.sseChunks(1, last, 2),
                "0\r\n\r\n".getBytes(US_ASCII)));
        exchange.readToEnd();
    }

    /** The resumed stream: starts after {@code cursor}, waits, then sends {@code first..last} and stays open. */
    private static void resumeAt(NioFixtures f, ScriptedServer.Exchange exchange, long cursor, long first, long last)
            throws Exception {
        exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(cursor)));
        TimeUnit.MILLISECONDS.sleep(SERVER_WAIT_MILLIS);
        exchange.write(f.sseChunks(first, last, 1));
        exchange.readToEnd();
    }

    /** The SSE preamble: {@code retry:} the reconnect delay the assertions expect, and where the stream starts. */
    private static byte[] preamble(long cursor) {
        return NioFixtures.chunk(("retry: " + RECONNECT_DELAY.toMillis() + "\nid: " + cursor + "\n\n").getBytes(US_ASCII));
    }

    /** An SSE script: the request head read first. */
    private static Script sse(Script script) {
        return (f, exchange, n) -> {
            exchange.readRequestHead();
            script.serve(f, exchange, n);
        };
    }

    @FunctionalInterface
    private interface Script {
        /** Serves the subscriber's {@code n}th connection (from 1). */
        void serve(NioFixtures f, ScriptedServer.Exchange exchange, long n) throws Exception;
    }

    /** One subscriber against a scripted server, its connections numbered, on either engine. */
    private static final class Run implements AutoCloseable {
        final ScriptedServer server;
        /** The schedule and the server's bytes; its nio engine's context unless the Jetty engine runs. */
        final NioFixtures fixtures;
        final LoadContext context;
        final Subscriber subscriber;
        private final ClientEngine jetty;
        private final ScheduledExecutorService jettyTimer;
        private Delivery delivery;

        Run(Duration pathIdleTimeout, boolean proxied, Script script) throws Exception {
            this(ClientEngineKind.NIO, Transport.SSE, pathIdleTimeout, proxied, script);
        }

        Run(ClientEngineKind engine, Transport transport, Duration pathIdleTimeout, boolean proxied, Script script) throws Exception {
            AtomicLong connections = new AtomicLong();
            NioFixtures[] f = new NioFixtures[1];
            server = new ScriptedServer(exchange -> script.serve(f[0], exchange, connections.incrementAndGet()));
            fixtures = new NioFixtures(server.port(), transport, IDLE, RECONNECT_DELAY, Duration.ofSeconds(1),
                    Duration.ofSeconds(1), pathIdleTimeout, proxied);
            f[0] = fixtures;
            if (engine == ClientEngineKind.NIO) {
                jetty = null;
                jettyTimer = null;
                context = fixtures.context;
                subscriber = fixtures.subscriber();
            } else {
                LoadSpec nio = fixtures.context.spec;
                LoadSpec spec = new LoadSpec(nio.host(), nio.port(), nio.protocol(), transport, 1, 1, 0, nio.schedule(),
                        nio.warmup(), nio.duration(), nio.drain(), nio.shortPollInterval(), nio.longPollHold(), nio.heartbeat(),
                        nio.reconnectDelay(), nio.hlogFile(), null, ClientEngineKind.JETTY, List.of(), pathIdleTimeout, proxied,
                        nio.reconnect(), nio.deadAfter());
                jetty = ClientEngineKind.JETTY.open(spec);
                jettyTimer = Executors.newSingleThreadScheduledExecutor();
                context = new LoadContext("jetty-test-", spec, jetty, new Recorders(), fixtures.context.window, jettyTimer);
                context.reconnectLedger.counting = true;
                subscriber = transport == Transport.SSE ? new SseSubscriber(context, 0)
                        : transport == Transport.WEBSOCKET ? new WebSocketSubscriber(context, 0) : new PollingSubscriber(context, 0);
            }
            subscriber.start(System.nanoTime());
        }

        /** The subscriber's delivery, counted once (as at the drain's end). */
        Delivery delivery() {
            if (delivery == null) {
                delivery = subscriber.integrity.finish();
            }
            return delivery;
        }

        void awaitHighest(long seq) throws InterruptedException {
            await(() -> subscriber.integrity.resumeCursor() == seq, "events up to " + seq + " read");
        }

        void assertCuts(long idleTimeout, long serverClose, long proxyClose, long error) {
            Reconnects r = context.reconnectLedger;
            assertEquals(List.of(idleTimeout, serverClose, proxyClose, error),
                    List.of(r.cuts(Cause.IDLE_TIMEOUT), r.cuts(Cause.SERVER_CLOSE), r.cuts(Cause.PROXY_CLOSE), r.cuts(Cause.ERROR)),
                    () -> "cuts by cause (idle, server, proxy, error); last error " + context.lastError);
        }

        void assertResilience(long disconnects, long reconnects, long lost, long duplicated) {
            Delivery d = delivery();
            CellResult.Resilience r = context.reconnectLedger.result(null, d.lostAcrossReconnect(),
                    d.duplicatedAcrossReconnect());
            assertEquals(disconnects, r.disconnects(), "disconnects");
            assertEquals(reconnects, r.reconnects(), "reconnects");
            assertEquals(lost, r.lostAcrossReconnect(), "lost across reconnects");
            assertEquals(duplicated, r.duplicatedAcrossReconnect(), "duplicated across reconnects");
            assertEquals(disconnects, context.disconnects.sum(), "the connections' figure is the same");
        }

        /** One resume, no shorter than what the scripts make it wait and not much longer. */
        void assertOneResumeOf(long atLeastMillis) {
            Histogram resume = context.recorders.collectInterval().get(Metric.RESUME);
            HistogramSummary summary = HistogramSummary.ofNanos(resume);
            assertEquals(1, resume.getTotalCount(), "one resume timed");
            long micros = resume.getMaxValue() / 1000;
            assertTrue(micros >= atLeastMillis * 1000 * 0.999 && micros < (atLeastMillis + 1000) * 1000,
                    () -> "the resume took " + micros + " us, expected " + atLeastMillis + " ms and at most 1 s more: " + summary);
        }

        @Override
        public void close() throws Exception {
            context.stopping = true;
            subscriber.stop();
            if (jetty != null) {
                jetty.close();
                jettyTimer.shutdownNow();
            }
            fixtures.close();
            server.close();
            assertEquals(List.of(), server.scriptFailures.stream().filter(t -> !(t instanceof java.io.IOException)).toList(),
                    "the server's scripts ran");
        }
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
