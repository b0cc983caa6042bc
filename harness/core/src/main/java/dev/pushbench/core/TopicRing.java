package dev.pushbench.core;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bounded history of one topic: the last {@code capacity} events, written by the feed thread
 * only, read by any thread. Readers never block the writer; a reader that asks for an event that has
 * been overwritten learns so ({@link #get} returns null and {@link #oldestSeq} says from where history
 * starts), and reports the loss instead of skipping it silently.
 */
public final class TopicRing {
    private final AtomicReferenceArray<Event> slots;
    private final int mask;
    private volatile long latestSeq;

    public TopicRing(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /** Called by the single publishing thread, with seq = latestSeq() + 1. */
    void append(Event event) {
        slots.set((int) (event.seq() & mask), event);
        latestSeq = event.seq();
    }

    /** The seq of the newest published event, 0 before the first. */
    public long latestSeq() {
        return latestSeq;
    }

    /** The oldest seq still held (1 until the ring wraps). */
    public long oldestSeq() {
        return Math.max(1, latestSeq - mask);
    }

    public int capacity() {
        return mask + 1;
    }

    /** The heap the events held here take, by {@link Event#retainedBytes()}; scans every slot. */
    public long retainedBytes() {
        long bytes = 0;
        for (int i = 0; i < slots.length(); i++) {
            Event event = slots.get(i);
            if (event != null) {
                bytes += event.retainedBytes();
            }
        }
        return bytes;
    }

    /** The event {@code seq}, or null if it is not yet published or already overwritten. */
    public Event get(long seq) {
        if (seq < 1 || seq > latestSeq) {
            return null;
        }
        Event event = slots.get((int) (seq & mask));
        return event != null && event.seq() == seq ? event : null;
    }
}
