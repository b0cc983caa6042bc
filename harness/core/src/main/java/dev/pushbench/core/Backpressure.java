package dev.pushbench.core;

/**
 * What the server does with a subscriber that has fallen so far behind that the events it still
 * needs have left the topic's history. Memory never grows with a slow subscriber either way: the
 * history ring is shared and bounded, and each subscriber holds at most one batch in flight.
 */
public enum Backpressure {
    /**
     * Close the subscriber's connection, the same way on every stack (a WebSocket close frame 1008, then
     * the connection dropped at most {@link Outbox#DISCONNECT_GRACE} later, see {@link Outbox}); a client
     * that resumes (Last-Event-ID, cursor) sees the gap.
     */
    DISCONNECT("disconnect"),
    /** Skip to the oldest event still held and go on; the skipped events are counted as dropped. */
    DROP("drop");

    private final String id;

    Backpressure(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Backpressure fromId(String id) {
        for (Backpressure b : values()) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backpressure policy '" + id + "', allowed: disconnect, drop");
    }
}
