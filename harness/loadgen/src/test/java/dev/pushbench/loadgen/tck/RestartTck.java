package dev.pushbench.loadgen.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared by every stack (its module extends this class): a server stopped and started again on the same port
 * with the first one's t0, as the runner's {@code restart} fault does. An SSE subscriber of the first server
 * sees its stream end, resumes from the second with {@code Last-Event-ID}, and gets the events due after the
 * restart in order; those due while no server ran never arrive and are counted as history misses, and a poll
 * from the same cursor is told of them as {@code lost}; each server's subscribe meter counts its subscriptions
 * and polls in the seconds after t0 they came in.
 */
@Timeout(60)
public abstract class RestartTck {
    /** 1 topic, 20 events/s: an outage of {@link #OUTAGE} loses about 16 events. */
    private static final FeedSpec FEED = new FeedSpec(1, 20, 16, 1024);
    private static final Duration OUTAGE = Duration.ofMillis(800);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The stack under test; a new instance each call is fine. */
    protected abstract ServerStack stack();

    private static ServerConfig config(int port) {
        return new ServerConfig("127.0.0.1", port, Protocol.HTTP_1_1, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 256, Backpressure.DISCONNECT, null);
    }

    @Test
    void aSubscriberResumesFromTheRestartedServerOnTheSamePortWithoutWhatFellDueWhileNoneRan() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
        long t0 = System.nanoTime();
        Schedule schedule = new Schedule(t0, FEED.topics(), FEED.ratePerSecond());
        int port;
        long lastSeen;
        long firstSubscribeSecond;
        long lastSubscribeSecond;
        try (EventFeed feed = new EventFeed(FEED);
             PushContext context = new PushContext(feed, config(0))) {
            feed.start(t0);
            try (PushServer server = stack().start(context)) {
                port = server.port();
                firstSubscribeSecond = secondAfter(t0);
                SseStream stream = SseStream.open(client, port, null);
                lastSubscribeSecond = secondAfter(t0);
                assertNotNull(stream.next(), "the preamble");
                List<Long> seen = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Block event = stream.next();
                    assertNotNull(event, "event " + i + " from the first server");
                    assertTrue(event.hasData(), "an event, not a preamble: " + event);
                    seen.add(event.id());
                }
                for (int i = 1; i < seen.size(); i++) {
                    assertEquals(seen.get(i - 1) + 1, seen.get(i), "in order: " + seen);
                }
                lastSeen = seen.get(seen.size() - 1);
                server.close();
                assertTrue(stream.endsWithin(WAIT), "the stream ends with its server");
            }
            assertMeterCounts(1, context, t0, firstSubscribeSecond, lastSubscribeSecond);
        }

        Thread.sleep(OUTAGE.toMillis());

        long restartNanos = System.nanoTime();
        try (EventFeed feed = new EventFeed(FEED);
             PushContext context = new PushContext(feed, config(port))) {
            // as pushbench serve restarts: the schedule goes on, and the history begins before a client is taken
            feed.start(t0, restartNanos);
            long firstAfterRestart = schedule.firstSeqAtOrAfter(0, restartNanos);
            long missed = firstAfterRestart - 1 - lastSeen;
            assertTrue(missed >= 10, "events fell due during the outage: " + missed);
            try (PushServer server = stack().start(context)) {
                assertEquals(port, server.port(), "the same port, bound again at once");
                firstSubscribeSecond = secondAfter(t0);
                SseStream stream = SseStream.open(client, port, lastSeen);
                lastSubscribeSecond = secondAfter(t0);
                Block preamble = stream.next();
                assertNotNull(preamble, "the preamble");
                assertEquals(lastSeen, preamble.id(), "the stream starts after the client's Last-Event-ID");
                for (long expected = firstAfterRestart; expected < firstAfterRestart + 5; expected++) {
                    Block event = stream.next();
                    assertNotNull(event, "event " + expected + " from the second server");
                    assertEquals(expected, event.id(), "the first event due after the restart, then the next ones; "
                            + lastSeen + " was the last seen");
                }
                assertEquals(missed, context.counters().historyMisses.sum(), "the events due while no server ran");
                assertEquals(0, context.counters().backpressureDisconnects.sum());
                stream.close();

                HttpResponse<String> poll = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/poll/t0?since=" + lastSeen)).build(), HttpResponse.BodyHandlers.ofString());
                lastSubscribeSecond = secondAfter(t0);
                assertEquals(200, poll.statusCode());
                assertTrue(poll.body().contains("\"lost\":" + missed + ","), "a poll from the same cursor is told of the gap: "
                        + poll.body());
                assertTrue(poll.body().contains("\"seq\":" + firstAfterRestart + ","), "and gets what followed: " + poll.body());
                assertEquals(2 * missed, context.counters().historyMisses.sum());
            }
            assertEquals(t0, feed.schedule().t0Nanos(), "the first server's t0");
            long published = feed.publishedCount();
            long dueSinceRestart = schedule.firstSeqAtOrAfter(0, System.nanoTime()) - firstAfterRestart;
            assertTrue(published >= 5 && published <= dueSinceRestart,
                    "published only what fell due after its start: " + published + " of " + dueSinceRestart);
            assertMeterCounts(2, context, t0, firstSubscribeSecond, lastSubscribeSecond);
        }
    }

    private static long secondAfter(long t0) {
        return (System.nanoTime() - t0) / SECOND_NANOS;
    }

    private static void assertMeterCounts(long subscriptions, PushContext context, long t0, long fromSecond, long toSecond) {
        assertEquals(t0, context.counters().subscribeRate.t0Nanos());
        List<Long> perSecond = context.counters().subscribeRate.perSecond(System.nanoTime());
        assertEquals(subscriptions, perSecond.stream().mapToLong(Long::longValue).sum(), "subscriptions: " + perSecond);
        long inWindow = 0;
        for (long s = fromSecond; s <= toSecond; s++) {
            inWindow += perSecond.get((int) s);
        }
        assertEquals(subscriptions, inWindow, "counted in second " + fromSecond + ".." + toSecond + " after t0: " + perSecond);
    }

    /** One SSE block: its {@code id:} and whether it carried {@code data:} (an event) or not (the preamble). */
    private record Block(long id, boolean hasData) {
    }

    /** An SSE stream read on a thread of its own, block by block, so that the test can wait with a timeout. */
    private static final class SseStream implements AutoCloseable {
        private static final Block END = new Block(-1, false);
        private final BlockingQueue<Block> blocks = new LinkedBlockingQueue<>();
        private final Stream<String> lines;

        private SseStream(Stream<String> lines) {
            this.lines = lines;
            Thread reader = new Thread(this::read, "restart-tck-sse");
            reader.setDaemon(true);
            reader.start();
        }

        static SseStream open(HttpClient client, int port, Long lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sse/t0"))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            HttpResponse<Stream<String>> response = client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            return new SseStream(response.body());
        }

        private void read() {
            try {
                long id = -1;
                boolean data = false;
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (id >= 0) {
                            blocks.add(new Block(id, data));
                        }
                        id = -1;
                        data = false;
                    } else if (line.startsWith("id:")) {
                        id = Long.parseLong(line.substring(3).trim());
                    } else if (line.startsWith("data:")) {
                        data = true;
                    }
                }
            } catch (RuntimeException ended) {
                // the connection ended under the reader: the same as the end of the stream here
            } finally {
                blocks.add(END);
            }
        }

        /** The next block with an id, or null if the stream ended or nothing came within the wait. */
        Block next() throws InterruptedException {
            Block block = blocks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return block == null || block == END ? null : block;
        }

        /** True if the stream ends within {@code wait}, whatever blocks arrive before. */
        boolean endsWithin(Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            for (;;) {
                Block block = blocks.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (block == END) {
                    return true;
                }
                if (block == null) {
                    return false;
                }
            }
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
