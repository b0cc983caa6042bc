package dev.pushbench.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.CellResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaping model on a fake clock: bandwidth, added delay, jitter kept in order, stalls, segments. */
class LinkDirectionTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A clock the test moves by hand. */
    private static final class FakeClock {
        long nanos;

        long now() {
            return nanos;
        }
    }

    private static LinkShape shape(long rttNanos, long jitterNanos, long downBps, long stallEveryNanos, long stallNanos, int mtu) {
        return new LinkShape(rttNanos, jitterNanos, downBps, 0, stallEveryNanos, stallNanos, mtu);
    }

    private static LinkDirection down(LinkShape shape, FakeClock clock, long seed) {
        Random random = new Random(seed);
        return LinkDirection.down(shape, new LinkStalls(shape, 0, random), random, clock::now);
    }

    /** Takes every segment, moving the clock to each one's release time; returns the segments in order. */
    private static List<Segment> drain(LinkDirection direction, FakeClock clock) {
        List<Segment> out = new ArrayList<>();
        while (!direction.isEmpty()) {
            long next = direction.nextReleaseNanos();
            clock.nanos = Math.max(clock.nanos, next);
            Segment due = direction.peekDue();
            assertSame(due, direction.peekDue(), "peeking takes nothing");
            out.add(due);
            direction.removeHead();
        }
        return out;
    }

    @Test
    void aBucketPassesItsBitsPerSecondHeadersCounted() {
        FakeClock clock = new FakeClock();
        LinkDirection down = down(shape(0, 0, 1_000_000, 0, 0, 1500), clock, 1);
        down.offer(ByteBuffer.allocate(1460 * 100));
        assertEquals(1460 * 100, down.queuedBytes());
        // each full segment costs 1500 bytes = 12 000 bits = 12 ms at 1 Mbit/s
        clock.nanos = 600 * MS;
        int due = 0;
        while (down.peekDue() != null) {
            down.removeHead();
            due++;
        }
        assertEquals(50, due, "half the bytes have passed at half the time");
        assertEquals(612 * MS, down.nextReleaseNanos());
        List<Segment> rest = drain(down, clock);
        assertEquals(1200 * MS, rest.get(rest.size() - 1).releaseNanos, "146 000 B + 100 × 40 B of headers at 1 Mbit/s");
        assertEquals(0, down.queuedBytes());
    }

    @Test
    void theBucketIsNotSavedUpWhileIdle() {
        FakeClock clock = new FakeClock();
        LinkDirection down = down(shape(0, 0, 1_000_000, 0, 0, 1500), clock, 1);
        down.offer(ByteBuffer.allocate(1460));
        drain(down, clock);
        clock.nanos = 5_000 * MS;
        down.offer(ByteBuffer.allocate(1460 * 2));
        List<Segment> later = drain(down, clock);
        assertEquals(5_012 * MS, later.get(0).releaseNanos, "an idle link does not send a burst faster than its rate");
        assertEquals(5_024 * MS, later.get(1).releaseNanos);
    }

    @Test
    void aRoundTripAddsHalfOnEachDirection() {
        FakeClock clock = new FakeClock();
        LinkShape shape = shape(100 * MS + 1, 0, 0, 0, 0, 1500);
        Random random = new Random(1);
        LinkStalls stalls = new LinkStalls(shape, 0, random);
        LinkDirection down = LinkDirection.down(shape, stalls, random, clock::now);
        LinkDirection up = LinkDirection.up(shape, stalls, random, clock::now);
        clock.nanos = 5 * MS;
        down.offer(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        up.offer(ByteBuffer.wrap(new byte[] {4}));
        clock.nanos = 55 * MS - 1;
        assertNull(down.peekDue(), "not before its one-way delay");
        clock.nanos = 55 * MS;
        assertEquals(3, down.peekDue().payloadBytes());
        assertNull(up.peekDue(), "up carries the odd nanosecond");
        clock.nanos = 55 * MS + 1;
        assertEquals(1, up.peekDue().payloadBytes());
    }

    @Test
    void theHandshakeHoldsTheClientsFirstBytesOneRoundTrip() {
        FakeClock clock = new FakeClock();
        LinkShape shape = shape(100 * MS, 0, 0, 0, 0, 1500);
        Random random = new Random(1);
        LinkDirection up = LinkDirection.up(shape, new LinkStalls(shape, 0, random), random, clock::now);
        clock.nanos = 10 * MS;
        up.handshake(clock.nanos, shape.rttNanos());
        up.offer(ByteBuffer.wrap(new byte[] {1}));     // sent as soon as the loopback connect returned
        assertEquals(160 * MS, up.nextReleaseNanos(), "a round trip of handshake, then half a round trip up");
        clock.nanos = 300 * MS;
        drain(up, clock);
        up.offer(ByteBuffer.wrap(new byte[] {2}));
        assertEquals(350 * MS, up.nextReleaseNanos(), "later bytes wait only their one-way delay");
    }

    @Test
    void jitterVariesTheDelayUniformlyEitherWay() {
        FakeClock clock = new FakeClock();
        LinkDirection down = down(shape(100 * MS, 40 * MS, 0, 0, 0, 1500), clock, 42);
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clock.nanos = i * 100 * MS; // further apart than the jitter's spread: no segment waits for another
            arrivals.add(clock.nanos);
            down.offer(ByteBuffer.allocate(1));
        }
        List<Segment> out = drain(down, clock);
        long minDelay = Long.MAX_VALUE;
        long maxDelay = 0;
        long sum = 0;
        for (int i = 0; i < out.size(); i++) {
            long delay = out.get(i).releaseNanos - arrivals.get(i);
            minDelay = Math.min(minDelay, delay);
            maxDelay = Math.max(maxDelay, delay);
            sum += delay;
        }
        assertTrue(minDelay >= 10 * MS && minDelay < 11 * MS, "the shortest draw is near 50 - 40 ms: " + minDelay);
        assertTrue(maxDelay <= 90 * MS && maxDelay > 89 * MS, "the longest near 50 + 40 ms: " + maxDelay);
        assertEquals(50 * MS, sum / out.size(), 2 * MS, "centred on the one-way delay");
    }

    @Test
    void jitterKeepsTheOrderOfADenseStream() {
        FakeClock clock = new FakeClock();
        LinkDirection down = down(shape(100 * MS, 40 * MS, 0, 0, 0, 1500), clock, 42);
        for (int i = 0; i < 1000; i++) {
            clock.nanos = i * MS / 10;
            down.offer(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        List<Segment> out = drain(down, clock);
        long previous = Long.MIN_VALUE;
        int held = 0;
        for (int i = 0; i < out.size(); i++) {
            Segment s = out.get(i);
            assertEquals((byte) i, s.payload.get(0), "segments leave in the order they came");
            assertTrue(s.releaseNanos >= previous, "never released before the previous one");
            held += s.releaseNanos == previous ? 1 : 0;
            previous = s.releaseNanos;
            assertTrue(s.releaseNanos - s.arrivalNanos <= 90 * MS, "no delay beyond 50 + 40 ms");
        }
        assertTrue(held > 100, "many segments drawn early waited for the one before them: " + held);
    }

    @Test
    void jitterNeverMakesADelayNegative() {
        FakeClock clock = new FakeClock();
        LinkDirection down = down(shape(20 * MS, 30 * MS, 0, 0, 0, 1500), clock, 3);
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clock.nanos = i * 50 * MS;
            arrivals.add(clock.nanos);
            down.offer(ByteBuffer.allocate(10));
        }
        List<Segment> out = drain(down, clock);
        int zero = 0;
        for (int i = 0; i < out.size(); i++) {
            long delay = out.get(i).releaseNanos - arrivals.get(i);
            assertTrue(delay >= 0 && delay <= 40 * MS, "delay " + delay);
            zero += delay == 0 ? 1 : 0;
        }
        assertTrue(zero > 50, "10 ± 30 ms is clamped at zero about a third of the time: " + zero);
    }

    @Test
    void aStallHoldsBothDirectionsThenReleasesEverything() {
        FakeClock clock = new FakeClock();
        LinkShape shape = new LinkShape(0, 0, 0, 0, 1_000 * MS, 200 * MS, 1500);
        Random random = new Random(7);
        LinkStalls stalls = new LinkStalls(shape, 0, random);
        LinkDirection down = LinkDirection.down(shape, stalls, random, clock::now);
        LinkDirection up = LinkDirection.up(shape, stalls, random, clock::now);
        LinkStalls.Stall first = stalls.next(0);
        assertTrue(first.startNanos() > 0 && first.endNanos() > first.startNanos(), first.toString());

        clock.nanos = first.startNanos() - 1;
        down.offer(ByteBuffer.allocate(5));
        assertEquals(5, down.peekDue().payloadBytes(), "just before the stall, bytes pass at once");
        down.removeHead();

        clock.nanos = first.startNanos();
        down.offer(ByteBuffer.allocate(7));
        up.offer(ByteBuffer.allocate(9));
        clock.nanos = first.endNanos() - 1;
        assertNull(down.peekDue(), "held during the stall");
        assertNull(up.peekDue(), "both ways");
        clock.nanos = first.endNanos();
        assertEquals(7, down.peekDue().payloadBytes(), "released at its end");
        assertEquals(9, up.peekDue().payloadBytes());
    }

    @Test
    void stallsComeAtTheirMeanRateAndLengthCappedAtTenTimesTheMean() {
        LinkShape shape = new LinkShape(0, 0, 0, 0, 1_000 * MS, 200 * MS, 1500);
        LinkStalls stalls = new LinkStalls(shape, 0, new Random(11));
        long t = 0;
        long gaps = 0;
        long lengths = 0;
        long longest = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            LinkStalls.Stall s = stalls.next(t);
            gaps += s.startNanos() - t;
            lengths += s.endNanos() - s.startNanos();
            longest = Math.max(longest, s.endNanos() - s.startNanos());
            t = s.endNanos();
            stalls.forget(t);
        }
        assertEquals(1_000 * MS, gaps / n, 50 * MS, "mean gap");
        assertEquals(200 * MS, lengths / n, 10 * MS, "mean length");
        assertTrue(longest <= 2_000 * MS, "capped at 10 × the mean: " + longest);
    }

    @Test
    void bytesAreCutIntoSegmentsOfTheMtuLessHeaders() {
        FakeClock clock = new FakeClock();
        // 8 Mbit/s: one byte per microsecond
        LinkDirection down = down(shape(0, 0, 8_000_000, 0, 0, 576), clock, 1);
        byte[] data = new byte[2000];
        new Random(5).nextBytes(data);
        down.offer(ByteBuffer.wrap(data));
        List<Segment> out = drain(down, clock);
        assertEquals(List.of(536, 536, 536, 392), out.stream().map(Segment::payloadBytes).toList());
        assertEquals(List.of(576_000L, 1_152_000L, 1_728_000L, 2_160_000L), out.stream().map(s -> s.releaseNanos).toList(),
                "each segment costs its payload and 40 bytes of headers");
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        out.forEach(s -> joined.write(s.payload.array(), 0, s.payloadBytes()));
        assertArrayEquals(data, joined.toByteArray());
    }

    @Test
    void aShapeRefusesWhatNoLinkHas() {
        assertEquals("mtu must be between 68 and 65535 bytes, got 40",
                assertThrows(IllegalArgumentException.class, () -> shape(0, 0, 0, 0, 0, 40)).getMessage());
        assertEquals("rttNanos must not be negative, got -1",
                assertThrows(IllegalArgumentException.class, () -> shape(-1, 0, 0, 0, 0, 1500)).getMessage());
        assertEquals(1500, shape(0, 0, 0, 0, 0, 0).mtu(), "an absent mtu is 1500");
        assertTrue(LinkShape.NONE.passThrough());
        assertTrue(!shape(1, 0, 0, 0, 0, 0).passThrough());
    }

    @Test
    void aCellsLinkBecomesAShapeInNanoseconds() {
        assertEquals(new LinkShape(150 * MS, 10 * MS, 2_000_000, 500_000, 20_000 * MS, 1_500 * MS, 1400),
                LinkShape.of(new CellResult.Link("custom", 150.0, 10.0, 2_000_000L, 500_000L, 20.0, 1500.0, 1400)));
        assertEquals(LinkShape.NONE, LinkShape.of(new CellResult.Link("lan", null, null, null, null, null, null, null)));
    }
}
