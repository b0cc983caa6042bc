package dev.pushbench.loadgen;

import static dev.pushbench.loadgen.NioFixtures.SSE_HEAD;
import static dev.pushbench.loadgen.NioFixtures.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.IntegrityTracker.Delivery;
import dev.pushbench.loadgen.Reconnects.Cause;
import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subscribers recovering as real clients do, against a {@link ScriptedServer} on loopback, on the nio
 * engine: WebSocket's backoff growing, capped and starting again once live; SSE waiting its stream's
 * {@code retry:} without growing it; a stream that goes silent found dead after {@code deadAfter} and
 * resumed without loss; a fault on a subscriber's connection timed from the fault (detection, resume,
 * staleness, replayed events), and which subscribers a fault hits. The server notes when each connection
 * came and went ({@link #mark}); the assertions hold those times against the settings, with lower bounds
 * that cannot be met early and upper bounds generous for a shared machine.
 */
@Timeout(60)
class RecoveryTest {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration NEVER = Duration.ofHours(1);
    private static final long MS = 1_000_000L;

    private final Map<String, Long> marks = new ConcurrentHashMap<>();

    private void mark(String what) {
        marks.put(what, System.nanoTime());
    }

    private long millisBetween(String from, String to) {
        return (marks.get(to) - marks.get(from)) / MS;
    }

    @Test
    void webSocketBacksOffDoublingUpToTheCapAndStartsAgainOnceLive() throws Exception {
        ReconnectPolicy policy = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(400), 0);
        AtomicLong n = new AtomicLong();
        NioFixtures[] f = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            long i = n.incrementAndGet();
            mark("accept" + i);
            String head = exchange.readRequestHead();
            if (i >= 2 && i <= 4) {
                exchange.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                exchange.readToEnd();
                return;
            }
            String upgrade = NioFixtures.upgradeAnswer(exchange, head);
            long cursor = i == 1 ? 0 : i == 5 ? 2 : 4;
            exchange.write(cat(upgrade.getBytes(US_ASCII), NioFixtures.cursorFrame(cursor), f[0].wsFrames(cursor + 1, cursor + 2)));
            if (i < 6) {
                mark("end" + i); // returning closes the socket without a close frame
            } else {
                exchange.readToEnd();
            }
        });
             NioFixtures fixtures = new NioFixtures(server.port(), Transport.WEBSOCKET, IDLE, NEVER, Duration.ofSeconds(1),
                     Duration.ofSeconds(1), Duration.ZERO, false, policy, null)) {
            f[0] = fixtures;
            Subscriber subscriber = fixtures.subscriber();
            subscriber.start(System.nanoTime());
            await(() -> subscriber.integrity.resumeCursor() == 6, "events up to 6 read");
            assertBetween(100, 350, millisBetween("end1", "accept2"), "attempt 1: initial");
            assertBetween(200, 450, millisBetween("accept2", "accept3"), "attempt 2: doubled");
            assertBetween(400, 650, millisBetween("accept3", "accept4"), "attempt 3: doubled again");
            assertBetween(400, 650, millisBetween("accept4", "accept5"), "attempt 4: capped at max");
            assertBetween(100, 350, millisBetween("end5", "accept6"), "live in between: attempt 1 again");
            assertEquals(0, subscriber.integrity.finish().lost());
            server.close();
        }
    }

    @Test
    void sseWaitsTheStreamsRetryAndNeverGrowsIt() throws Exception {
        AtomicLong n = new AtomicLong();
        NioFixtures[] f = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            long i = n.incrementAndGet();
            mark("accept" + i);
            String head = exchange.readRequestHead();
            if (i == 1) {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(300, 0), f[0].sseChunks(1, 3, 1),
                        "0\r\n\r\n".getBytes(US_ASCII)));
                mark("end1");
                exchange.readToEnd();
            } else if (i == 2) {
                exchange.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                exchange.readToEnd();
            } else {
                assertEquals("3", exchange.header(head, "Last-Event-ID"), "resumed from the last event seen");
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(300, 3), f[0].sseChunks(4, 6, 1)));
                exchange.readToEnd();
            }
        });
             // the spec's delay is only the fallback: 5 s would show if the stream's retry: were ignored
             NioFixtures fixtures = new NioFixtures(server.port(), Transport.SSE, IDLE, Duration.ofSeconds(5))) {
            f[0] = fixtures;
            Subscriber subscriber = fixtures.subscriber();
            subscriber.start(System.nanoTime());
            await(() -> subscriber.integrity.resumeCursor() == 6, "events up to 6 read");
            assertBetween(300, 800, millisBetween("end1", "accept2"), "the stream's retry: 300");
            assertBetween(300, 590, millisBetween("accept2", "accept3"), "retry: 300 again after a failed attempt, not doubled");
            assertEquals(List.of(), server.scriptFailures.stream().filter(t -> !(t instanceof java.io.IOException)).toList());
            server.close();
        }
    }

    @Test
    void aSilentStreamIsFoundDeadAfterDeadAfterAndResumedWithoutLoss() throws Exception {
        for (Transport transport : List.of(Transport.SSE, Transport.WEBSOCKET)) {
            marks.clear();
            AtomicLong n = new AtomicLong();
            NioFixtures[] f = new NioFixtures[1];
            try (ScriptedServer server = new ScriptedServer(exchange -> {
                long i = n.incrementAndGet();
                String head = exchange.readRequestHead();
                long cursor = i == 1 ? 0 : 5;
                if (i > 1) {
                    mark("resumed:" + head.split("\r\n")[0] + " " + exchange.header(head, "Last-Event-ID"));
                }
                if (transport == Transport.SSE) {
                    exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(100, cursor),
                            f[0].sseChunks(cursor + 1, cursor + (i == 1 ? 5 : 3), 1)));
                } else {
                    exchange.write(cat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII),
                            NioFixtures.cursorFrame(cursor), f[0].wsFrames(cursor + 1, cursor + (i == 1 ? 5 : 3))));
                }
                if (i == 1) {
                    mark("lastWrite");
                    exchange.readToEnd(); // silent, the socket open, until the client gives it up
                    mark("clientClosed");
                } else {
                    exchange.readToEnd();
                }
            });
                 NioFixtures fixtures = new NioFixtures(server.port(), transport, IDLE, Duration.ofMillis(100),
                         Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, false,
                         ReconnectPolicy.fixed(Duration.ofMillis(100)), Duration.ofMillis(600))) {
                f[0] = fixtures;
                Subscriber subscriber = fixtures.subscriber();
                subscriber.start(System.nanoTime());
                await(() -> subscriber.integrity.resumeCursor() == 8, transport + ": events up to 8 read");
                assertBetween(600, 1600, millisBetween("lastWrite", "clientClosed"), transport + ": silent for deadAfter (600 ms)");
                String resumed = marks.keySet().stream().filter(k -> k.startsWith("resumed:")).findFirst().orElseThrow();
                assertTrue(transport == Transport.SSE ? resumed.endsWith(" 5") : resumed.contains("?since=5 "),
                        transport + ": resumed from the last event seen: " + resumed);
                Delivery d = subscriber.integrity.finish();
                assertEquals(0, d.lost(), transport + ": " + d);
                assertEquals(0, d.duplicated(), transport + ": " + d);
                assertEquals(1, fixtures.context.reconnectLedger.cuts(Cause.ERROR), transport + ": the client's own timeout is an error cut");
                assertEquals(1, fixtures.context.disconnects.sum());
                server.close();
            }
        }
    }

    /**
     * A poll the server takes and never answers: given up after deadAfter (short polling: the answer has not
     * begun) or after the hold and deadAfter (long polling), then polled again from the cursor on a new
     * connection, nothing lost.
     */
    @Test
    void aPollNeverAnsweredIsGivenUpAfterDeadAfterAndTheHold() throws Exception {
        for (Transport transport : List.of(Transport.SHORT_POLLING, Transport.LONG_POLLING)) {
            marks.clear();
            AtomicLong n = new AtomicLong();
            NioFixtures[] f = new NioFixtures[1];
            try (ScriptedServer server = new ScriptedServer(exchange -> {
                long i = n.incrementAndGet();
                String head = exchange.readRequestHead();
                if (i == 1) {
                    exchange.write(NioFixtures.jsonResponse(f[0].pollAnswer(3, 1, 3)));
                    exchange.readRequestHead();
                    mark("unanswered");
                    exchange.readToEnd();
                    mark("clientClosed");
                } else {
                    mark("resumed:" + head.split("\r\n")[0]);
                    exchange.write(NioFixtures.jsonResponse(f[0].pollAnswer(5, 4, 5)));
                    exchange.readToEnd();
                }
            });
                 NioFixtures fixtures = new NioFixtures(server.port(), transport, IDLE, Duration.ofMillis(100),
                         Duration.ofMillis(100), Duration.ofMillis(200), Duration.ZERO, false,
                         ReconnectPolicy.fixed(Duration.ofMillis(100)), Duration.ofMillis(600))) {
                f[0] = fixtures;
                Subscriber subscriber = fixtures.subscriber();
                subscriber.start(System.nanoTime());
                await(() -> subscriber.integrity.resumeCursor() == 5, transport + ": events up to 5 read");
                long expected = transport == Transport.SHORT_POLLING ? 600 : 200 + 600;
                assertBetween(expected - 10, expected + 1000, millisBetween("unanswered", "clientClosed"),
                        transport + ": the poll given up");
                String resumed = marks.keySet().stream().filter(k -> k.startsWith("resumed:")).findFirst().orElseThrow();
                assertTrue(resumed.contains("?since=3 "), transport + ": polled again from the cursor: " + resumed);
                assertEquals(0, subscriber.integrity.finish().lost(), transport.id());
                assertEquals(1, fixtures.context.reconnectLedger.cuts(Cause.ERROR), transport + ": the client's own timeout");
                server.close();
            }
        }
    }

    /**
     * A blackhole on the subscriber's port: the server goes silent at the fault, the subscriber finds the
     * stream dead after deadAfter, reconnects after retry: 200 and the server replays from history, waiting
     * 300 ms before it does: detection, resume and staleness count from the fault, the replayed events due
     * before the resumed stream went live are late across the reconnect, and nothing is lost.
     */
    @Test
    void aFaultOnTheSubscribersPortIsTimedFromTheFault() throws Exception {
        AtomicLong n = new AtomicLong();
        AtomicLong clientPort = new AtomicLong();
        AtomicLong lastReplayed = new AtomicLong();
        NioFixtures[] f = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            long i = n.incrementAndGet();
            exchange.readRequestHead();
            if (i == 1) {
                clientPort.set(exchange.socket.getPort());
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(200, 0), f[0].sseChunks(1, 5, 1)));
                exchange.readToEnd(); // silent from now on: the blackhole
            } else {
                exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(200, 5)));
                TimeUnit.MILLISECONDS.sleep(300);
                long last = f[0].schedule.firstSeqAtOrAfter(0, System.nanoTime()) - 1;
                lastReplayed.set(last);
                exchange.write(f[0].sseChunks(6, last, 50));
                exchange.readToEnd();
            }
        });
             NioFixtures fixtures = new NioFixtures(server.port(), Transport.SSE, IDLE, Duration.ofSeconds(5),
                     Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, false, ReconnectPolicy.DEFAULT,
                     Duration.ofMillis(600))) {
            f[0] = fixtures;
            Subscriber subscriber = fixtures.subscriber();
            subscriber.start(System.nanoTime());
            await(() -> subscriber.integrity.resumeCursor() == 5, "events up to 5 read");
            long atNanos = System.nanoTime(); // the stream's last bytes were read just before
            ControlMessage.Faulted fault = new ControlMessage.Faulted("blackhole", atNanos, List.of((int) clientPort.get()));
            assertEquals(1, LoadGenerator.hit(fixtures.context, new Subscriber[] {subscriber}, fault), "the subscriber on that port is hit");
            await(() -> lastReplayed.get() > 0 && subscriber.integrity.resumeCursor() == lastReplayed.get(), "the replay read");

            Map<Metric, Histogram> recorded = fixtures.context.recorders.collectInterval();
            Histogram detect = recorded.get(Metric.DETECT);
            Histogram resume = recorded.get(Metric.RESUME);
            assertEquals(1, detect.getTotalCount(), "one detection");
            assertBetween(550, 1600, detect.getMaxValue() / MS, "detected by the dead-connection timer (600 ms after the last read), timed from the fault");
            assertEquals(1, resume.getTotalCount(), "one resume");
            long atLeast = detect.getMinValue() / MS + 200 + 300;
            assertBetween(atLeast, atLeast + 1500, resume.getMaxValue() / MS, "the resume counts from the fault: detection, retry, the server's wait");
            Delivery d = subscriber.integrity.finish();
            assertEquals(0, d.lost(), d::toString);
            CellResult.Resilience r = fixtures.context.reconnectLedger.result(null, d.lostAcrossReconnect(),
                    d.duplicatedAcrossReconnect(), HistogramSummary.ofNanos(detect));
            assertEquals(1L, r.faultedConnections());
            assertEquals(1L, r.timeToDetectMicros().count());
            assertTrue(r.staleSeconds() >= atLeast / 1000.0 && r.staleSeconds() < atLeast / 1000.0 + 1.5,
                    "stale from the fault to the first event due after it: " + r.staleSeconds() + " s, at least " + atLeast + " ms");
            long dueBeforeTheFault = fixtures.schedule.firstSeqAtOrAfter(0, atNanos) - 1 - 5;
            long replayed = lastReplayed.get() - 5;
            assertTrue(r.lateAcrossReconnect() >= dueBeforeTheFault && r.lateAcrossReconnect() < replayed,
                    "late across the reconnect: " + r.lateAcrossReconnect() + ", at least the " + dueBeforeTheFault
                            + " due before the fault, fewer than the " + replayed + " replayed");
            server.close();
        }
    }

    /**
     * Which subscribers a fault hits: those live at its time, on a named port or on any when none is named,
     * each connection once; a reset seen before the runner's word still counts, timed from the fault.
     */
    @Test
    void aFaultHitsTheNamedPortsOrEveryLiveSubscriberOnce() throws Exception {
        Map<Integer, ScriptedServer.Exchange> byPort = new ConcurrentHashMap<>();
        CountDownLatch reset = new CountDownLatch(1);
        AtomicLong resetNanos = new AtomicLong();
        NioFixtures[] f = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.readRequestHead();
            exchange.write(cat(SSE_HEAD.getBytes(US_ASCII), preamble(60_000, 0), f[0].sseChunks(1, 3, 1)));
            byPort.put(exchange.socket.getPort(), exchange);
            exchange.readToEnd();
        });
             NioFixtures fixtures = new NioFixtures(server.port(), Transport.SSE, IDLE, NEVER)) {
            f[0] = fixtures;
            Subscriber[] subscribers = {new NioSseSubscriber(fixtures.context, 0), new NioSseSubscriber(fixtures.context, 1)};
            long beforeLive = System.nanoTime();
            for (Subscriber s : subscribers) {
                s.start(System.nanoTime());
            }
            await(() -> byPort.size() == 2 && fixtures.context.live.sum() == 2, "both live");
            LoadContext c = fixtures.context;
            assertEquals(0, LoadGenerator.hit(c, subscribers, new ControlMessage.Faulted("cut", beforeLive, null)),
                    "a fault before they were live hits none");
            assertEquals(0, LoadGenerator.hit(c, subscribers, new ControlMessage.Faulted("cut", System.nanoTime(), List.of(1))),
                    "a port no subscriber has hits none");
            int first = byPort.keySet().iterator().next();
            // the server resets that connection first: the subscriber sees the end before it hears of the fault
            long atNanos = System.nanoTime();
            ScriptedServer.Exchange victim = byPort.get(first);
            victim.socket.setSoLinger(true, 0);
            victim.socket.close();
            await(() -> c.disconnects.sum() == 1, "the reset seen");
            TimeUnit.MILLISECONDS.sleep(50);
            assertEquals(1, LoadGenerator.hit(c, subscribers, new ControlMessage.Faulted("cut", atNanos, List.of(first))),
                    "the named port's subscriber, its end seen already");
            Histogram detect = c.recorders.collectInterval().get(Metric.DETECT);
            assertEquals(1, detect.getTotalCount());
            assertBetween(0, 40, detect.getMaxValue() / MS, "detected when the reset was seen, not when the word came");
            assertEquals(1, LoadGenerator.hit(c, subscribers, new ControlMessage.Faulted("restart", System.nanoTime(), null)),
                    "no port named: every live subscriber not hit already (the other one)");
            assertEquals(0, LoadGenerator.hit(c, subscribers, new ControlMessage.Faulted("restart", System.nanoTime(), null)),
                    "each connection once");
            assertEquals(2L, c.reconnectLedger.result(null, 0, 0, null).faultedConnections());
            for (Subscriber s : subscribers) {
                s.stop();
            }
            server.close();
        }
    }

    private static void assertBetween(long atLeast, long below, long actual, String what) {
        assertTrue(actual >= atLeast && actual < below, what + ": " + actual + " ms, expected at least " + atLeast + " and below " + below);
    }

    private static byte[] preamble(long retryMillis, long cursor) {
        return NioFixtures.chunk(("retry: " + retryMillis + "\nid: " + cursor + "\n\n").getBytes(US_ASCII));
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
