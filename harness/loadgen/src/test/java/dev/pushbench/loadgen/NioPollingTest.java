package dev.pushbench.loadgen;

import static dev.pushbench.loadgen.NioFixtures.await;
import static dev.pushbench.loadgen.NioFixtures.jsonResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.Recorders.Metric;
import java.io.EOFException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Polling on the nio engine ({@link NioPollingSubscriber}) against a {@link ScriptedServer} that
 * answers as the pushbench server does, its answers cut across reads: every event delivered once on
 * one keep-alive connection, the requests the Jetty engine sends, every byte counted, short polls
 * on their plan, and broken answers counted as protocol errors and resumed from the last event.
 */
@Timeout(60)
class NioPollingTest {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Pattern SINCE = Pattern.compile("\\?since=(\\d+) ");

    /** The cursor a request head asks after, or -1 for none. */
    private static long since(String head) {
        Matcher m = SINCE.matcher(head);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Answers polls on one connection until the client closes: up to 7 events each; once all were sent,
     * {@code holdAtEnd} holds the next poll unanswered (as a long poll with nothing new), else answers it empty.
     */
    private static ScriptedServer.Script answering(NioFixtures[] fixtures, long events, List<Long> arrivalNanos, int cut,
                                                   boolean holdAtEnd) {
        return exchange -> {
            try {
                while (true) {
                    String head = exchange.readRequestHead();
                    arrivalNanos.add(System.nanoTime());
                    long since = since(head);
                    if (holdAtEnd && since >= events) {
                        exchange.readToEnd();
                        return;
                    }
                    long first = since + 1;
                    long last = since < 0 ? -1 : Math.min(events, since + 7);
                    byte[] answer = jsonResponse(fixtures[0].pollAnswer(since < 0 ? 0 : Math.max(since, last), first, last));
                    for (int at = 0; at < answer.length; at += cut) {
                        exchange.write(Arrays.copyOfRange(answer, at, Math.min(answer.length, at + cut)));
                    }
                }
            } catch (EOFException | SocketException closedByTheClient) {
                // the subscriber stopped
            }
        };
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"LONG_POLLING", "SHORT_POLLING"})
    void everyEventArrivesOnceOnOneKeepAliveConnection(Transport transport) throws Exception {
        int events = 100;
        NioFixtures[] fixtures = new NioFixtures[1];
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(answering(fixtures, events, arrivals, 37, true));
             NioFixtures f = new NioFixtures(server.port(), transport, IDLE, NEVER, Duration.ofMillis(5), Duration.ofSeconds(1))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == events, "all events read");
            await(() -> server.requestHeads.size() == arrivals.size() && since(server.requestHeads.get(arrivals.size() - 1)) == events,
                    "the last poll waits at the server");
            await(() -> f.engine.bytesIn() == server.bytesWritten.get(), "bytes in = bytes the server wrote");
            await(() -> f.engine.bytesOut() == server.bytesRead.get(), "bytes out = bytes the server read");
            s.stop();
            await(() -> server.connectionsEnded.get() == 1, "the server sees the close");

            var recorded = f.context.recorders.collectInterval();
            assertEquals(events, recorded.get(Metric.LATENCY).getTotalCount(), "events recorded");
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
            assertEquals(1, f.context.everLive.sum());
            assertEquals(0, f.context.disconnects.sum() + f.context.connectFailures.sum(), "nothing lost");
            assertEquals(1, server.connectionsAccepted.get(), "every poll on one keep-alive connection");
            assertEquals(1, f.engine.connectionsOpened());
            long answered = f.context.pollRequests.sum();
            assertTrue(answered >= 1 + (events + 6) / 7, "polls answered: " + answered);
            assertTrue(f.context.emptyPolls.sum() >= 1, "the first answer holds no events");
            String prefix = transport == Transport.LONG_POLLING ? "/long-poll/t0" : "/poll/t0";
            assertEquals("GET " + prefix + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAccept: application/json\r\n\r\n",
                    server.requestHeads.get(0), "the first poll asks for no cursor");
            assertTrue(server.requestHeads.get(1).startsWith("GET " + prefix + "?since=0 HTTP/1.1\r\n"), server.requestHeads.get(1));
            assertTrue(server.requestHeads.get(2).startsWith("GET " + prefix + "?since=7 HTTP/1.1\r\n"), server.requestHeads.get(2));
            long timed = recorded.get(Metric.POLL).getTotalCount();
            assertEquals(transport == Transport.SHORT_POLLING ? answered : 0, timed, "short polls are timed from their plan");
            assertEquals(List.of(), server.scriptFailures);
        }
    }

    /**
     * Subscriber 0 of 1 joins the schedule at once after its first answer (read after the first poll
     * reached the server), then polls every interval from that answer's time: poll {@code k} cannot
     * reach the server before {@code k - 1} intervals after the first one, however fast the answers
     * come (a busy machine only makes it later).
     */
    @Test
    void shortPollsGoOutOnTheirPlanNotFaster() throws Exception {
        long intervalNanos = Duration.ofMillis(20).toNanos();
        NioFixtures[] fixtures = new NioFixtures[1];
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(answering(fixtures, 0, arrivals, 1000, false));
             NioFixtures f = new NioFixtures(server.port(), Transport.SHORT_POLLING, IDLE, NEVER, Duration.ofMillis(20),
                     Duration.ofSeconds(1))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> arrivals.size() >= 12, "a dozen polls");
            s.stop();
            long first = arrivals.get(0);
            for (int k = 2; k < 12; k++) {
                long earliest = first + (k - 1) * intervalNanos;
                int poll = k;
                assertTrue(arrivals.get(k) >= earliest, () -> "poll " + poll + " came "
                        + (earliest - arrivals.get(poll)) / 1000 + " µs before its plan");
            }
            assertTrue(f.context.scheduledSends.sum() >= 1, "polls due later go out from the timer");
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
        }
    }

    @Test
    void brokenAnswersAreProtocolErrorsAndPollingResumesAfterTheLastEvent() throws Exception {
        AtomicLong connection = new AtomicLong();
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            long n = connection.incrementAndGet();
            NioFixtures f = fixtures[0];
            if (n == 1) {
                exchange.readRequestHead();
                exchange.write(jsonResponse(f.pollAnswer(0, 1, 0)));
                exchange.readRequestHead();
                exchange.write(jsonResponse(f.pollAnswer(3, 1, 3)));
                exchange.readRequestHead();
                exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\nnot json");
            } else if (n == 2) {
                exchange.readRequestHead();
                exchange.write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbusy");
            } else {
                exchange.readRequestHead();
                exchange.write(jsonResponse(f.pollAnswer(5, 4, 5)));
            }
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.LONG_POLLING, IDLE, Duration.ofMillis(10),
                     Duration.ofMillis(100), Duration.ofSeconds(1))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == 5, "the events of the first and third connections");
            assertTrue(server.requestHeads.get(3).startsWith("GET /long-poll/t0?since=3 HTTP/1.1\r\n"), server.requestHeads.get(3));
            assertTrue(server.requestHeads.get(4).startsWith("GET /long-poll/t0?since=3 HTTP/1.1\r\n"), server.requestHeads.get(4));
            assertEquals(2, f.context.protocolErrors.sum(), "the body that is no poll answer, and the 503");
            assertEquals(1, f.context.disconnects.sum(), "the live connection lost");
            assertEquals(1, f.context.connectFailures.sum(), "the resumption refused");
            assertEquals(1, f.context.everLive.sum(), "one session, resumed");
            assertEquals(5, f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount());
            assertTrue(f.context.lastError.contains("poll answer 503 text/plain"), f.context.lastError);
            s.stop();
        }
    }
}
