package dev.pushbench.loadgen;

import dev.pushbench.core.ProcessStats;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.ProcessSnapshot;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's side of the memory points: at each it reads itself and hands the reading,
 * with its live subscriptions, to the {@link LoadGenerator.Coordinator}, which reads the server at
 * the same count and returns when it has. On the way up the {@link Ramp} calls {@link #up()} at each of
 * its pauses (0, ¼N, ½N, ¾N, N); after the window {@link #down} closes the subscribers in steps (N,
 * ¾N, ½N, ¼N, 0), so GC pauses never touch a measured event. The slopes over the points are the
 * memory per connection (the runner's {@code MemorySweep}); one point alone would be mostly the JVM's
 * own baseline, and with five each way one disturbed reading moves the (median) slope little.
 *
 * <p>Without the {@link LoadSpec#memorySweep} (a capacity search's steps, which repeat the ramp many
 * times) the ramp pauses at 0 and N only, the least that still gives a GC'd reading with every
 * subscriber live and its baseline, and nothing calls {@link #down}.
 *
 * <pre>
 *   MemoryPoints memory = new MemoryPoints(coordinator, context);
 *   memory.up();                  // at each pause of the ramp
 *   memory.down(subscribers);     // after the window
 * </pre>
 */
final class MemoryPoints {
    private static final ProcessStats PROCESS = new ProcessStats();

    private final LoadGenerator.Coordinator coordinator;
    private final LoadContext context;

    MemoryPoints(LoadGenerator.Coordinator coordinator, LoadContext context) {
        this.coordinator = coordinator;
        this.context = context;
    }

    /**
     * Where the ramp pauses after its point at 0: ¼N, ½N, ¾N, N with the sweep; just N without it, or with
     * fewer than four subscribers.
     */
    static int[] rampStops(int n, boolean sweep) {
        return sweep && n >= 4 ? new int[] {n / 4, n / 2, 3 * n / 4, n} : new int[] {n};
    }

    /** A point on the way up: read after GC, as the server will be. */
    void up() throws InterruptedException {
        coordinator.memoryPoint(context.live.sum(), PROCESS.read(true), ControlMessage.MemoryPoint.UP);
    }

    /** The steps down after the window, a point at each; the subscribers stay closed. */
    void down(Subscriber[] subscribers) throws InterruptedException {
        int n = subscribers.length;
        int[] targets = n >= 4 ? new int[] {n, 3 * n / 4, n / 2, n / 4, 0} : new int[] {n, 0};
        int open = n;
        boolean first = true;
        for (int target : targets) {
            for (int i = target; i < open; i++) {
                subscribers[i].stop();
            }
            open = target;
            TimeUnit.MILLISECONDS.sleep(30); // let the closes go out; the runner waits for the server to see them
            // the generator's heap per connection is read idle -> N (its bookkeeping stays after closes),
            // so only the first point needs a GC; the server GCs at every point
            ProcessSnapshot stats = PROCESS.read(first);
            first = false;
            coordinator.memoryPoint(context.live.sum(), stats, ControlMessage.MemoryPoint.DOWN);
        }
    }
}
