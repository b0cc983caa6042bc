package dev.pushbench.core;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bounded history of one topic: the last {@code capacity} events, written by one thread at a time
 * (the {@link EventFeed} appends under the topic's lock), read by any thread. Readers never block the writer; a reader that asks for an event that has
 * been overwritten learns so ({@link #get} returns null and {@link #oldestSeq} says from where history
 * starts), and reports the loss instead of skipping it silently.
 *
 * <p>A restarted server's history begins after the events it never published ({@link #startAfter}): then
 * the ring's first seq is above 1, and a cursor from before it counts as fallen out of history.
 */
public final class TopicRing {
    private final AtomicReferenceArray<Event> slots;
    private final int mask;
    private volatile long latestSeq;
    private volatile long firstSeq = 1;

    public TopicRing(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /**
     * Makes an empty ring's history begin after {@code seq}: {@link #latestSeq()} is {@code seq} at once, so a
     * live subscriber starts there, and nothing up to {@code seq} will ever be held. Called by the feed before it
     * publishes, for a feed that skips the events due before it started.
     */
    void startAfter(long seq) {
        if (latestSeq != 0) {
            throw new IllegalStateException("the ring already holds events up to " + latestSeq);
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, got " + seq);
        }
        firstSeq = seq + 1;
        latestSeq = seq;
    }

    /** Called under the {@link EventFeed}'s lock of this topic, with seq = latestSeq() + 1. */
    void append(Event event) {
        slots.set((int) (event.seq() & mask), event);
        latestSeq = event.seq();
    }

    /** The seq of the newest published event; before the first, 0 or what {@link #startAfter} set. */
    public long latestSeq() {
        return latestSeq;
    }

    /**
     * The oldest seq still held: the first one published (1, or what {@link #startAfter} set, plus one) until the
     * ring wraps. Above {@link #latestSeq()} while nothing has been published.
     */
    public long oldestSeq() {
        return Math.max(firstSeq, latestSeq - mask);
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
