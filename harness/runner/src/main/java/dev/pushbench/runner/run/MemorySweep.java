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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Memory per connection, measured after a cell's window: the load generator closes its subscribers
 * down in steps (all, ¾, ½, ¼, none) and stops at each ({@link ControlMessage.MemoryPoint}); at each
 * this class waits until the server has seen the closes, reads the server after GC until its heap
 * stops falling, and keeps both readings as one point. The figures are slopes over the points.
 *
 * <pre>
 *   MemorySweep sweep = new MemorySweep(transport);
 *   sweep.read(memoryPoint, gc -&gt; askStats(server, gc), serverIdle);   // at each of the load generator's points
 *   MemorySweep.Figures f = sweep.figures(serverIdle, loadgenIdle);
 * </pre>
 *
 * <p>Server heap and direct memory per connection: the median slope between neighbouring points,
 * the topics' history taken out of the heap (the feed keeps publishing during the sweep), points the
 * server had not settled at left out. RSS rarely shrinks when memory is freed, so it is read on the
 * way up, idle → all connected, for both processes; so is the load generator's heap, whose
 * bookkeeping outlives its closed subscribers.
 */
final class MemorySweep {
    /** How long the server may take to notice the closes of one step. */
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
        boolean settled = settle(server, atLoadgen.connections(), openFiles(serverIdle));
        ControlMessage.Stats s = settledHeap(server);
        add(new CellResult.MemoryPoint(atLoadgen.connections(), settled, s.process(), s.published(), s.historyBytes(),
                atLoadgen.process()));
    }

    void add(CellResult.MemoryPoint point) {
        points.add(point);
    }

    List<CellResult.MemoryPoint> points() {
        return List.copyOf(points);
    }

    /**
     * Waits (at most 10 s) until the server has seen the load generator's closes, so that the memory
     * read next belongs to that many connections: its streaming subscribers are down to
     * {@code connections} and its open files down to what it had at idle plus one per connection.
     * Should it hold a few files more than that (a lazily opened one), after a second its open files
     * no longer falling over two looks will do. "Not falling over two looks" alone is a guess that a
     * server busy beside the next cell's JVM starts can pass with closes still queued.
     *
     * @return false when the 10 s ran out first: a server that learns of a closed stream only when
     *         it next writes to it (Jetty over HTTP/1.1) had not, with events and heartbeats rarer than that
     */
    private boolean settle(ServerReader server, long connections, long idleOpenFiles)
            throws ChildException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + SETTLE_NANOS;
        long lastOpen = Long.MAX_VALUE;
        int steady = 0;
        while (System.nanoTime() < deadline) {
            ControlMessage.Stats stats = server.read(false);
            long open = openFiles(stats.process());
            Long active = stats.counters() == null ? null : stats.counters().activeSubscribers();
            boolean streamsDown = transport.isPolling() || (active != null && active <= connections);
            boolean filesDown = open < 0 || idleOpenFiles < 0 || open <= idleOpenFiles + connections;
            steady = streamsDown && open >= lastOpen ? steady + 1 : 0;
            if (streamsDown && filesDown) {
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
        Long serverHeap = slope(p -> !settled(p) || p.server() == null || p.server().heapUsedBytes() == null ? null
                : minus(p.server().heapUsedBytes(), p.serverHistoryBytes()));
        Long serverDirect = slope(p -> !settled(p) || p.server() == null ? null : p.server().directBytes());
        Long loadgenDirect = slope(p -> p.loadgen() == null ? null : p.loadgen().directBytes());
        Long serverRss = null;
        Long loadgenRss = null;
        Long loadgenHeap = null;
        Integer serverThreads = null;
        Integer loadgenThreads = null;
        if (!points.isEmpty()) {
            CellResult.MemoryPoint top = points.get(0);
            serverRss = perConnection(serverIdle, top.server(), top.connections(), ProcessSnapshot::rssBytes);
            loadgenRss = perConnection(loadgenIdle, top.loadgen(), top.connections(), ProcessSnapshot::rssBytes);
            loadgenHeap = perConnection(loadgenIdle, top.loadgen(), top.connections(), ProcessSnapshot::heapUsedBytes);
            serverThreads = top.server() == null ? null : top.server().threads();
            loadgenThreads = top.loadgen() == null ? null : top.loadgen().threads();
        }
        return new Figures(
                new CellResult.ProcessCosts(null, serverHeap, serverDirect, serverRss, serverThreads, memoryNote()),
                new CellResult.ProcessCosts(null, loadgenHeap, loadgenDirect, loadgenRss, loadgenThreads, null));
    }

    private String memoryNote() {
        long unsettled = points.stream().filter(p -> !settled(p)).count();
        if (unsettled == 0) {
            return null;
        }
        return unsettled + " of " + points.size() + " memory points were read before the server"
                + " had noticed its closed connections (10 s); they are left out of its memory per connection"
                + (unsettled > points.size() - 2 ? ", which is therefore not given" : "")
                + ". A server that learns of a closed stream only when it next writes to it needs events or"
                + " heartbeats more often than that";
    }

    /** The rounded slope of {@code y} (null leaves a point out) over the points' connection counts; null without two counts. */
    private Long slope(Function<CellResult.MemoryPoint, Long> y) {
        List<double[]> xy = new ArrayList<>();
        for (CellResult.MemoryPoint p : points) {
            Long v = y.apply(p);
            if (p.connections() != null && v != null && v >= 0) {
                xy.add(new double[] {p.connections(), v});
            }
        }
        Double slope = slope(xy);
        return slope == null ? null : Math.round(slope);
    }

    private static boolean settled(CellResult.MemoryPoint point) {
        return !Boolean.FALSE.equals(point.settled());
    }

    /** {@code a − b}, or {@code a} when {@code b} is absent. */
    private static Long minus(long a, Long b) {
        return b == null ? a : a - b;
    }

    /** (loaded − idle) ÷ connections, when both readings exist. */
    private static Long perConnection(ProcessSnapshot idle, ProcessSnapshot loaded, Long connections,
                                      Function<ProcessSnapshot, Long> bytesOf) {
        Long before = idle == null ? null : bytesOf.apply(idle);
        Long after = loaded == null ? null : bytesOf.apply(loaded);
        if (before == null || after == null || connections == null || connections <= 0 || before <= 0) {
            return null;
        }
        return Math.round((after - before.doubleValue()) / connections);
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
