package dev.pushbench.loadgen;

import dev.pushbench.core.Clocks;
import java.util.concurrent.TimeUnit;

/**
 * The ramp, open loop, in legs with a memory point after each: a point at 0, then each leg's
 * subscriptions start on their own planned times, {@code 1 / rampRate} apart, and their connect times
 * count from those plans; once a leg is all live the ramp pauses for a memory point ({@link
 * MemoryPoints#up()}: the runner reads the server after GC meanwhile), and the next leg is planned
 * from the end of the pause, so that the pause does not count as a slow server, neither in connect
 * times nor in the ramp's length. A leg not all live within 30 s of its planned end takes no point,
 * and the rest starts at once as one leg with the same 30 s. Without the {@link LoadSpec#memorySweep} the
 * ramp is one leg, with its points at 0 and at N.
 *
 * <pre>
 *   Ramp.Times times = new Ramp(spec, context, memoryPoints, until -&gt; tick(until)).run(subscribers);
 * </pre>
 */
final class Ramp {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LEG_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Writes one progress interval, sleeping until {@code untilNanos} first. */
    @FunctionalInterface
    interface Ticker {
        void tick(long untilNanos) throws InterruptedException;
    }

    private final LoadSpec spec;
    private final LoadContext context;
    private final MemoryPoints memory;
    private final Ticker ticker;

    Ramp(LoadSpec spec, LoadContext context, MemoryPoints memory, Ticker ticker) {
        this.spec = spec;
        this.context = context;
        this.memory = memory;
        this.ticker = ticker;
    }

    /**
     * How long the ramp took and what its schedule planned, both without its pauses for memory points.
     *
     * @param actualNanos  from each leg's first planned start until its subscriptions were all live (or timed out), summed
     * @param plannedNanos each leg's subscriptions ÷ rampRate, summed: connections ÷ rampRate
     */
    record Times(long actualNanos, long plannedNanos) {
    }

    /**
     * Starts every subscriber and returns when all are live or the ramp timed out.
     *
     * @return the ramp's length and its plan, its pauses for memory points left out
     */
    Times run(Subscriber[] subscribers) throws InterruptedException {
        int n = subscribers.length;
        int[] stops = MemoryPoints.rampStops(n, spec.memorySweep());
        double gapNanos = 1e9 / spec.rampPerSecond();
        memory.up();
        long rampNanos = 0;
        long plannedNanos = 0;
        int from = 0;
        boolean pausing = true;
        for (int leg = 0; leg < stops.length && from < n; leg++) {
            int to = pausing ? stops[leg] : n;
            long legStart = Clocks.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            for (int i = from; i < to; i++) {
                Subscriber s = subscribers[i];
                long planned = legStart + Math.round((i - from) * gapNanos);
                context.timer.schedule(() -> s.startOnSchedule(planned), planned - Clocks.nanoTime(), TimeUnit.NANOSECONDS);
            }
            long deadline = legStart + Math.round((to - from) * gapNanos) + LEG_TIMEOUT_NANOS;
            long nextTick = Clocks.nanoTime() + PROGRESS_NANOS;
            long plannedEnd = legStart + Math.round((to - from) * gapNanos);
            while (context.everLive.sum() < to && Clocks.nanoTime() < deadline && !nothingConnects(to, plannedEnd)) {
                if (Clocks.nanoTime() >= nextTick) {
                    ticker.tick(nextTick);
                    nextTick += PROGRESS_NANOS;
                } else {
                    TimeUnit.MILLISECONDS.sleep(2);
                }
            }
            rampNanos += Clocks.nanoTime() - legStart;
            plannedNanos += Math.round((to - from) * gapNanos);
            from = to;
            if (context.everLive.sum() < to) {
                pausing = false; // timed out: a point now would not hold the count it names
                if (context.everLive.sum() == 0) {
                    break; // nothing connects at all: the cell fails on its first leg
                }
            } else if (pausing) {
                memory.up();
            }
        }
        return new Times(rampNanos, plannedNanos);
    }

    /**
     * True once every subscription planned so far has started and failed, none ever live, a second past the plan:
     * the path refuses them all (a proxy that does not forward the upgrade, a wrong port), and waiting for the
     * timeout would only delay the cell's failure, which names the last answer.
     */
    private boolean nothingConnects(int planned, long plannedEndNanos) {
        return context.everLive.sum() == 0 && context.connectFailures.sum() >= planned
                && Clocks.nanoTime() - plannedEndNanos > TimeUnit.SECONDS.toNanos(1);
    }
}
