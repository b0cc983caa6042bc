package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Messages clients publish: their encoding, their place in the topic's one seq space, and the answers. */
class PublishFromClientTest {

    private static PublishBody body(int from, long n, long sent, String data) {
        PublishBody body = new PublishBody();
        String reason = body.parse("{\"from\":" + from + ",\"n\":" + n + ",\"sent\":" + sent + ",\"data\":\"" + data + "\"}");
        assertNull(reason);
        return body;
    }

    @Test
    void aMessageIsEncodedWithItsPublisherAndTheClientsText() {
        Event e = Event.encodeMessage(3, 42, 999, body(17, 5, 123456789, "h\\u00e9 \\\"x\\\" é"));
        String json = "{\"topic\":\"t3\",\"seq\":42,\"intended\":123456789,\"sent\":999,\"from\":17,\"n\":5,\"data\":\"h\\u00e9 \\\"x\\\" é\"}";
        assertEquals(json, e.jsonText());
        assertEquals("id: 42\nevent: push\ndata: " + json + "\n\n", new String(e.sseFrame(), StandardCharsets.UTF_8));
        assertEquals(123456789, e.intendedNanos());
        assertEquals(999, e.sentNanos());
        assertEquals(42, e.seq());

        EventFields f = new EventFields();
        assertTrue(f.parse(e.sseFrame(), e.jsonOffset(), e.jsonLength()));
        assertEquals(42, f.seq());
        assertEquals(123456789, f.intendedNanos());
        assertEquals(999, f.sentNanos());
        assertEquals(17, f.from());
        assertEquals(5, f.n());
        assertTrue(f.parse(e.jsonText()));
        assertEquals(17, f.from());
        assertEquals(5, f.n());
    }

    @Test
    void aFeedEventHasNoPublisher() {
        EventFields f = new EventFields();
        assertTrue(f.parse(Event.encodeMessage(0, 1, 2, body(4, 6, 3, "x")).jsonText()));
        assertEquals(4, f.from());
        Event feed = Event.encode(0, 2, 3, 4, 20);
        assertTrue(f.parse(feed.sseFrame(), feed.jsonOffset(), feed.jsonLength()));
        assertEquals(-1, f.from());
        assertEquals(-1, f.n());
        assertFalse(f.parse("{\"seq\":1,\"intended\":2,\"sent\":3,\"from\":-4,\"n\":5,\"data\":\"\"}"), "a negative publisher");
        assertFalse(f.parse("{\"seq\":1,\"intended\":2,\"sent\":3,\"from\":4,\"data\":\"\"}"), "from without n");
        assertFalse(f.parse("{\"seq\":1,\"intended\":2,\"sent\":3,\"from\":4,\"n\":-1,\"data\":\"\"}"), "a negative n");
    }

    @Test
    void aPollBatchOfFeedEventsAndMessagesParsesEventAfterEvent() {
        TopicRing ring = new TopicRing(8);
        ring.append(Event.encode(0, 1, 100, 101, 5));
        ring.append(Event.encodeMessage(0, 2, 201, body(9, 77, 200, "m")));
        ring.append(Event.encode(0, 3, 300, 301, 5));
        byte[] answer = PollAnswer.build(ring, 0, 0, 10, new ServerCounters());
        EventFields f = new EventFields();
        int at = new String(answer, StandardCharsets.US_ASCII).indexOf('[');
        long[][] expected = {{1, 100, -1, -1}, {2, 200, 9, 77}, {3, 300, -1, -1}};
        for (long[] x : expected) {
            assertTrue(f.parse(answer, at, answer.length - at));
            assertEquals(x[0], f.seq());
            assertEquals(x[1], f.intendedNanos());
            assertEquals(x[2], f.from());
            assertEquals(x[3], f.n());
            at = f.end();
        }
        assertFalse(f.parse(answer, at, answer.length - at));
    }

    @Test
    void clientsAndTheFeedShareOneSeqSpace() throws Exception {
        EventFeed feed = Fixtures.feed(2, 16);
        List<Event> heard = new ArrayList<>();
        feed.subscribe(0, heard::add);
        feed.publish(0, 1, 10);
        Event message = feed.publishFromClient(0, body(1, 0, 55, "hi"));
        assertEquals(2, message.seq());
        assertThrows(IllegalStateException.class, () -> feed.publish(0, 2, 20), "seq 2 is taken");
        feed.publish(0, 3, 30);
        assertEquals(List.of(1L, 2L, 3L), heard.stream().map(Event::seq).toList());
        assertEquals(55, feed.ring(0).get(2).intendedNanos());
        assertEquals(3, feed.publishedCount());
        assertEquals(1, feed.publishedByClientsCount());
        assertEquals(0, feed.ring(1).latestSeq(), "another topic's seqs are its own");

        PublishBody malformed = new PublishBody();
        malformed.parse("{}");
        assertThrows(IllegalArgumentException.class, () -> feed.publishFromClient(0, malformed));
    }

    /**
     * Three publishing threads and the feed's own thread on one topic: seqs 1..N with no gap and no duplicate,
     * every listener told of each once and in seq order, each message in history once.
     */
    @Test
    void concurrentPublishersKeepSeqsContiguousAndListenersInOrder() throws Exception {
        int publishers = 3;
        int perPublisher = 400;
        EventFeed feed = new EventFeed(new FeedSpec(1, 2000, 8, 4096));
        List<List<Long>> heard = new ArrayList<>();
        AtomicReference<String> disorder = new AtomicReference<>();
        for (int l = 0; l < 2; l++) {
            List<Long> seqs = new ArrayList<>();
            heard.add(seqs);
            feed.subscribe(0, e -> {
                // told under the topic's lock: no two calls overlap, so the plain list is safe
                if (!seqs.isEmpty() && e.seq() != seqs.get(seqs.size() - 1) + 1) {
                    disorder.compareAndSet(null, "after " + seqs.get(seqs.size() - 1) + " came " + e.seq());
                }
                seqs.add(e.seq());
            });
        }
        feed.start(System.nanoTime());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Long> answered = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < publishers; p++) {
            int from = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                PublishBody body = new PublishBody();
                for (int n = 0; n < perPublisher; n++) {
                    body.parse("{\"from\":" + from + ",\"n\":" + n + ",\"sent\":" + System.nanoTime() + ",\"data\":\"x\"}");
                    answered.add(feed.publishFromClient(0, body).seq());
                }
            }, "publisher-" + p);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        feed.close();

        long latest = feed.ring(0).latestSeq();
        long feedEvents = latest - publishers * perPublisher;
        assertTrue(feedEvents > 0, "the feed published while clients did: " + feedEvents);
        assertNull(disorder.get());
        for (List<Long> seqs : heard) {
            assertEquals(latest, seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i));
            }
        }
        assertEquals(publishers * perPublisher, new HashSet<>(answered).size(), "every answered seq is a message's own");
        Set<String> messages = new HashSet<>();
        EventFields f = new EventFields();
        int inHistory = 0;
        for (long seq = 1; seq <= latest; seq++) {
            Event e = feed.ring(0).get(seq);
            assertTrue(f.parse(e.sseFrame(), e.jsonOffset(), e.jsonLength()));
            assertEquals(seq, f.seq());
            if (f.from() >= 0) {
                assertTrue(messages.add(f.from() + "/" + f.n()), "once: " + f.from() + "/" + f.n());
                assertTrue(answered.contains(seq));
                inHistory++;
            } else {
                assertFalse(answered.contains(seq));
            }
        }
        assertEquals(publishers * perPublisher, inHistory);
        assertEquals(latest, feed.publishedCount());
        assertEquals(publishers * perPublisher, feed.publishedByClientsCount());
    }

    @Test
    void aFeedOfRateZeroPublishesNothingButTakesMessages() throws Exception {
        EventFeed feed = new EventFeed(new FeedSpec(2, 0, 8, 16));
        feed.start(System.nanoTime() - TimeUnit.SECONDS.toNanos(5), System.nanoTime());
        assertTrue(feed.schedule().isSilent());
        assertEquals(0, feed.ring(0).latestSeq(), "nothing skipped: no event was ever due");
        Thread.sleep(50);
        assertEquals(0, feed.publishedCount());
        assertEquals(1, feed.publishFromClient(1, body(0, 0, 1, "a")).seq());
        feed.close();
        assertEquals(1, feed.publishedCount());
    }

    @Test
    void theContextAnswersEachPublishAndCountsIt() {
        EventFeed feed = Fixtures.feed(1, 16);
        try (PushContext context = new PushContext(feed, Fixtures.config(16, Backpressure.DISCONNECT).withMaxPublishBytes(64))) {
            assertNull(context.counters().snapshot().publishedByClients(), "one-way until a client publishes");

            byte[] ok = "{\"from\":3,\"n\":8,\"sent\":1,\"data\":\"hello\"}".getBytes(StandardCharsets.US_ASCII);
            PublishOutcome accepted = context.publish(0, ok, 0, ok.length);
            assertEquals(new PublishOutcome(200, 8, 1, null), accepted);
            assertEquals("{\"seq\":1}", accepted.httpBody());
            assertEquals("application/json", accepted.contentType());
            assertEquals("{\"ack\":8,\"seq\":1}", accepted.webSocketText());

            PublishOutcome malformed = context.publish(0, "{\"from\":3,\"n\":9,\"sent\":1,\"data\":\"a\"b\"}");
            assertEquals(400, malformed.status());
            assertEquals(9, malformed.n());
            assertTrue(malformed.httpBody().startsWith("malformed publish body: expected '}' closing"), malformed.httpBody());
            assertTrue(malformed.webSocketText().startsWith("{\"nack\":9,\"status\":400,\"error\":\"malformed publish body: expected '}' closing the publish body at byte 35, got 'b'\"}"),
                    malformed.webSocketText());
            assertTrue(malformed.contentType().startsWith("text/plain"));

            String large = "{\"from\":3,\"n\":10,\"sent\":1,\"data\":\"" + "x".repeat(40) + "\"}";
            PublishOutcome tooLarge = context.publish(0, large);
            assertEquals(413, tooLarge.status());
            assertEquals(-1, tooLarge.n());
            assertTrue(tooLarge.webSocketText().startsWith("{\"nack\":-1,\"status\":413,"), tooLarge.webSocketText());

            assertEquals(1, context.counters().snapshot().publishedByClients());
            assertEquals(2, context.counters().snapshot().publishRejected());
            assertEquals(1, feed.ring(0).latestSeq(), "refused messages take no seq");
        }
    }

    @Test
    void publishRoutesOnlyPostToAKnownTopic() throws Exception {
        EventFeed feed = Fixtures.feed(3, 8);
        assertTrue(Route.isPublish("/publish/t1"));
        assertFalse(Route.isPublish("/sse/t1"));
        assertEquals(2, Route.publishTopic(feed, "POST", "/publish/t2"));
        assertEquals(404, assertThrows(PushRequestException.class, () -> Route.publishTopic(feed, "POST", "/publish/t3")).status());
        assertEquals(404, assertThrows(PushRequestException.class, () -> Route.publishTopic(feed, "POST", "/publish/")).status());
        assertEquals(405, assertThrows(PushRequestException.class, () -> Route.publishTopic(feed, "GET", "/publish/t0")).status());
    }
}
