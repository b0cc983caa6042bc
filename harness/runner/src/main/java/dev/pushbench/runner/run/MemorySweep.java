package dev.pushbench.runner.run;

import dev.pushbench.core.Transport;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Memory per connection, read both ways: while the load generator ramps it pauses at 0, ¼N, ½N, ¾N
 * and N connections, all live ({@link ControlMessage.MemoryPoint#UP}); after the window it closes its
 * subscribers down in steps (N, ¾N, ½N, ¼N, 0, {@link ControlMessage.MemoryPoint#DOWN}). At each point
 * this class waits until the server has seen that many connections, reads it after GC until its heap
 * stops falling, and keeps both processes' readings as one point. The figures are slopes over the points.
 *
 * <pre>
 *   MemorySweep sweep = new MemorySweep(transport);
 *   sweep.read(memoryPoint, gc -&gt; askStats(server, gc), serverIdle);   // at each of the load generator's points
 *   MemorySweep.Figures f = sweep.figures(serverIdle, loadgenIdle);
 * </pre>
 *
 * <p>Server heap per connection: the median slope between neighbouring points of each sweep, the
 * topics' history taken out (the feed keeps publishing), points the server had not settled at left
 * out; the figure is the larger of the two, since part of what a connection holds outlives its close
 * (the way down cannot see it) and the way up may catch state that grows with the first connections
 * only. Direct memory is the larger of the two sweeps' slopes too. RSS rarely shrinks when memory is
 * freed, so it is read idle → all connected, for both processes; so is the load generator's heap,
 * whose bookkeeping outlives its closed subscribers.
 *
 * <p>A figure is never negative: a negative slope (what a connection holds is below the readings'
 * noise), or fewer than two usable points, leaves it absent and says why in the process's
 * {@code memoryNote} ("… not measurable here: …"); the points stay in {@code memoryPoints}.
 */
final class MemorySweep {
    /** How long the server may take to see the connections of one point open or closed. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A drop between two GC'd looks larger than this means cleanup is still going on. */
    private static final long HEAP_STILL_FALLING_BYTES = 16 * 1024;

    /** Reads the server, after a full GC when {@code gc}. */
    @FunctionalInterface
    interface ServerReader {
        ControlMessage.Stats read(boolean gc) throws ChildException, InterruptedException;
    }

    /** The memory figures of both processes (the CPU figure of {@link CellResult.ProcessCosts} is not this class's). */
    record Figures(CellResult.ProcessCosts server, CellResult.ProcessCosts loadgen) {
    }

    /** One figure: bytes per connection, or why there is none ({@code whyNot} null when nothing was measured at all). */
    record Estimate(Long bytes, String whyNot) {
        static final Estimate NONE = new Estimate(null, null);

        /** The larger of two estimates, either of which may be absent; absent (with both reasons) when both are. */
        Estimate orLarger(Estimate other) {
            if (bytes == null || other.bytes == null) {
                if (bytes != null) {
                    return this;
                }
                if (other.bytes != null) {
                    return other;
                }
                return new Estimate(null, whyNot == null ? other.whyNot : other.whyNot == null ? whyNot : whyNot + "; " + other.whyNot);
            }
            return bytes >= other.bytes ? this : other;
        }
    }

    private final Transport transport;
    private final List<CellResult.MemoryPoint> points = new ArrayList<>();

    MemorySweep(Transport transport) {
        this.transport = transport;
    }

    /**
     * At one of the load generator's points: settles the server, reads it, keeps the point.
     *
     * @param serverIdle the server read after GC before the ramp
     */
    void read(ControlMessage.MemoryPoint atLoadgen, ServerReader server, ProcessSnapshot serverIdle)
            throws ChildException, InterruptedException {
        boolean up = !atLoadgen.afterWindow();
        boolean settled = settle(server, atLoadgen.connections(), openFiles(serverIdle), up);
        ControlMessage.Stats s = settledHeap(server);
        add(new CellResult.MemoryPoint(atLoadgen.connections(), settled, s.process(), s.published(), s.historyBytes(),
                atLoadgen.process(), up ? CellResult.MemoryPoint.UP : CellResult.MemoryPoint.DOWN));
    }

    void add(CellResult.MemoryPoint point) {
        points.add(point);
    }

    List<CellResult.MemoryPoint> points() {
        return List.copyOf(points);
    }

    /**
     * Waits (at most 10 s) until the server has seen the load generator's opens ({@code up}) or
     * closes, so that the memory read next belongs to that many connections: its streaming
     * subscribers are up (down) to {@code connections} and its open files up (down) to what it had at
     * idle plus one per connection. Should its files not match that (a lazily opened one, a connection
     * shared), after a second its open files no longer moving over two looks will do. "Not moving over
     * two looks" alone is a guess that a server busy beside the next cell's JVM starts can pass with
     * closes still queued.
     *
     * @return false when the 10 s ran out first: a server that learns of a closed stream only when
     *         it next writes to it (Jetty over HTTP/1.1) had not, with events and heartbeats rarer than that
     */
    private boolean settle(ServerReader server, long connections, long idleOpenFiles, boolean up)
            throws ChildException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + SETTLE_NANOS;
        long lastOpen = up ? Long.MIN_VALUE : Long.MAX_VALUE;
        int steady = 0;
        while (System.nanoTime() < deadline) {
            ControlMessage.Stats stats = server.read(false);
            long open = openFiles(stats.process());
            Long active = stats.counters() == null ? null : stats.counters().activeSubscribers();
            boolean streamsThere = transport.isPolling()
                    || (active != null && (up ? active >= connections : active <= connections));
            boolean filesThere = open < 0 || idleOpenFiles < 0
                    || (up ? open >= idleOpenFiles + connections : open <= idleOpenFiles + connections);
            steady = streamsThere && (up ? open <= lastOpen : open >= lastOpen) ? steady + 1 : 0;
            if (streamsThere && filesThere) {
                return true;
            }
            if (steady >= 2 && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(1)) {
                return true;
            }
            lastOpen = open;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    /**
     * GC'd looks at the server 50 ms apart until its heap stops falling (at most half a second): the
     * least. A server busy beside the next cell's JVM starts had closed the sockets but not yet
     * dropped the closed connections' state: a point read ~1.1 MB high, what 250 connections of
     * ~4.3 KB hold, and two runs of a cell disagreed by 25-75 % on the heap per connection.
     */
    private static ControlMessage.Stats settledHeap(ServerReader server) throws ChildException, InterruptedException {
        ControlMessage.Stats least = server.read(true);
        for (int look = 0; look < 10; look++) {
            TimeUnit.MILLISECONDS.sleep(50);
            ControlMessage.Stats next = server.read(true);
            boolean falling = heapUsed(next) < heapUsed(least) - HEAP_STILL_FALLING_BYTES;
            if (heapUsed(next) < heapUsed(least)) {
                least = next;
            }
            if (!falling) {
                return least;
            }
        }
        return least;
    }

    private static long heapUsed(ControlMessage.Stats stats) {
        Long heap = stats.process() == null ? null : stats.process().heapUsedBytes();
        return heap == null ? Long.MAX_VALUE : heap;
    }

    private static long openFiles(ProcessSnapshot p) {
        return p == null || p.openFiles() == null ? -1 : p.openFiles();
    }

    /**
     * Both processes' memory figures from the points.
     *
     * @param serverIdle  the server's reading after GC before the ramp
     * @param loadgenIdle the load generator's, after its warm-up
     */
    Figures figures(ProcessSnapshot serverIdle, ProcessSnapshot loadgenIdle) {
        List<CellResult.MemoryPoint> up = points.stream().filter(CellResult.MemoryPoint::whileRamping).toList();
        List<CellResult.MemoryPoint> down = points.stream().filter(p -> !p.whileRamping()).toList();
        List<String> serverNotes = new ArrayList<>();
        unsettledNote(up, "open").ifPresent(serverNotes::add);
        unsettledNote(down, "closed").ifPresent(serverNotes::add);

        Function<CellResult.MemoryPoint, Long> serverHeap = p -> !settled(p) || p.server() == null
                || p.server().heapUsedBytes() == null ? null : minus(p.server().heapUsedBytes(), p.serverHistoryBytes());
        Estimate heapUp = slope(up, serverHeap, "server heap per connection on the way up");
        Estimate heapDown = slope(down, serverHeap, "server heap per connection on the way down");
        note(heapUp, serverNotes);
        note(heapDown, serverNotes);
        Estimate heap = heapUp.orLarger(heapDown);

        Function<CellResult.MemoryPoint, Long> serverDirect = p -> !settled(p) || p.server() == null ? null : p.server().directBytes();
        Estimate serverDirectBytes = slope(up, serverDirect, "server direct memory per connection on the way up")
                .orLarger(slope(down, serverDirect, "server direct memory per connection on the way down"));
        note(serverDirectBytes, serverNotes);

        List<String> loadgenNotes = new ArrayList<>();
        Function<CellResult.MemoryPoint, Long> loadgenDirect = p -> p.loadgen() == null ? null : p.loadgen().directBytes();
        Estimate loadgenDirectBytes = slope(up, loadgenDirect, "load generator direct memory per connection on the way up")
                .orLarger(slope(down, loadgenDirect, "load generator direct memory per connection on the way down"));
        note(loadgenDirectBytes, loadgenNotes);

        Estimate serverRss = Estimate.NONE;
        Estimate loadgenRss = Estimate.NONE;
        Estimate loadgenHeap = Estimate.NONE;
        Integer serverThreads = null;
        Integer loadgenThreads = null;
        CellResult.MemoryPoint top = !down.isEmpty() ? down.get(0) : up.isEmpty() ? null : up.get(up.size() - 1);
        if (top != null) {
            serverRss = perConnection(serverIdle, top.server(), top.connections(), ProcessSnapshot::rssBytes,
                    "server RSS per connection");
            loadgenRss = perConnection(loadgenIdle, top.loadgen(), top.connections(), ProcessSnapshot::rssBytes,
                    "load generator RSS per connection");
            loadgenHeap = perConnection(loadgenIdle, top.loadgen(), top.connections(), ProcessSnapshot::heapUsedBytes,
                    "load generator heap per connection");
            serverThreads = top.server() == null ? null : top.server().threads();
            loadgenThreads = top.loadgen() == null ? null : top.loadgen().threads();
        }
        note(serverRss, serverNotes);
        note(loadgenHeap, loadgenNotes);
        note(loadgenRss, loadgenNotes);
        return new Figures(
                new CellResult.ProcessCosts(null, heap.bytes(), heapUp.bytes(), heapDown.bytes(), serverDirectBytes.bytes(),
                        serverRss.bytes(), serverThreads, joined(serverNotes)),
                new CellResult.ProcessCosts(null, loadgenHeap.bytes(), null, null, loadgenDirectBytes.bytes(),
                        loadgenRss.bytes(), loadgenThreads, joined(loadgenNotes)));
    }

    private static void note(Estimate e, List<String> notes) {
        if (e.bytes() == null && e.whyNot() != null && !notes.contains(e.whyNot())) {
            notes.add(e.whyNot());
        }
    }

    private static String joined(List<String> notes) {
        return notes.isEmpty() ? null : String.join("; ", notes);
    }

    /** Says how many of a sweep's points the server had not settled at, when any. */
    private static Optional<String> unsettledNote(List<CellResult.MemoryPoint> sweep, String openedOrClosed) {
        long unsettled = sweep.stream().filter(p -> !settled(p)).count();
        if (unsettled == 0) {
            return Optional.empty();
        }
        String way = openedOrClosed.equals("open") ? "on the way up" : "on the way down";
        return Optional.of(unsettled + " of " + sweep.size() + " memory points " + way
                + " were read before the server had seen its connections " + openedOrClosed
                + " (10 s); they are left out of its memory per connection"
                + (openedOrClosed.equals("closed") ? ". A server that learns of a closed stream only when it next"
                        + " writes to it needs events or heartbeats more often than that" : ""));
    }

    /**
     * The rounded median slope of {@code y} (null leaves a point out) over a sweep's connection
     * counts; absent with the reason when fewer than two counts are usable or the slope is negative,
     * {@link Estimate#NONE} when the sweep was not taken.
     */
    private static Estimate slope(List<CellResult.MemoryPoint> sweep, Function<CellResult.MemoryPoint, Long> y, String what) {
        if (sweep.isEmpty()) {
            return Estimate.NONE;
        }
        List<double[]> xy = new ArrayList<>();
        for (CellResult.MemoryPoint p : sweep) {
            Long v = y.apply(p);
            if (p.connections() != null && v != null && v >= 0) {
                xy.add(new double[] {p.connections(), v});
            }
        }
        Double slope = slope(xy);
        if (slope == null) {
            return new Estimate(null, what + " not measurable here: fewer than two of its " + sweep.size()
                    + " points were usable (settled, read, at different connection counts)");
        }
        long bytes = Math.round(slope);
        if (bytes < 0) {
            return new Estimate(null, what + " not measurable here: the median slope of its points was negative ("
                    + bytes + " B per connection), so what a connection holds is below the noise of these readings");
        }
        return new Estimate(bytes, null);
    }

    private static boolean settled(CellResult.MemoryPoint point) {
        return !Boolean.FALSE.equals(point.settled());
    }

    /** {@code a − b}, or {@code a} when {@code b} is absent. */
    private static Long minus(long a, Long b) {
        return b == null ? a : a - b;
    }

    /** (loaded − idle) ÷ connections, when both readings exist; absent with the reason when it is negative. */
    private static Estimate perConnection(ProcessSnapshot idle, ProcessSnapshot loaded, Long connections,
                                          Function<ProcessSnapshot, Long> bytesOf, String what) {
        Long before = idle == null ? null : bytesOf.apply(idle);
        Long after = loaded == null ? null : bytesOf.apply(loaded);
        if (before == null || after == null || connections == null || connections <= 0 || before <= 0) {
            return Estimate.NONE;
        }
        long bytes = Math.round((after - before.doubleValue()) / connections);
        if (bytes < 0) {
            return new Estimate(null, what + " not measurable here: the process used less with " + connections
                    + " connections than at idle (" + bytes + " B per connection)");
        }
        return new Estimate(bytes, null);
    }

    /**
     * Memory per connection from the memory points: the median of the slopes between neighbouring
     * points (by connection count). Each step down closes a quarter of the connections, so each
     * slope is one estimate of what a connection holds. One disturbed reading (a late free, a pool
     * that grew) moves the two slopes beside it in opposite directions, and a one-off change
     * between two readings that no connection caused (something freed or allocated mid-sweep) moves
     * one slope: either way the median of the four stays on the undisturbed ones. The median of
     * every pair's slope (Theil–Sen) survives the first but not the second: a one-off change of S
     * bytes before the middle point raises it by about S / N. Null when connections do not vary.
     */
    static Double slope(List<double[]> xy) {
        List<double[]> byConnections = new ArrayList<>(xy);
        byConnections.sort(Comparator.comparingDouble(p -> p[0]));
        List<Double> slopes = new ArrayList<>();
        for (int i = 1; i < byConnections.size(); i++) {
            double dx = byConnections.get(i)[0] - byConnections.get(i - 1)[0];
            if (dx != 0) {
                slopes.add((byConnections.get(i)[1] - byConnections.get(i - 1)[1]) / dx);
            }
        }
        if (slopes.isEmpty()) {
            return null;
        }
        Collections.sort(slopes);
        int m = slopes.size();
        return m % 2 == 1 ? slopes.get(m / 2) : (slopes.get(m / 2 - 1) + slopes.get(m / 2)) / 2;
    }
}
