package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a two-way cell's subscriber is owed: the published messages the server acknowledged whose intended send time
 * is in the window, and, in a topic the feed also publishes to, the feed's events due in the window, told apart by
 * elimination. Checked against a brute-force count over a topic whose seqs are interleaved at random.
 */
class PublishLedgerTest {
    private static final long MS = 1_000_000L;

    @Test
    void publishedMessagesAloneAreOwedByTheirSendTime() {
        Schedule noFeed = new Schedule(0, 1, 0);
        PublishLedger ledger = new PublishLedger(noFeed);
        Window window = new Window();
        window.set(1000 * MS, 2000 * MS);
        // acks come out of seq order; send times are not monotone in seq either
        ledger.acknowledged(0, 3, 1500 * MS);
        ledger.acknowledged(0, 1, 900 * MS); // sent before the window
        ledger.acknowledged(0, 2, 1100 * MS);
        ledger.acknowledged(0, 5, 2000 * MS); // at the window's end: outside
        ledger.acknowledged(0, 4, 1999 * MS);
        assertEquals(3, ledger.count(0, 1, Long.MAX_VALUE, window));
        assertEquals(2, ledger.count(0, 3, Long.MAX_VALUE, window), "a session started after seq 2");
        assertEquals(1, ledger.count(0, 2, 2, window));
        assertEquals(0, ledger.count(0, 6, Long.MAX_VALUE, window));
    }

    @Test
    void aMixedTopicOwesTheFeedsEventsByEliminationAndThePublishedOnesByTheLedger() {
        Schedule feed = new Schedule(0, 1, 10); // feed event j due at (j-1) * 100 ms
        Window window = new Window();
        window.set(1000 * MS, 3000 * MS); // feed events 11..30
        Random random = new Random(7);
        PublishLedger ledger = new PublishLedger(feed);
        List<long[]> all = new ArrayList<>(); // {seq, intended, published ? 1 : 0}
        long seq = 0;
        int feedIndex = 0;
        while (feedIndex < 40) {
            seq++;
            if (random.nextInt(3) == 0) {
                long intended = random.nextInt(4000) * MS;
                ledger.acknowledged(0, seq, intended);
                all.add(new long[] {seq, intended, 1});
            } else {
                feedIndex++;
                all.add(new long[] {seq, feed.intendedNanos(0, feedIndex), 0});
            }
        }
        for (long from = 1; from <= seq + 2; from += 3) {
            for (long to : new long[] {from + 5, from + 17, Long.MAX_VALUE}) {
                long brute = 0;
                for (long[] e : all) {
                    if (e[0] >= from && e[0] <= to && window.contains(e[1])) {
                        brute++;
                    }
                }
                // the window's feed events (11..30) are all among the 40 listed, so none past them is owed
                long expected = brute;
                final long f = from;
                final long t = to;
                assertEquals(expected, ledger.count(0, from, to, window), () -> "seqs " + f + ".." + t);
            }
        }
    }

    @Test
    void aTrackerOnTheLedgerCountsWhatArrivedAgainstWhatWasAcknowledged() {
        Schedule noFeed = new Schedule(0, 1, 0);
        PublishLedger ledger = new PublishLedger(noFeed);
        Window window = new Window();
        window.set(1000 * MS, 2000 * MS);
        IntegrityTracker t = new IntegrityTracker(noFeed, ledger, 0, window);
        t.startSession(0, 0);
        for (long s = 1; s <= 10; s++) {
            ledger.acknowledged(0, s, (1000 + 50 * s) * MS);
        }
        for (long s = 1; s <= 9; s++) {
            assertEquals(IntegrityTracker.COUNTED, t.onEvent(s, (1000 + 50 * s) * MS));
        }
        assertFalse(t.owesNothing(), "message 10 was acknowledged and has not arrived");
        assertEquals(IntegrityTracker.COUNTED, t.onEvent(10, 1500 * MS));
        assertTrue(t.owesNothing());
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(10, d.expected());
        assertEquals(10, d.delivered());
        assertEquals(0, d.scheduleMismatches(), "published messages are not on the feed's schedule, and that is no error");
    }
}
