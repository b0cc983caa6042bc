package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SubscribeMeterTest {
    private static final long T0 = 5_000_000_000L;

    private static long at(double seconds) {
        return T0 + Math.round(seconds * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void countsEachRecordInTheSecondAfterT0ItFallsIn() {
        SubscribeMeter meter = new SubscribeMeter(() -> new Schedule(T0, 1, 1), 10);
        meter.record(at(0));
        meter.record(at(0.999_999_999));
        meter.record(at(1));
        meter.record(at(3.5));
        meter.record(at(3.6));
        meter.record(at(3.7));
        assertEquals(T0, meter.t0Nanos());
        assertEquals(List.of(2L, 1L, 0L, 3L), meter.perSecond(at(3.9)));
        assertEquals(List.of(2L, 1L, 0L, 3L, 0L, 0L), meter.perSecond(at(5)), "seconds up to now, empty ones too");
        assertEquals(List.of(2L), meter.perSecond(at(0.5)));
    }

    @Test
    void beforeT0OrBeforeTheFeedStartsCountsInSecondZeroAndPastTheEndInTheLast() {
        AtomicReference<Schedule> schedule = new AtomicReference<>();
        SubscribeMeter meter = new SubscribeMeter(schedule::get, 3);
        meter.record(at(2.5));
        assertNull(meter.t0Nanos());
        assertEquals(List.of(1L), meter.perSecond(at(2.5)), "no t0 yet: second 0");
        schedule.set(new Schedule(T0, 1, 1));
        meter.record(at(-1));
        meter.record(at(2.5));
        meter.record(at(3600));
        assertEquals(List.of(2L, 0L, 2L), meter.perSecond(at(3600)), "the last second holds what came after it");
    }

    @Test
    void aMeterHoldsAtLeastOneSecond() {
        assertEquals("seconds must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new SubscribeMeter(() -> null, 0)).getMessage());
    }

    @Test
    void streamsAndPollsCountInTheContextsMeterFromTheFeedsT0() {
        EventFeed feed = Fixtures.feed(2, 8);
        try (PushContext context = new PushContext(feed, Fixtures.config(16, Backpressure.DISCONNECT))) {
            long t0 = System.nanoTime() - TimeUnit.SECONDS.toNanos(3);
            feed.start(t0, System.nanoTime());
            RecordingOutbox stream = RecordingOutbox.sync(context, 1, Fixtures.DIRECT);
            stream.open(Route.LIVE);
            PollAnswer.answerNow(context, 0, Route.LIVE);
            LongPoll.start(context, 0, Route.LIVE, Fixtures.DIRECT, body -> { });
            PollAnswer.build(feed.ring(0), 0, Route.LIVE, 16, context.counters());
            stream.close();
            SubscribeMeter meter = context.counters().subscribeRate;
            assertEquals(t0, meter.t0Nanos());
            List<Long> perSecond = meter.perSecond(System.nanoTime());
            assertEquals(3, perSecond.stream().mapToLong(Long::longValue).sum(),
                    "a stream, a short poll and a long poll; build alone counts no request: " + perSecond);
            assertEquals(3, perSecond.get(3) + (perSecond.size() > 4 ? perSecond.get(4) : 0),
                    "in the seconds after the start, 3 s after t0: " + perSecond);
        } finally {
            feed.close();
        }
    }
}
