package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EventFeedTest {

    @Test
    void publishAppendsToTheRingAndTellsListenersOfThatTopic() throws Exception {
        EventFeed feed = Fixtures.feed(2, 8);
        List<Event> heard0 = new ArrayList<>();
        List<Event> heard1 = new ArrayList<>();
        AutoCloseable s0 = feed.subscribe(0, heard0::add);
        feed.subscribe(1, heard1::add);

        feed.publish(0, 1, 100);
        feed.publish(0, 2, 200);
        feed.publish(1, 1, 150);
        assertEquals(List.of(1L, 2L), heard0.stream().map(Event::seq).toList());
        assertEquals(List.of(1L), heard1.stream().map(Event::seq).toList());
        assertSame(feed.ring(0).get(2), heard0.get(1), "listeners get the event held in the ring");
        assertEquals(200, heard0.get(1).intendedNanos());
        assertEquals(16, heard0.get(0).jsonLength() - Event.encode(0, 1, 100, heard0.get(0).sentNanos(), 0).jsonLength());
        assertEquals(3, feed.publishedCount());
        assertNull(feed.schedule(), "no schedule before start");

        s0.close();
        feed.publish(0, 3, 300);
        assertEquals(2, heard0.size(), "unsubscribed");
        assertEquals(3, feed.ring(0).latestSeq());
    }

    @Test
    void waitersAreToldOnceAndForgotten() {
        EventFeed feed = Fixtures.feed(2, 8);
        List<Long> told = new ArrayList<>();
        TopicListener waiter = e -> told.add(e.seq());
        feed.awaitNext(0, waiter);
        feed.publish(1, 1, 0);
        assertEquals(List.of(), told, "another topic's event does not wake it");
        feed.publish(0, 1, 0);
        feed.publish(0, 2, 0);
        assertEquals(List.of(1L), told);
        assertFalse(feed.cancelAwait(0, waiter), "already told and removed");

        feed.awaitNext(0, waiter);
        assertTrue(feed.cancelAwait(0, waiter));
        feed.publish(0, 3, 0);
        assertEquals(List.of(1L), told, "cancelled");
    }

    @Test
    void aThrowingListenerIsCountedAndOthersAreStillTold() {
        EventFeed feed = Fixtures.feed(1, 8);
        List<Long> told = new ArrayList<>();
        feed.subscribe(0, e -> {
            throw new IllegalStateException("boom");
        });
        feed.subscribe(0, e -> told.add(e.seq()));
        feed.awaitNext(0, e -> {
            throw new IllegalStateException("boom");
        });
        List<Long> waited = new ArrayList<>();
        feed.awaitNext(0, e -> waited.add(e.seq()));

        feed.publish(0, 1, 0);
        feed.publish(0, 2, 0);
        assertEquals(List.of(1L, 2L), told);
        assertEquals(List.of(1L), waited);
        assertEquals(3, feed.listenerFailures());
        assertEquals(2, feed.ring(0).latestSeq());
    }

    @Test
    void publisherLagIsActualMinusIntendedClampedAndCumulative() {
        EventFeed feed = Fixtures.feed(1, 8);
        feed.publish(0, 1, System.nanoTime() - TimeUnit.SECONDS.toNanos(2));
        Histogram first = feed.publisherLag();
        assertEquals(1, first.getTotalCount());
        assertTrue(first.highestEquivalentValue(first.getMinValue()) >= TimeUnit.SECONDS.toNanos(2),
                "at least the 2 s it was late: " + first.getMinValue());

        feed.publish(0, 2, System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        feed.publish(0, 3, System.nanoTime() - TimeUnit.HOURS.toNanos(1));
        Histogram all = feed.publisherLag();
        assertEquals(3, all.getTotalCount(), "totals since the start, not since the last call");
        assertEquals(0, all.getMinValue(), "early counts as no lag");
        assertTrue(all.getMaxValue() >= TimeUnit.SECONDS.toNanos(59), "clamped near 60 s: " + all.getMaxValue());
        assertTrue(all.getMaxValue() <= TimeUnit.SECONDS.toNanos(61), "clamped near 60 s: " + all.getMaxValue());
        assertEquals(3, feed.publisherLag().getTotalCount(), "reading twice does not count twice");
    }

    @Test
    void startedWithAPastT0PublishesWhatIsDueInOrderAndCloseStopsTheThread() throws Exception {
        FeedSpec spec = new FeedSpec(3, 10, 8, 1024);
        EventFeed feed = new EventFeed(spec);
        int due = 3 * 50;
        CountDownLatch heard = new CountDownLatch(due);
        List<Event> events = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> publisher = new AtomicReference<>();
        for (int topic = 0; topic < 3; topic++) {
            feed.subscribe(topic, e -> {
                publisher.set(Thread.currentThread());
                events.add(e);
                heard.countDown();
            });
        }
        long t0 = System.nanoTime() - TimeUnit.SECONDS.toNanos(10); // 100 events per topic are due already
        try {
            feed.start(t0);
            assertTrue(heard.await(30, TimeUnit.SECONDS), "the due events were published");
            assertThrows(IllegalStateException.class, () -> feed.start(t0));
        } finally {
            feed.close();
        }
        Thread thread = publisher.get();
        assertNotNull(thread);
        assertEquals("pushbench-feed", thread.getName());
        assertTrue(thread.isDaemon());
        assertFalse(thread.isAlive(), "close() ends the feed thread");

        Schedule schedule = feed.schedule();
        assertEquals(new Schedule(t0, 3, 10), schedule);
        long[] nextSeq = {1, 1, 1};
        long previousIntended = Long.MIN_VALUE;
        for (Event e : events) {
            assertEquals(nextSeq[e.topic()]++, e.seq(), "each topic in seq order from 1");
            assertEquals(schedule.intendedNanos(e.topic(), e.seq()), e.intendedNanos());
            assertTrue(e.intendedNanos() >= previousIntended, "published in intended order");
            assertTrue(e.sentNanos() >= e.intendedNanos(), "never early");
            previousIntended = e.intendedNanos();
        }
        long published = feed.publishedCount();
        assertEquals(events.size(), published);
        assertTrue(published >= due);
        assertEquals(published, feed.publisherLag().getTotalCount());
        assertTrue(feed.publisherLag().getMaxValue() >= TimeUnit.SECONDS.toNanos(9), "the first events were ~10 s late");
        for (int topic = 0; topic < 3; topic++) {
            assertEquals(nextSeq[topic] - 1, feed.ring(topic).latestSeq());
        }
    }

    /** A restarted server: the first server's t0, and nothing of what fell due before this start. */
    @Test
    void startedWithASkipPublishesNothingDueBeforeItAndItsHistoryBeginsAfterThePast() throws Exception {
        FeedSpec spec = new FeedSpec(3, 10, 8, 1024);
        EventFeed feed = new EventFeed(spec);
        int topics = 3;
        CountDownLatch heard = new CountDownLatch(topics * 3);
        List<Event> events = new CopyOnWriteArrayList<>();
        for (int topic = 0; topic < topics; topic++) {
            feed.subscribe(topic, e -> {
                events.add(e);
                heard.countDown();
            });
        }
        long t0 = System.nanoTime() - TimeUnit.SECONDS.toNanos(10); // 100 events per topic fell due already
        long skip = System.nanoTime();
        Schedule schedule = new Schedule(t0, topics, 10);
        long[] first = new long[topics];
        try {
            feed.start(t0, skip);
            for (int topic = 0; topic < topics; topic++) {
                first[topic] = schedule.firstSeqAtOrAfter(topic, skip);
                assertTrue(first[topic] > 95, "about 100 events skipped: " + first[topic]);
                assertTrue(feed.ring(topic).oldestSeq() == first[topic], "history begins at the first event not skipped");
            }
            assertTrue(heard.await(30, TimeUnit.SECONDS), "the events due after the start were published");
        } finally {
            feed.close();
        }
        assertEquals(schedule, feed.schedule(), "the given t0 is kept");
        long[] nextSeq = first.clone();
        long previousIntended = Long.MIN_VALUE;
        for (Event e : events) {
            assertEquals(nextSeq[e.topic()]++, e.seq(), "each topic in seq order from its first event due after the start");
            assertTrue(e.intendedNanos() >= skip, "nothing due before the start");
            assertEquals(schedule.intendedNanos(e.topic(), e.seq()), e.intendedNanos());
            assertTrue(e.intendedNanos() >= previousIntended, "published in intended order");
            previousIntended = e.intendedNanos();
        }
        assertEquals(events.size(), feed.publishedCount(), "only what was published counts");
        assertTrue(feed.publisherLag().getMaxValue() < TimeUnit.SECONDS.toNanos(5),
                "no burst of the past, ~10 s late: " + feed.publisherLag().getMaxValue());
        for (int topic = 0; topic < topics; topic++) {
            assertEquals(nextSeq[topic] - 1, feed.ring(topic).latestSeq());
            assertNull(feed.ring(topic).get(first[topic] - 1), "skipped events are not held");
        }
    }

    @Test
    void aSkipAtOrBeforeT0SkipsNothing() throws Exception {
        EventFeed feed = new EventFeed(new FeedSpec(2, 10, 8, 1024));
        CountDownLatch firstOfEach = new CountDownLatch(2);
        List<Long> firstSeqs = new CopyOnWriteArrayList<>();
        for (int topic = 0; topic < 2; topic++) {
            AtomicReference<Boolean> seen = new AtomicReference<>(false);
            feed.subscribe(topic, e -> {
                if (!seen.getAndSet(true)) {
                    firstSeqs.add(e.seq());
                    firstOfEach.countDown();
                }
            });
        }
        long t0 = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        try {
            feed.start(t0, t0);
            assertTrue(firstOfEach.await(10, TimeUnit.SECONDS));
        } finally {
            feed.close();
        }
        assertEquals(List.of(1L, 1L), firstSeqs, "the past is published, late, as with start(t0)");
    }

    /**
     * The server closes its feed without having started it when the stack fails to start (the feed is
     * the first resource of ServeCommand's try-with-resources): close must then return at once, twice
     * if need be, start no publishing thread and tell no listener anything.
     */
    @Test
    void closeBeforeStartIsHarmless() {
        EventFeed feed = Fixtures.feed(1, 8);
        List<Event> heard = new CopyOnWriteArrayList<>();
        feed.subscribe(0, heard::add);
        List<Long> waited = new CopyOnWriteArrayList<>();
        feed.awaitNext(0, e -> waited.add(e.seq()));
        Set<Thread> feedThreadsBefore = feedThreads();

        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            feed.close();
            feed.close();
        }, "close before start returns at once, also the second time");

        assertEquals(feedThreadsBefore, feedThreads(), "no pushbench-feed thread started or left");
        assertNull(feed.schedule(), "no schedule: t0 was never fixed");
        assertEquals(0, feed.publishedCount());
        assertEquals(0, feed.publisherLag().getTotalCount());
        assertEquals(0, feed.ring(0).latestSeq());
        assertEquals(List.of(), heard, "listeners heard nothing");
        assertEquals(List.of(), waited, "waiters heard nothing");
    }

    private static Set<Thread> feedThreads() {
        Set<Thread> feedThreads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().equals("pushbench-feed")) {
                feedThreads.add(t);
            }
        }
        return feedThreads;
    }
}
