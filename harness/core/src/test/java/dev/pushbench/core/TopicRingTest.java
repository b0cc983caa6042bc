package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopicRingTest {

    private static Event event(long seq) {
        return Event.encode(0, seq, seq * 10, seq * 10 + 1, 4);
    }

    @Test
    void emptyRingHoldsNothing() {
        TopicRing ring = new TopicRing(4);
        assertEquals(4, ring.capacity());
        assertEquals(0, ring.latestSeq());
        assertEquals(1, ring.oldestSeq());
        for (long seq = -1; seq <= 5; seq++) {
            assertNull(ring.get(seq));
        }
    }

    @Test
    void beforeWrapEverythingIsHeld() {
        TopicRing ring = new TopicRing(4);
        Event[] events = new Event[5];
        for (int seq = 1; seq <= 4; seq++) {
            events[seq] = event(seq);
            ring.append(events[seq]);
            assertEquals(seq, ring.latestSeq());
            assertEquals(1, ring.oldestSeq());
        }
        for (int seq = 1; seq <= 4; seq++) {
            assertSame(events[seq], ring.get(seq));
        }
        assertNull(ring.get(0));
        assertNull(ring.get(5), "not yet published");
    }

    @Test
    void afterWrapOverwrittenSlotsAreNull() {
        TopicRing ring = new TopicRing(4);
        Event[] events = new Event[12];
        for (int seq = 1; seq <= 11; seq++) {
            events[seq] = event(seq);
            ring.append(events[seq]);
            assertEquals(Math.max(1, seq - 3), ring.oldestSeq(), "after " + seq);
        }
        assertEquals(11, ring.latestSeq());
        assertEquals(8, ring.oldestSeq());
        for (int seq = 1; seq <= 7; seq++) {
            assertNull(ring.get(seq), "seq " + seq + " was overwritten");
        }
        for (int seq = 8; seq <= 11; seq++) {
            assertSame(events[seq], ring.get(seq));
        }
        assertNull(ring.get(12));
        assertNull(ring.get(Long.MAX_VALUE));
        assertNull(ring.get(Long.MIN_VALUE));
    }

    @Test
    void capacityOneHoldsOnlyTheLatest() {
        TopicRing ring = new TopicRing(1);
        ring.append(event(1));
        ring.append(event(2));
        assertEquals(2, ring.oldestSeq());
        assertNull(ring.get(1));
        assertEquals(2, ring.get(2).seq());
    }

    @Test
    void aRingStartedAfterASeqHoldsNothingUpToItAndWrapsFromThere() {
        TopicRing ring = new TopicRing(4);
        ring.startAfter(100);
        assertEquals(100, ring.latestSeq(), "a live subscriber starts after the skipped events");
        assertEquals(101, ring.oldestSeq(), "nothing up to 100 is held, nor ever will be");
        for (long seq = 0; seq <= 101; seq++) {
            assertNull(ring.get(seq));
        }
        Event[] events = new Event[108];
        for (int seq = 101; seq <= 107; seq++) {
            events[seq] = event(seq);
            ring.append(events[seq]);
            assertEquals(Math.max(101, seq - 3), ring.oldestSeq(), "after " + seq);
        }
        assertNull(ring.get(103), "overwritten");
        for (int seq = 104; seq <= 107; seq++) {
            assertSame(events[seq], ring.get(seq));
        }
    }

    @Test
    void onlyAnEmptyRingIsStartedAfterASeq() {
        TopicRing ring = new TopicRing(4);
        assertEquals("seq must be >= 0, got -1", assertThrows(IllegalArgumentException.class, () -> ring.startAfter(-1)).getMessage());
        ring.append(event(1));
        assertEquals("the ring already holds events up to 1",
                assertThrows(IllegalStateException.class, () -> ring.startAfter(5)).getMessage());
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertEquals("capacity must be a power of two, got 3",
                assertThrows(IllegalArgumentException.class, () -> new TopicRing(3)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopicRing(0));
        assertThrows(IllegalArgumentException.class, () -> new TopicRing(-4));
    }
}
