package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private static final int TOPIC = 1;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private EventFeed feed;
    private PushContext context;

    private PushContext context(int historyEvents, int maxBatchEvents, Backpressure backpressure) {
        feed = Fixtures.feed(2, historyEvents);
        context = new PushContext(feed, Fixtures.config(maxBatchEvents, backpressure));
        toClose.add(context);
        return context;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private void publish(int count) {
        Fixtures.publish(feed, TOPIC, count);
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    private ServerCounters counters() {
        return context.counters();
    }

    @Test
    void deliversInOrderOnceAfterBeginAndNothingBefore() {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        publish(3);
        assertEquals(3, out.open(Route.LIVE), "live starts after the newest event");
        publish(2);
        Fixtures.publish(feed, 0, 5);
        assertEquals(List.of(), out.delivered, "nothing is written before begin(): the preamble goes first");
        out.begin();
        assertEquals(seqs(4, 5), out.delivered);
        assertEquals(List.of(2), out.batchSizes);
        publish(2);
        assertEquals(seqs(4, 7), out.delivered);
        assertEquals(List.of(2, 1, 1), out.batchSizes);
        assertEquals(1, counters().subscribes.sum());
        assertEquals(3, counters().writes.sum());
        assertEquals(4, counters().eventsWritten.sum());
        assertEquals(0, counters().heartbeats.sum());
        assertEquals(0, out.overlappingWrites.get());
    }

    @Test
    void nothingIsScheduledBeforeBegin() {
        context(64, 256, Backpressure.DISCONNECT);
        Fixtures.ManualExecutor executor = new Fixtures.ManualExecutor();
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, executor);
        assertEquals(0, out.open(Route.LIVE));
        publish(3);
        assertEquals(0, executor.queued(), "a publish before begin() must not start a drain");
        out.begin();
        executor.runAll();
        assertEquals(seqs(1, 3), out.delivered);
        publish(1);
        assertEquals(1, executor.queued());
        executor.runAll();
        assertEquals(seqs(1, 4), out.delivered);
    }

    @Test
    void aCursorStartsDeliveryAfterIt() {
        context(64, 256, Backpressure.DISCONNECT);
        publish(5);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        assertEquals(2, out.open(2));
        out.begin();
        assertEquals(seqs(3, 5), out.delivered);
        RecordingOutbox atHead = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        assertEquals(5, atHead.open(5));
        atHead.begin();
        assertEquals(List.of(), atHead.delivered);
        publish(1);
        assertEquals(seqs(3, 6), out.delivered);
        assertEquals(List.of(6L), atHead.delivered);
        assertEquals(0, counters().historyMisses.sum());
    }

    @Test
    void batchesHoldAtMostMaxBatchEvents() {
        context(64, 3, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        publish(10);
        out.begin();
        assertEquals(List.of(3), out.batchSizes, "one write in flight");
        publish(1);
        assertEquals(List.of(3), out.batchSizes, "still one write in flight");
        for (int i = 0; i < 3; i++) {
            out.complete(true);
        }
        assertEquals(List.of(3, 3, 3, 2), out.batchSizes);
        out.complete(true);
        assertEquals(seqs(1, 11), out.delivered);
        assertEquals(0, out.inFlight.get());
        assertEquals(4, counters().writes.sum());
        assertEquals(11, counters().eventsWritten.sum());
        assertEquals(0, out.overlappingWrites.get());
    }

    @Test
    void synchronousCompletionsDoNotRecurse() {
        int n = 100_000;
        context(1 << 17, 1, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        AtomicInteger writes = new AtomicInteger();
        int[] depths = {-1, -1};
        out.onWrite = () -> {
            int w = writes.incrementAndGet();
            if (w == 1 || w % 10_000 == 0) {
                int depth = Thread.currentThread().getStackTrace().length;
                if (w == 1) {
                    depths[0] = depth;
                } else {
                    depths[1] = Math.max(depths[1], depth);
                }
            }
        };
        out.open(Route.LIVE);
        publish(n);
        out.begin();
        assertEquals(n, out.delivered.size());
        assertEquals(seqs(1, n), out.delivered);
        assertEquals(depths[0], depths[1], "the stack does not grow from write to write");
        assertEquals(n, counters().writes.sum());
    }

    @Test
    void signalsDuringAPendingWriteAreNotLost() throws Exception {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        publish(1);
        assertEquals(List.of(1L), out.delivered);
        publish(2);
        out.heartbeat();
        assertEquals(List.of(1), out.batchSizes, "waits for the write in flight");
        assertEquals(0, out.heartbeatsSent.get());

        Thread completer = new Thread(() -> out.complete(true), "test-completer");
        completer.start();
        completer.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(seqs(1, 3), out.delivered, "the completing thread goes on draining");
        assertEquals(List.of(1, 2), out.batchSizes);
        out.complete(true);
        assertEquals(1, out.heartbeatsSent.get(), "the heartbeat asked during the write comes after the events");
        out.complete(true);
        assertEquals(0, out.inFlight.get());
        publish(1);
        assertEquals(seqs(1, 4), out.delivered);
        out.complete(true);
        assertEquals(4, counters().writes.sum());
        assertEquals(1, counters().heartbeats.sum());
        assertEquals(4, counters().eventsWritten.sum());
        assertEquals(0, out.overlappingWrites.get());
    }

    @Test
    void heartbeatsOnlyWhenAskedAndCounted() {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        publish(2);
        assertEquals(0, out.heartbeatsSent.get());
        out.heartbeat();
        assertEquals(1, out.heartbeatsSent.get());
        out.heartbeat();
        assertEquals(2, out.heartbeatsSent.get());
        assertEquals(2, counters().heartbeats.sum());
        assertEquals(4, counters().writes.sum());
        assertEquals(2, counters().eventsWritten.sum());
        assertEquals(seqs(1, 2), out.delivered);
    }

    @Test
    void aFailedWriteDisconnectsOnce() {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        out.writeOk = false;
        out.open(Route.LIVE);
        out.begin();
        publish(1);
        assertEquals(1, out.disconnects.get());
        assertTrue(out.isClosed());
        publish(1);
        out.heartbeat();
        out.close();
        assertEquals(List.of(1L), out.delivered, "nothing after the failure");
        assertEquals(1, out.disconnects.get());
        assertEquals(1, counters().writeFailures.sum());
        assertEquals(0, counters().writes.sum());
        assertEquals(0, counters().eventsWritten.sum());
        assertEquals(1, counters().unsubscribes.sum());
        assertEquals(0, counters().activeSubscribers());
    }

    @Test
    void aWriteFailingLaterOnAnotherThreadDisconnectsOnce() throws Exception {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        publish(1);
        publish(3);
        Thread completer = new Thread(() -> out.complete(false), "test-completer");
        completer.start();
        completer.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(1, out.disconnects.get());
        assertEquals(List.of(1L), out.delivered);
        assertEquals(1, counters().writeFailures.sum());
        assertEquals(0, counters().activeSubscribers());
    }

    @Test
    void aFailedHeartbeatDisconnects() {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        out.writeOk = false;
        out.heartbeat();
        assertEquals(1, out.disconnects.get());
        assertEquals(1, counters().writeFailures.sum());
        assertEquals(0, counters().heartbeats.sum());
    }

    @Test
    void disconnectPolicyDropsASubscriberThatFellOutOfHistory() {
        context(4, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        publish(1);
        publish(9); // the ring of 4 now holds 7..10; the subscriber still needs 2..
        out.complete(true);
        assertEquals(1, out.disconnects.get());
        assertTrue(out.isClosed());
        assertEquals(1, counters().backpressureDisconnects.sum());
        assertEquals(0, counters().backpressureDroppedEvents.sum());
        assertEquals(0, counters().historyMisses.sum());
        publish(10);
        assertEquals(List.of(1L), out.delivered);
        assertEquals(1, out.disconnects.get());
        assertEquals(1, counters().backpressureDisconnects.sum());
        assertEquals(0, counters().activeSubscribers());
    }

    /**
     * The goodbye of a backpressure disconnect is given the grace, then the connection is dropped; a write that
     * failed (the connection already broken) is not. The wait is a bounded poll past the grace, not a timing
     * assertion: what is checked is that the abort comes once, and only after a backpressure disconnect.
     */
    @Test
    void aBackpressureDisconnectIsAbortedOnceAfterTheGraceAndAFailedWriteIsNot() throws Exception {
        context(4, 256, Backpressure.DISCONNECT);
        RecordingOutbox behind = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        behind.open(Route.LIVE);
        behind.begin();
        RecordingOutbox broken = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        broken.writeOk = false;
        broken.open(Route.LIVE);
        broken.begin();
        publish(1);
        publish(9);
        behind.complete(true);
        assertEquals(1, behind.disconnects.get());
        assertEquals(1, broken.disconnects.get());
        assertEquals(0, behind.aborts.get(), "aborted before the grace");
        long deadline = System.nanoTime() + Outbox.DISCONNECT_GRACE.toNanos() + TimeUnit.SECONDS.toNanos(10);
        while (behind.aborts.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, behind.aborts.get(), "the backpressure disconnect's abort");
        assertEquals(0, broken.aborts.get(), "a failed write has nothing left to drop");
    }

    @Test
    void dropPolicySkipsToTheOldestAndCountsExactly() {
        context(4, 256, Backpressure.DROP);
        RecordingOutbox out = RecordingOutbox.later(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        out.begin();
        publish(1);
        publish(9);
        out.complete(true);
        assertEquals(5, counters().backpressureDroppedEvents.sum(), "2..6 left the ring");
        assertEquals(List.of(1L, 7L, 8L, 9L, 10L), out.delivered);
        publish(20); // 11..30 while 7..10 is in flight: the ring holds 27..30
        out.complete(true);
        assertEquals(5 + 16, counters().backpressureDroppedEvents.sum(), "11..26 left the ring");
        out.complete(true);
        publish(1);
        out.complete(true);
        List<Long> expected = new ArrayList<>(List.of(1L, 7L, 8L, 9L, 10L));
        expected.addAll(seqs(27, 31));
        assertEquals(expected, out.delivered);
        assertEquals(31, out.delivered.size() + counters().backpressureDroppedEvents.sum());
        assertEquals(0, out.disconnects.get());
        assertEquals(0, counters().backpressureDisconnects.sum());
        assertEquals(0, counters().historyMisses.sum());
    }

    @Test
    void aResumeFromBeforeHistoryCountsMissesAndDeliversFromTheOldest() {
        context(4, 256, Backpressure.DISCONNECT);
        publish(10);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        assertEquals(2, out.open(2));
        out.begin();
        assertEquals(4, counters().historyMisses.sum(), "3..6 asked for and gone");
        assertEquals(seqs(7, 10), out.delivered);
        assertEquals(0, out.disconnects.get(), "a resume that missed history is reported, not dropped");
        assertEquals(0, counters().backpressureDisconnects.sum());
        publish(1);
        assertEquals(seqs(7, 11), out.delivered);
        assertEquals(4, counters().historyMisses.sum());
    }

    /** A restarted server's history begins after the events due while none ran (EventFeed.start with a skip). */
    @Test
    void aResumeFromBeforeARestartedHistoryCountsTheGapAsMissesAndALiveStartIsNotBackpressure() {
        context(4, 256, Backpressure.DISCONNECT);
        feed.ring(TOPIC).startAfter(20);
        RecordingOutbox resumed = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        RecordingOutbox live = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        assertEquals(12, resumed.open(12));
        assertEquals(20, live.open(Route.LIVE), "live starts after the skipped events, not at 0");
        resumed.begin();
        live.begin();
        assertEquals(List.of(), resumed.delivered, "nothing held yet: wait for the first event");
        assertEquals(8, counters().historyMisses.sum(), "13..20 were never published by this server: known at once");
        publish(2);
        assertEquals(seqs(21, 22), resumed.delivered);
        assertEquals(seqs(21, 22), live.delivered);
        assertEquals(8, counters().historyMisses.sum(), "counted once");
        assertEquals(0, counters().backpressureDisconnects.sum());
        assertEquals(0, resumed.disconnects.get() + live.disconnects.get());

        RecordingOutbox late = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        assertEquals(5, late.open(5));
        late.begin();
        assertEquals(seqs(21, 22), late.delivered, "a cursor below the history gets what the server has");
        assertEquals(8 + 15, counters().historyMisses.sum(), "6..20");
    }

    @Test
    void aResumedSubscriberThatCaughtUpAndThenFellBehindIsBackpressure() {
        context(4, 256, Backpressure.DISCONNECT);
        Fixtures.ManualExecutor executor = new Fixtures.ManualExecutor();
        publish(3);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, executor);
        assertEquals(3, out.open(3));
        out.begin();
        executor.runAll();
        assertEquals(List.of(), out.delivered, "caught up");
        publish(9); // 4..12 before the outbox's executor gets to run: the ring holds 9..12
        executor.runAll();
        assertEquals(0, counters().historyMisses.sum(), "the resume missed nothing");
        assertEquals(1, counters().backpressureDisconnects.sum());
        assertEquals(1, out.disconnects.get());
    }

    @Test
    void closeIsIdempotentAndUnsubscribes() {
        context(64, 256, Backpressure.DISCONNECT);
        Fixtures.ManualExecutor executor = new Fixtures.ManualExecutor();
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, executor);
        out.open(Route.LIVE);
        out.begin();
        executor.runAll();
        assertEquals(1, context.heartbeats().size());
        assertEquals(1, counters().activeSubscribers());
        out.close();
        out.close();
        assertTrue(out.isClosed());
        assertEquals(1, counters().unsubscribes.sum());
        assertEquals(0, counters().activeSubscribers());
        assertEquals(0, context.heartbeats().size());
        publish(3);
        assertEquals(0, executor.queued(), "no longer told by the feed");
        out.heartbeat();
        executor.runAll();
        assertEquals(List.of(), out.delivered);
        assertEquals(0, out.heartbeatsSent.get());
        assertEquals(0, out.disconnects.get(), "close() is the stack's own; it is not told to disconnect");
    }

    @Test
    void closedBeforeBeginNeverStarts() {
        context(64, 256, Backpressure.DISCONNECT);
        Fixtures.ManualExecutor executor = new Fixtures.ManualExecutor();
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, executor);
        out.open(Route.LIVE);
        publish(2);
        out.close();
        out.begin(); // the stack's preamble write completed after the client went away
        executor.runAll();
        publish(2);
        executor.runAll();
        assertEquals(List.of(), out.delivered);
        assertEquals(0, context.heartbeats().size(), "a closed outbox is not kept for heartbeats");
        assertEquals(0, counters().activeSubscribers());
    }

    @Test
    void concurrentPublishAndCompletionDeliverEverythingInOrder() throws Exception {
        int n = 200_000;
        context(1 << 18, 64, Backpressure.DISCONNECT);
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
        toClose.add(completer::shutdownNow);
        RecordingOutbox out = RecordingOutbox.completedOn(context, TOPIC, Fixtures.DIRECT, completer);
        CountDownLatch all = lastSeqLatch(out, n);
        out.open(Route.LIVE);
        out.begin();
        publish(n);
        assertTrue(all.await(60, TimeUnit.SECONDS), "delivered " + out.delivered.size() + " of " + n);
        assertEquals(seqs(1, n), out.deliveredCopy());
        assertEquals(0, out.overlappingWrites.get());
        assertEquals(n, countedWhenTheLastWriteCompleted(() -> counters().eventsWritten.sum(), n));
        assertEquals(out.batchSizes.size(), countedWhenTheLastWriteCompleted(() -> counters().writes.sum(), out.batchSizes.size()));
        assertEquals(0, out.disconnects.get());
    }

    @Test
    void concurrentDrainOnItsOwnThreadDeliversEverythingInOrder() throws Exception {
        int n = 200_000;
        context(1 << 18, 16, Backpressure.DISCONNECT);
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
        toClose.add(loop::shutdownNow);
        toClose.add(completer::shutdownNow);
        RecordingOutbox out = RecordingOutbox.completedOn(context, TOPIC, loop, completer);
        CountDownLatch all = lastSeqLatch(out, n);
        out.open(Route.LIVE);
        out.begin();
        for (int i = 0; i < n; i++) {
            publish(1);
            if (i % 50_000 == 0) {
                out.heartbeat();
            }
        }
        assertTrue(all.await(60, TimeUnit.SECONDS), "delivered " + out.delivered.size() + " of " + n);
        assertEquals(seqs(1, n), out.deliveredCopy());
        assertEquals(0, out.overlappingWrites.get());
        assertEquals(n, countedWhenTheLastWriteCompleted(() -> counters().eventsWritten.sum(), n));
    }

    /**
     * A counter the outbox adds to when a write completes, on the completing thread: the last event is recorded as
     * written before its write's completion counts it, so the count is read once it reaches {@code expected} (or after
     * 10 s, whatever it is then).
     */
    private static long countedWhenTheLastWriteCompleted(java.util.function.LongSupplier counter, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return counter.getAsLong();
    }

    @Test
    void concurrentDropKeepsOrderAndCountsEveryEvent() throws Exception {
        int n = 200_000;
        context(64, 8, Backpressure.DROP);
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
        toClose.add(completer::shutdownNow);
        RecordingOutbox out = RecordingOutbox.completedOn(context, TOPIC, Fixtures.DIRECT, completer);
        CountDownLatch last = lastSeqLatch(out, n);
        out.open(Route.LIVE);
        out.begin();
        publish(n);
        assertTrue(last.await(60, TimeUnit.SECONDS), "the last event arrives");
        List<Long> delivered = out.deliveredCopy();
        for (int i = 1; i < delivered.size(); i++) {
            assertTrue(delivered.get(i) > delivered.get(i - 1), "in order, no duplicate, at " + i);
        }
        assertEquals(n, delivered.size() + counters().backpressureDroppedEvents.sum(),
                "every event is either delivered or counted as dropped");
        assertEquals(delivered.size(), counters().eventsWritten.sum());
        assertEquals(0, out.overlappingWrites.get());
    }

    /** Opens once the event {@code lastSeq} has been handed to send. */
    private static CountDownLatch lastSeqLatch(RecordingOutbox out, long lastSeq) {
        CountDownLatch latch = new CountDownLatch(1);
        out.onWrite = () -> {
            synchronized (out.delivered) {
                int size = out.delivered.size();
                if (size > 0 && out.delivered.get(size - 1) == lastSeq) {
                    latch.countDown();
                }
            }
        };
        return latch;
    }

    @Test
    void openCountsASubscriberAndCloseWithoutBeginUnsubscribes() {
        context(64, 256, Backpressure.DISCONNECT);
        RecordingOutbox out = RecordingOutbox.sync(context, TOPIC, Fixtures.DIRECT);
        out.open(Route.LIVE);
        assertEquals(1, counters().activeSubscribers());
        assertEquals(TOPIC, out.topic());
        assertFalse(out.isClosed());
        out.close();
        assertEquals(0, counters().activeSubscribers());
    }
}
