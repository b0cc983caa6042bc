package dev.pushbench.relay;

import java.nio.ByteBuffer;

/**
 * One segment of a shaped direction: at most {@link LinkShape#maxPayloadBytes()} bytes, written to the
 * destination as its own write once {@link #releaseNanos} has come. Its buffer's position advances as a
 * write takes part of it.
 */
final class Segment {
    final ByteBuffer payload;
    final long arrivalNanos;
    final long departureNanos;
    final long releaseNanos;

    Segment(ByteBuffer payload, long arrivalNanos, long departureNanos, long releaseNanos) {
        this.payload = payload;
        this.arrivalNanos = arrivalNanos;
        this.departureNanos = departureNanos;
        this.releaseNanos = releaseNanos;
    }

    int payloadBytes() {
        return payload.limit();
    }

    @Override
    public String toString() {
        return payloadBytes() + " B arrived " + arrivalNanos + " departed " + departureNanos + " released " + releaseNanos;
    }
}
