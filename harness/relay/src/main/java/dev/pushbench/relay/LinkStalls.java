package dev.pushbench.relay;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * When one connection's link stalls: a sequence of intervals drawn lazily from its start, the gaps between them
 * exponential with mean {@link LinkShape#stallEveryNanos}, their lengths exponential with mean
 * {@link LinkShape#stallNanos} capped at {@link LinkShape#STALL_CAP_FACTOR} × that mean. Both directions of a
 * connection share one, so a stall holds every byte of it.
 *
 * <pre>
 *   LinkStalls stalls = new LinkStalls(shape, startNanos, random);
 *   long release = stalls.after(intendedRelease);   // moved to the end of a stall it falls into
 * </pre>
 *
 * <p>Times asked must not go back before the last {@link #forget} horizon. Not thread-safe: one selector thread.
 */
final class LinkStalls {
    /** A stall: nothing is released in {@code [startNanos, endNanos)}. */
    record Stall(long startNanos, long endNanos) {
    }

    private final long everyNanos;
    private final long meanNanos;
    private final Random random;
    /** Drawn stalls not yet forgotten, in time order. */
    private final ArrayDeque<Stall> drawn = new ArrayDeque<>();
    private long drawnUntilNanos;

    /** @param startNanos when the connection began: the first gap counts from there */
    LinkStalls(LinkShape shape, long startNanos, Random random) {
        this.everyNanos = shape.stallEveryNanos();
        this.meanNanos = shape.stallNanos();
        this.random = random;
        this.drawnUntilNanos = startNanos;
    }

    /** {@code nanos}, or the end of the stall it falls into. */
    long after(long nanos) {
        if (everyNanos == 0) {
            return nanos;
        }
        while (drawnUntilNanos <= nanos) {
            drawNext();
        }
        long t = nanos;
        for (Stall stall : drawn) {
            if (t < stall.startNanos()) {
                break;
            }
            if (t < stall.endNanos()) {
                t = stall.endNanos();
            }
        }
        return t;
    }

    /** The first stall that has not ended at {@code nanos}. */
    Stall next(long nanos) {
        while (drawnUntilNanos <= nanos || drawn.isEmpty()) {
            drawNext();
        }
        for (Stall stall : drawn) {
            if (stall.endNanos() > nanos) {
                return stall;
            }
        }
        drawNext();
        return drawn.peekLast();
    }

    /** Drops the stalls that ended before {@code nanos}: nothing earlier will be asked. */
    void forget(long nanos) {
        while (!drawn.isEmpty() && drawn.peekFirst().endNanos() < nanos) {
            drawn.pollFirst();
        }
    }

    private void drawNext() {
        long start = drawnUntilNanos + exponential(everyNanos);
        long length = Math.max(1, Math.min(exponential(meanNanos), (long) LinkShape.STALL_CAP_FACTOR * meanNanos));
        drawn.addLast(new Stall(start, start + length));
        drawnUntilNanos = start + length;
    }

    private long exponential(long mean) {
        return (long) (-mean * Math.log(1 - random.nextDouble()));
    }
}
