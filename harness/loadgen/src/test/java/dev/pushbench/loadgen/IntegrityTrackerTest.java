package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Schedule;
import org.junit.jupiter.api.Test;

/** What a subscriber is owed comes from the schedule; the drain may end only when nothing owed is missing. */
class IntegrityTrackerTest {
    // one topic at 10/s from t0 = 0: event k is due at (k-1) * 100 ms
    private static final long MS = 1_000_000L;
    private final Schedule schedule = new Schedule(0, 1, 10);
    private final Window window = new Window();

    private IntegrityTracker trackerFromStart() {
        window.set(1000 * MS, 2000 * MS); // events 11..20
        IntegrityTracker t = new IntegrityTracker(schedule, 0, window);
        t.startSession(5, 0);
        return t;
    }

    private void deliver(IntegrityTracker t, long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            t.onEvent(seq, schedule.intendedNanos(0, seq));
        }
    }

    @Test
    void owesTheWindowsEventsUntilTheLastArrives() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 19);
        assertFalse(t.owesNothing(), "event 20 is due in the window and has not arrived");
        deliver(t, 20, 22);
        assertTrue(t.owesNothing());
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(10, d.expected());
        assertEquals(10, d.delivered());
        assertEquals(0, d.lost());
    }

    @Test
    void aLostEventKeepsItOwedForever() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 14);
        deliver(t, 16, 30); // 15 never comes
        assertFalse(t.owesNothing(), "the drain must run to its end when an event is missing");
        assertEquals(1, t.finish().lost());
    }

    @Test
    void aSessionStartedAfterTheWindowIsOwedNothing() {
        window.set(1000 * MS, 2000 * MS);
        IntegrityTracker t = new IntegrityTracker(schedule, 0, window);
        t.startSession(25, 0);
        assertTrue(t.owesNothing());
        deliver(t, 26, 27);
        assertEquals(0, t.finish().expected());
    }

    @Test
    void aBoundedSessionIsOwedOnlyUpToItsLastWantedEvent() {
        window.set(1000 * MS, 2000 * MS);
        IntegrityTracker t = new IntegrityTracker(schedule, 0, window);
        t.startSession(10, 3); // wants 11, 12, 13
        deliver(t, 11, 13);
        assertTrue(t.sessionDone());
        assertTrue(t.owesNothing());
        assertEquals(3, t.finish().expected());
    }

    @Test
    void eventsStillInFlightAtTheEndAreLateNotLost() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 12);
        deliver(t, 14, 16); // 13 skipped: a gap; 17..20 not arrived yet: behind, in order
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(10, d.expected());
        assertEquals(5, d.delivered());
        assertEquals(1, d.lost(), "the gap");
        assertEquals(4, d.late(), "17..20, after the highest seq seen");
    }

    @Test
    void aResumeThatSkipsEventsLosesThemAcrossTheReconnectCountingOnlyWhatTheWindowOwed() {
        IntegrityTracker t = trackerFromStart(); // owed 11..20
        deliver(t, 6, 12);
        t.resuming(); // from 12
        deliver(t, 13, 13); // a resumed stream that goes on: no gap
        t.resuming(); // from 13
        deliver(t, 17, 25); // the server started after 16: 14, 15, 16 skipped
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(3, d.lost());
        assertEquals(3, d.lostAcrossReconnect());
        assertEquals(0, d.duplicatedAcrossReconnect());
    }

    @Test
    void aSkippedEventThatComesLaterIsNotLostAcrossTheReconnect() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 12);
        t.resuming();
        deliver(t, 15, 20); // 13, 14 skipped
        deliver(t, 14, 14); // 14 comes after all
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(1, d.lost());
        assertEquals(1, d.lostAcrossReconnect());
        assertEquals(1, d.reordered());
    }

    @Test
    void aGapBeforeTheWindowIsNotOwedAndAGapNotAfterAResumeIsNotTheReconnects() {
        IntegrityTracker t = trackerFromStart(); // owed 11..20
        deliver(t, 6, 7);
        t.resuming();
        deliver(t, 10, 13); // 8, 9 skipped by the resume, but before the window
        deliver(t, 15, 20); // 14 skipped on a stream that was not resuming
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(1, d.lost(), "14: the window owed neither 8 nor 9");
        assertEquals(0, d.lostAcrossReconnect());
    }

    @Test
    void aResumeBeforeTheLastEventSeenDuplicatesTheEventsItSendsAgain() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 15);
        t.resuming(); // from 15; the server starts after 12
        deliver(t, 13, 20);
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(3, d.duplicated());
        assertEquals(3, d.duplicatedAcrossReconnect());
        assertEquals(0, d.lost());
    }

    @Test
    void aNewSessionResumesNothing() {
        IntegrityTracker t = trackerFromStart();
        deliver(t, 6, 15);
        t.resuming();
        t.startSession(15, 0); // a new subscription from the newest event: nothing of it is a resume
        deliver(t, 14, 14); // a duplicate, not the reconnect's
        deliver(t, 18, 20);
        IntegrityTracker.Delivery d = t.finish();
        assertEquals(1, d.duplicated());
        assertEquals(0, d.duplicatedAcrossReconnect());
        assertTrue(d.lost() >= 2, "16, 17 at least (the first session was owed the window too)");
        assertEquals(0, d.lostAcrossReconnect());
    }
}
