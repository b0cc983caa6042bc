package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.result.HistogramSummary;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generator's stall meter: driven tick by tick on a fake clock, its figures are those of the
 * wake-ups it was given, weighted by time; on its own thread, a wake-up held up 100 ms shows as one.
 */
@Timeout(30)
class StallMeterTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A clock that only the sleeps move: each one by 1 ms plus the lateness it is told to have. */
    private static final class FakeTime {
        long nowNanos = 1_000_000_000L;
        long nextLateNanos;

        void sleep(long nanos) {
            nowNanos += nanos + nextLateNanos;
            nextLateNanos = 0;
        }
    }

    @Test
    void oneFiftyMillisecondStallInASecondOfTicksWeighsAsTheTimeItTook() throws Exception {
        FakeTime time = new FakeTime();
        StallMeter meter = new StallMeter(() -> time.nowNanos, time::sleep);
        time.nextLateNanos = 500 * MS;
        meter.tick(); // before the window: dropped
        meter.beginWindow();
        for (int i = 0; i < 1000; i++) {
            if (i == 500) {
                time.nextLateNanos = 50 * MS;
            }
            meter.tick();
        }
        Histogram h = meter.windowHistogram();

        // 999 on time, the stall's 50 ms and the 49 wake-ups it swallowed (49 ms … 1 ms)
        assertEquals(1049, h.getTotalCount());
        assertEquals(999, h.getCountAtValue(0));
        assertTrue(h.valuesAreEquivalent(0, h.getValueAtPercentile(50)), () -> "p50 " + h.getValueAtPercentile(50));
        // rank 1039 of 1049: the 40th of 1 ms … 50 ms; one stall in a thousand uncorrected would leave p99 at 0
        assertTrue(h.valuesAreEquivalent(40 * MS, h.getValueAtPercentile(99)), () -> "p99 " + h.getValueAtPercentile(99));
        assertTrue(h.valuesAreEquivalent(50 * MS, h.getMaxValue()), () -> "max " + h.getMaxValue());
    }

    @Test
    void theWindowsSummaryIsInMicroseconds() throws Exception {
        FakeTime time = new FakeTime();
        StallMeter meter = new StallMeter(() -> time.nowNanos, time::sleep);
        meter.beginWindow();
        for (int i = 0; i < 100; i++) {
            time.nextLateNanos = TimeUnit.MICROSECONDS.toNanos(80);
            meter.tick();
        }
        HistogramSummary s = meter.endWindow();
        assertEquals(100, s.count());
        // 1 µs lowest discernible value: 0.512 µs buckets down here
        assertEquals(80.0, s.p50(), 0.6);
        assertEquals(80.0, s.max(), 0.6);
        assertEquals(0, meter.endWindow().count(), "the next window starts empty");
    }

    @Test
    void aWakeUpHeldUpOnTheMetersOwnThreadShowsAsItsMax() throws Exception {
        AtomicBoolean holdNext = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        StallMeter.Sleeper sleeper = nanos -> {
            StallMeter.Sleeper.PARK.sleep(nanos);
            if (holdNext.compareAndSet(true, false)) {
                never.await(100, TimeUnit.MILLISECONDS); // the thread held up 100 ms after its wake-up
                held.countDown();
            }
        };
        try (StallMeter meter = new StallMeter(System::nanoTime, sleeper).startThread()) {
            TimeUnit.MILLISECONDS.sleep(50);
            meter.beginWindow();
            holdNext.set(true);
            assertTrue(held.await(5, TimeUnit.SECONDS), "the hold happened");
            TimeUnit.MILLISECONDS.sleep(50);
            HistogramSummary s = meter.endWindow();
            assertTrue(s.max() >= 100_000, () -> "max ≥ 100 ms: " + s);
            // the hold and its ~100 swallowed wake-ups, besides the ordinary ones
            assertTrue(s.count() >= 100, () -> "count: " + s);
        }
    }
}
