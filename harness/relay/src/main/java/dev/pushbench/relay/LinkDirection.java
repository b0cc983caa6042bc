package dev.pushbench.relay;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * One direction of one shaped connection, as a model with no I/O: bytes offered at the clock's time are cut
 * into segments, each given the time it may be released to the destination.
 *
 * <p>A segment of {@code p} payload bytes read at {@code t} leaves the bucket at
 * {@code d = max(t, previous departure) + (p + 40) × 8 / bitsPerSecond} (no wait when unlimited) and is
 * released at {@code max(d + oneWay + jitter, previous release)}, where the jitter is drawn uniformly in
 * {@code [-jitterNanos, +jitterNanos]} and the one-way delay never goes below zero; a release falling into a
 * stall of the connection moves to its end. Releases are therefore in order, as TCP keeps them.
 *
 * <pre>
 *   LinkDirection down = LinkDirection.down(shape, stalls, random, System::nanoTime);
 *   down.offer(readBuffer);                        // copies, segments, schedules
 *   for (Segment s; (s = down.peekDue()) != null; ) {
 *       destination.write(s.payload);              // its own write
 *       if (s.payload.hasRemaining()) break;       // try again when writable
 *       down.removeHead();
 *   }
 *   long wakeAt = down.nextReleaseNanos();
 * </pre>
 *
 * <p>Not thread-safe: the relay's selector thread owns it.
 */
final class LinkDirection {
    /** How many bytes a direction holds before the relay stops reading its source, as a full TCP window does. */
    static final int QUEUE_CAP_BYTES = 256 * 1024;

    private final long oneWayNanos;
    private final long jitterNanos;
    private final long bitsPerSecond;
    private final int maxPayloadBytes;
    private final LinkStalls stalls;
    private final Random random;
    private final LongSupplier clock;
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long previousDepartureNanos = Long.MIN_VALUE;
    private long previousReleaseNanos = Long.MIN_VALUE;
    /** No byte is released before this: the emulated TCP handshake ({@link #handshake}). */
    private long notBeforeNanos = Long.MIN_VALUE;

    LinkDirection(long oneWayNanos, long jitterNanos, long bitsPerSecond, int maxPayloadBytes, LinkStalls stalls,
                  Random random, LongSupplier clock) {
        this.oneWayNanos = oneWayNanos;
        this.jitterNanos = jitterNanos;
        this.bitsPerSecond = bitsPerSecond;
        this.maxPayloadBytes = maxPayloadBytes;
        this.stalls = stalls;
        this.random = random;
        this.clock = clock;
    }

    /** Server → client. */
    static LinkDirection down(LinkShape shape, LinkStalls stalls, Random random, LongSupplier clock) {
        return new LinkDirection(shape.rttNanos() / 2, shape.jitterNanos(), shape.downBitsPerSecond(),
                shape.maxPayloadBytes(), stalls, random, clock);
    }

    /** Client → server; it carries the odd nanosecond of an odd round trip. */
    static LinkDirection up(LinkShape shape, LinkStalls stalls, Random random, LongSupplier clock) {
        return new LinkDirection(shape.rttNanos() - shape.rttNanos() / 2, shape.jitterNanos(), shape.upBitsPerSecond(),
                shape.maxPayloadBytes(), stalls, random, clock);
    }

    /**
     * The connection was accepted at {@code acceptedNanos}: the kernel completed its handshake on loopback at once,
     * but over the link a client learns its connection is open only a round trip after its SYN, so its first bytes
     * reach the server one round trip later than they were sent. Called on the client → server direction, it holds
     * every byte until {@code acceptedNanos + rtt} plus the one-way delay (for the first) and the bucket (for the rest).
     */
    void handshake(long acceptedNanos, long rttNanos) {
        notBeforeNanos = acceptedNanos + rttNanos;
    }

    /** Takes every remaining byte of {@code bytes} (copied) as arrived now. */
    void offer(ByteBuffer bytes) {
        long now = clock.getAsLong();
        stalls.forget(now);
        while (bytes.hasRemaining()) {
            int n = Math.min(bytes.remaining(), maxPayloadBytes);
            ByteBuffer payload = ByteBuffer.allocate(n);
            int limit = bytes.limit();
            bytes.limit(bytes.position() + n);
            payload.put(bytes).flip();
            bytes.limit(limit);
            queue.addLast(schedule(payload, now));
            queuedBytes += n;
        }
    }

    private Segment schedule(ByteBuffer payload, long arrivalNanos) {
        long departure = Math.max(Math.max(arrivalNanos, notBeforeNanos), previousDepartureNanos);
        if (bitsPerSecond > 0) {
            departure += (payload.limit() + LinkShape.HEADER_BYTES) * 8L * 1_000_000_000L / bitsPerSecond;
        }
        long delay = oneWayNanos;
        if (jitterNanos > 0) {
            delay = Math.max(0, delay + (long) ((random.nextDouble() * 2 - 1) * jitterNanos));
        }
        long release = stalls.after(Math.max(departure + delay, previousReleaseNanos));
        previousDepartureNanos = departure;
        previousReleaseNanos = release;
        return new Segment(payload, arrivalNanos, departure, release);
    }

    /** The first segment if its release time has come, else null. */
    Segment peekDue() {
        Segment head = queue.peekFirst();
        return head != null && head.releaseNanos - clock.getAsLong() <= 0 ? head : null;
    }

    /** Drops the first segment: it was written whole. */
    void removeHead() {
        queuedBytes -= queue.removeFirst().payloadBytes();
    }

    /** When the first segment may go; {@link Long#MAX_VALUE} when none is queued. */
    long nextReleaseNanos() {
        Segment head = queue.peekFirst();
        return head == null ? Long.MAX_VALUE : head.releaseNanos;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** Drops every queued byte (a reset). */
    void clear() {
        queue.clear();
        queuedBytes = 0;
    }
}
