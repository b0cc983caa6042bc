package dev.pushbench.loadgen;

import dev.pushbench.model.result.HistogramSummary;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The load generator's own stalls, as jHiccup measures a JVM's: a daemon thread asks to sleep 1 ms
 * again and again and records how late it woke (the time it woke − the time it asked for, on
 * {@link System#nanoTime}). Whatever holds that thread up (a GC pause, a safepoint, the scheduler
 * giving both cores to the server) holds the subscribers' threads up the same way, and an event read
 * during such a stall is timestamped late although the server sent it on time: a latency figure
 * measured while the generator stalled is partly the generator's. The runner holds the window's
 * {@code p99} of this meter against the latency SLO to tell a step the server failed from one the
 * generator could not measure ({@code CellResult.Loadgen.delayMicros}).
 *
 * <p>Each lateness is recorded with {@link SingleWriterRecorder#recordValueWithExpectedInterval} and an
 * interval of 1 ms: a 50 ms stall also records 49 ms, 48 ms … 1 ms, the lateness the wake-ups it
 * swallowed would have seen, so the histogram is weighted by time, like the deliveries a stall delays
 * (one stall in a thousand ticks would otherwise read as 0.1 % of the time, whatever its length).
 *
 * <p>The lateness is the wake-up's time − (the time it asked + 1 ms), with no baseline taken off (jHiccup
 * subtracts the shortest sleep it observed): an idle generator's floor is the park's own overshoot, the
 * kernel's timer slack and the wake-up, about 120 µs at the median on a Linux VM.
 *
 * <p>Cost: a thousand wake-ups a second, each a subtraction and a wait-free recording on its own
 * thread; nothing is shared with the subscribers' threads.
 *
 * <p>Lifecycle: {@link #start} once per run (the thread runs from then on, so that it is compiled and
 * settled before the window); {@link #beginWindow} at the measured window's start drops what came before;
 * {@link #endWindow} at its end returns the window's lateness; {@link #close} stops the thread.
 *
 * <pre>
 *   try (StallMeter stalls = StallMeter.start()) {
 *       ...                                             // ramp, warm-up
 *       stalls.beginWindow();
 *       ...                                             // the measured window
 *       HistogramSummary delayMicros = stalls.endWindow();
 *   }
 * </pre>
 */
public final class StallMeter implements AutoCloseable {
    /** What the thread asks to sleep each time, and the interval the recording corrects for. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Sleeps about {@code nanos}; the meter reads the clock itself before and after. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;

        /** {@link LockSupport#parkNanos}: what a selector or timer thread's wait costs, with no allocation. */
        Sleeper PARK = nanos -> {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        };
    }

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(Recorders.LOWEST_NANOS, Recorders.HIGHEST_NANOS, 3);
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final Thread thread;
    private volatile boolean running = true;

    StallMeter(LongSupplier clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.thread = new Thread(this::loop, "pushbench-stall-meter");
        thread.setDaemon(true);
    }

    /** A meter on the real clock, its thread started. */
    public static StallMeter start() {
        return new StallMeter(System::nanoTime, Sleeper.PARK).startThread();
    }

    /** Starts the metering thread; returns this. */
    StallMeter startThread() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                tick();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** One wake-up: sleeps 1 ms and records how late it woke. Only the meter's thread (or a test driving it) calls it. */
    void tick() throws InterruptedException {
        long before = clock.getAsLong();
        sleeper.sleep(TICK_NANOS);
        long lateNanos = clock.getAsLong() - before - TICK_NANOS;
        recorder.recordValueWithExpectedInterval(Math.max(0, Math.min(lateNanos, Recorders.HIGHEST_NANOS)), TICK_NANOS);
    }

    /** The measured window starts: what was recorded before is dropped. */
    public void beginWindow() {
        recorder.getIntervalHistogram();
    }

    /** The measured window ends: the lateness recorded since {@link #beginWindow}, in microseconds. */
    public HistogramSummary endWindow() {
        return HistogramSummary.ofNanos(windowHistogram());
    }

    /** The window's histogram, in nanoseconds. */
    Histogram windowHistogram() {
        return recorder.getIntervalHistogram();
    }

    /** Stops the thread and waits for it (at most a second). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        if (thread.isAlive()) {
            thread.join(1000);
        }
    }
}
