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
}
