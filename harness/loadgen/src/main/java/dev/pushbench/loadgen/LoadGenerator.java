package dev.pushbench.loadgen;

import dev.pushbench.core.HistogramSummary;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.IntegrityTracker.Delivery;
import dev.pushbench.loadgen.Recorders.Metric;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one cell's load: ramps the subscribers open-loop, warms up, measures a window, drains, and
 * returns what it saw. Drivers ({@link Subscriber} per transport) emit; {@link IntegrityTracker} and
 * {@link Recorders} record; this class only sequences the phases and writes the interval log.
 *
 * <pre>
 *   Map&lt;String, Object&gt; result = new LoadGenerator(spec, progress -&gt; print(progress)).run();
 * </pre>
 *
 * <p>Phases, all on the load generator's clock (the server shares it, see the runner's clock check):
 * subscription {@code i} is planned at {@code rampStart + i / rampRate} and its connect time counts
 * from that plan; when all are live (or the ramp has timed out) the warm-up runs; the window is then
 * {@code [start, start + duration)} by intended publish time; after it, {@code drain} lets late
 * events arrive; then everything is closed and counted.
 */
public final class LoadGenerator {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DRAIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long the drain took: at most the spec's, shorter when nothing of the window was owed any more. */
    private long drainNanos;
    private static final int WARM_UP_SUBSCRIPTIONS = 8;

    private final LoadSpec spec;
    private final Consumer<Map<String, Object>> progress;
    private final Coordinator coordinator;

    /**
     * Lets the runner measure the server at the same moments as the load generator measures itself:
     * the memory points, each with a known number of live connections.
     */
    @FunctionalInterface
    public interface Coordinator {
        /** {@code connections} subscriptions are live and the generator's own stats (after GC) taken; returns when the runner is done. */
        void memoryPoint(long connections, Map<String, Object> loadgenStats) throws InterruptedException;

        /**
         * The client is warm (its throw-away subscriptions closed) and its idle stats taken; returns
         * when the ramp may begin. The runner verifies the server meanwhile, then reads it at idle.
         */
        default void readyToRamp() throws InterruptedException {
        }

        Coordinator NONE = (connections, stats) -> { };
    }

    public LoadGenerator(LoadSpec spec, Consumer<Map<String, Object>> progress) {
        this(spec, progress, Coordinator.NONE);
    }

    public LoadGenerator(LoadSpec spec, Consumer<Map<String, Object>> progress, Coordinator coordinator) {
        this.spec = spec;
        this.progress = progress;
        this.coordinator = coordinator;
    }

    public Map<String, Object> run() throws Exception {
        Recorders recorders = new Recorders();
        Window window = new Window();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushbench-load-timer");
            t.setDaemon(true);
            return t;
        });
        Files.createDirectories(spec.hlogFile().toAbsolutePath().getParent());
        try (ClientEngine engine = spec.engine().open(spec);
             PrintStream hlogOut = new PrintStream(Files.newOutputStream(spec.hlogFile()), false, "UTF-8")) {
            HistogramLogWriter hlog = new HistogramLogWriter(hlogOut);
            long startMillis = System.currentTimeMillis();
            hlog.outputComment("pushbench load generator: values in nanoseconds; tags: latency, latency-actual, connect, poll");
            hlog.outputLogFormatVersion();
            hlog.outputStartTime(startMillis);
            hlog.setBaseTime(startMillis);
            hlog.outputLegend();

            LoadContext context = new LoadContext("s", spec, engine, recorders, window, timer);
            Subscriber[] subscribers = new Subscriber[spec.connections()];
            for (int i = 0; i < subscribers.length; i++) {
                subscribers[i] = newSubscriber(context, i);
            }
            CpuClock cpu = new CpuClock();
            warmUpClients(engine, timer);
            engine.onTcpConnect(nanos -> recorders.record(Metric.TCP_CONNECT, nanos));
            engine.onTlsHandshake(nanos -> recorders.record(Metric.TLS_HANDSHAKE, nanos));
            Map<String, Object> idle = PROCESS.read(true);
            coordinator.readyToRamp();

            // ramp: open loop, each start on its own planned time
            long rampStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            double gapNanos = 1e9 / spec.rampPerSecond();
            for (int i = 0; i < subscribers.length; i++) {
                Subscriber s = subscribers[i];
                long planned = rampStart + Math.round(i * gapNanos);
                timer.schedule(() -> s.start(planned), planned - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            long rampPlannedEnd = rampStart + Math.round(subscribers.length * gapNanos);
            long rampDeadline = rampPlannedEnd + TimeUnit.SECONDS.toNanos(30);
            phase("ramp", context);
            long nextTick = System.nanoTime() + PROGRESS_NANOS;
            while (context.everLive.sum() < spec.connections() && System.nanoTime() < rampDeadline) {
                if (System.nanoTime() >= nextTick) {
                    tick(hlog, recorders, context, "ramp", nextTick);
                    nextTick += PROGRESS_NANOS;
                } else {
                    TimeUnit.MILLISECONDS.sleep(2);
                }
            }
            long rampNanos = System.nanoTime() - rampStart;
            long connectedAfterRamp = context.everLive.sum();

            long measureStart = System.nanoTime() + spec.warmup().toNanos();
            long measureEnd = measureStart + spec.duration().toNanos();
            window.set(measureStart, measureEnd);
            phase("warmup", context);
            tickUntil(hlog, recorders, context, "warmup", measureStart);
            Snapshot atStart = new Snapshot(cpu.read(), context);
            phase("measure", context);
            tickUntil(hlog, recorders, context, "measure", measureEnd);
            Snapshot atEnd = new Snapshot(cpu.read(), context);
            phase("drain", context);
            drainNanos = drain(hlog, recorders, context, subscribers, measureEnd + spec.drain().toNanos()) - measureEnd;

            context.stopping = true;
            // delivery is counted at the drain's end: what arrives later (during the memory points) does not count
            Delivery delivery = Delivery.NONE;
            long subscribersWithLoss = 0;
            for (Subscriber s : subscribers) {
                Delivery d = s.integrity.finish();
                delivery = delivery.plus(d);
                if (d.lost() > 0) {
                    subscribersWithLoss++;
                }
            }
            writeInterval(hlog, recorders);
            List<Map<String, Object>> memory = memoryPoints(context, subscribers);
            for (Subscriber s : subscribers) {
                s.stop();
            }
            timer.shutdownNow();
            Map<String, Object> result = result(context, delivery, subscribersWithLoss, connectedAfterRamp, rampNanos,
                    atStart.cpu, atEnd.cpu);
            result.put("costs", costs(delivery, atStart, atEnd));
            result.put("memoryPoints", memory);
            result.put("idle", idle);
            return result;
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * Opens and closes a few throw-away subscriptions before the ramp, unrecorded: the first
     * connections of a cold JVM pay for class loading and first-use initialisation on both sides,
     * which would otherwise land in the measured connect times of the first subscribers. A few are
     * enough for that (JIT needs thousands of calls and happens in the warm-up phase); more only
     * cost every cell time, most of all over TLS.
     */
    private void warmUpClients(ClientEngine engine, ScheduledExecutorService timer) throws InterruptedException {
        LoadContext warm = new LoadContext("warm-up-", spec, engine, new Recorders(), new Window(), timer);
        int n = Math.min(spec.connections(), WARM_UP_SUBSCRIPTIONS);
        Subscriber[] subscribers = new Subscriber[n];
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            subscribers[i] = newSubscriber(warm, i);
            subscribers[i].start(now);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (warm.everLive.sum() < n && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        warm.stopping = true;
        for (Subscriber s : subscribers) {
            s.stop();
        }
    }

    /** Counters read at the edges of the measured window. */
    private static final class Snapshot {
        final CpuClock.Reading cpu;
        final long bytesIn;
        final long bytesOut;
        final long pollRequests;
        final long emptyPolls;

        Snapshot(CpuClock.Reading cpu, LoadContext context) {
            this.cpu = cpu;
            this.bytesIn = context.engine.bytesIn();
            this.bytesOut = context.engine.bytesOut();
            this.pollRequests = context.pollRequests.sum();
            this.emptyPolls = context.emptyPolls.sum();
        }
    }

    /**
     * The load generator's side of the cost ledger, per delivered message of the window: its CPU,
     * the bytes its sockets read and wrote (everything on the wire: HTTP framing, TLS records,
     * heartbeats, and for polling every request and empty answer), and for polling the requests.
     */
    private static Map<String, Object> costs(Delivery d, Snapshot start, Snapshot end) {
        double delivered = d.delivered();
        Map<String, Object> costs = new LinkedHashMap<>();
        Map<String, Object> loadgen = new LinkedHashMap<>();
        loadgen.put("cpuMicrosPerMessage", perMessage((end.cpu.cpuNanos() - start.cpu.cpuNanos()) / 1000.0, delivered));
        costs.put("loadgen", loadgen);
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("bytesDownPerMessage", perMessage(end.bytesIn - start.bytesIn, delivered));
        wire.put("bytesUpPerMessage", perMessage(end.bytesOut - start.bytesOut, delivered));
        wire.put("bytesDownInWindow", end.bytesIn - start.bytesIn);
        wire.put("bytesUpInWindow", end.bytesOut - start.bytesOut);
        costs.put("wire", wire);
        long requests = end.pollRequests - start.pollRequests;
        if (requests > 0) {
            Map<String, Object> polling = new LinkedHashMap<>();
            polling.put("requestsPerMessage", perMessage(requests, delivered));
            polling.put("emptyResponseRatio", round3((double) (end.emptyPolls - start.emptyPolls) / requests));
            polling.put("requestsInWindow", requests);
            costs.put("polling", polling);
        }
        return costs;
    }

    private static Object perMessage(double total, double messages) {
        return messages == 0 ? null : round3(total / messages);
    }

    /**
     * Memory at several connection counts, after the window (so GC pauses never touch a measured
     * event): with all subscribers live, then three quarters, a half, a quarter, none… each point after a GC
     * here and, through the coordinator, in the server. The slope over the points is the memory per
     * connection; one point alone would be mostly the JVM's own baseline.
     */
    private List<Map<String, Object>> memoryPoints(LoadContext context, Subscriber[] subscribers) throws InterruptedException {
        List<Map<String, Object>> points = new ArrayList<>();
        int n = subscribers.length;
        // five points, so that one disturbed reading cannot move the (median) slope much
        int[] targets = n >= 4 ? new int[] {n, 3 * n / 4, n / 2, n / 4, 0} : new int[] {n, 0};
        int open = n;
        for (int target : targets) {
            for (int i = target; i < open; i++) {
                subscribers[i].stop();
            }
            open = target;
            TimeUnit.MILLISECONDS.sleep(30); // let the closes go out; the runner waits for the server to see them
            // the generator's heap per connection is read idle -> N (its bookkeeping stays after closes),
            // so only the first point needs a GC; the server GCs at every point
            Map<String, Object> stats = PROCESS.read(points.isEmpty());
            long live = context.live.sum();
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("connections", live);
            point.put("loadgen", stats);
            coordinator.memoryPoint(live, stats);
            points.add(point);
        }
        return points;
    }

    private static final dev.pushbench.core.ProcessStats PROCESS = new dev.pushbench.core.ProcessStats();

    private Subscriber newSubscriber(LoadContext context, int index) {
        Transport t = spec.transport();
        if (spec.engine() == ClientEngineKind.NIO) {
            // LoadSpec has refused every other transport (and every protocol but HTTP/1.1) for this engine
            return t == Transport.SSE ? new NioSseSubscriber(context, index) : new NioWebSocketSubscriber(context, index);
        }
        switch (t) {
            case SSE:
                return new SseSubscriber(context, index);
            case WEBSOCKET:
                return new WebSocketSubscriber(context, index);
            case LONG_POLLING:
                return new LongPollSubscriber(context, index);
            case SHORT_POLLING:
                return new ShortPollSubscriber(context, index);
            default:
                throw new IllegalArgumentException("no subscriber for transport " + t);
        }
    }

    private void phase(String name, LoadContext context) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "phase");
        m.put("phase", name);
        m.put("nanoTime", System.nanoTime());
        m.put("live", context.live.sum());
        progress.accept(m);
    }

    /**
     * The drain: late events of the window may still arrive until {@code untilNanos}, but once every
     * subscriber has every event of the window it is owed (by the schedule, not by what arrived),
     * none can be late any more and the drain ends early. A lost event keeps it to the end.
     *
     * @return when it ended
     */
    private long drain(HistogramLogWriter hlog, Recorders recorders, LoadContext context, Subscriber[] subscribers,
                       long untilNanos) throws InterruptedException {
        long nextTick = System.nanoTime() + PROGRESS_NANOS;
        int owing = 0; // those before it owe nothing; after the window that holds (a new session is owed none of it)
        for (;;) {
            long now = System.nanoTime();
            while (owing < subscribers.length && subscribers[owing].integrity.owesNothing()) {
                owing++;
            }
            if (now >= untilNanos || owing == subscribers.length) {
                return Math.min(now, untilNanos);
            }
            if (now >= nextTick) {
                tick(hlog, recorders, context, "drain", nextTick);
                nextTick += PROGRESS_NANOS;
            } else {
                TimeUnit.NANOSECONDS.sleep(Math.min(DRAIN_CHECK_NANOS, Math.min(nextTick, untilNanos) - now));
            }
        }
    }

    private void tickUntil(HistogramLogWriter hlog, Recorders recorders, LoadContext context, String phase, long untilNanos)
            throws InterruptedException {
        while (System.nanoTime() < untilNanos) {
            tick(hlog, recorders, context, phase, Math.min(untilNanos, System.nanoTime() + PROGRESS_NANOS));
        }
    }


    /** Sleeps to {@code untilNanos}, then writes an interval to the log and a progress line. */
    private void tick(HistogramLogWriter hlog, Recorders recorders, LoadContext context, String phase, long untilNanos)
            throws InterruptedException {
        long sleep = untilNanos - System.nanoTime();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        Map<Metric, Histogram> interval = writeInterval(hlog, recorders);
        long events = interval.get(Metric.LATENCY).getTotalCount();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "progress");
        m.put("phase", phase);
        m.put("live", context.live.sum());
        m.put("connected", context.everLive.sum());
        m.put("connectFailures", context.connectFailures.sum());
        m.put("eventsInInterval", events);
        m.put("p99Micros", events == 0 ? 0 : interval.get(Metric.LATENCY).getValueAtPercentile(99) / 1000.0);

        progress.accept(m);
    }

    private static Map<Metric, Histogram> writeInterval(HistogramLogWriter hlog, Recorders recorders) {
        Map<Metric, Histogram> interval = recorders.collectInterval();
        for (Histogram h : interval.values()) {
            if (h.getTotalCount() > 0) {
                hlog.outputIntervalHistogram(h);
            }
        }
        return interval;
    }

    private Map<String, Object> result(LoadContext context, Delivery d, long subscribersWithLoss, long connectedAfterRamp,
                                       long rampNanos, CpuClock.Reading cpuStart, CpuClock.Reading cpuEnd) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("event", "result");
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("target", spec.connections());
        connections.put("connected", connectedAfterRamp);
        connections.put("connectFailures", context.connectFailures.sum());
        connections.put("disconnects", context.disconnects.sum());
        connections.put("reconnects", context.reconnects.sum());
        connections.put("subscriptions", context.subscriptions.sum());
        connections.put("tcpConnectionsOpened", context.engine.connectionsOpened());
        connections.put("rampSeconds", rampNanos / 1e9);
        r.put("connections", connections);
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("expected", d.expected());
        delivery.put("delivered", d.delivered());
        delivery.put("lost", d.lost());
        delivery.put("late", d.late());
        delivery.put("duplicated", d.duplicated());
        delivery.put("reordered", d.reordered());
        delivery.put("subscribersWithLoss", subscribersWithLoss);
        delivery.put("scheduleMismatches", d.scheduleMismatches());
        r.put("delivery", delivery);
        Recorders rec = context.recorders;
        r.put("latencyMicros", HistogramSummary.ofNanos(rec.total(Metric.LATENCY)).toMap());
        r.put("latencyActualMicros", HistogramSummary.ofNanos(rec.total(Metric.LATENCY_ACTUAL)).toMap());
        r.put("connectMicros", HistogramSummary.ofNanos(rec.total(Metric.CONNECT)).toMap());
        r.put("tcpConnectMicros", HistogramSummary.ofNanos(rec.total(Metric.TCP_CONNECT)).toMap());
        if (spec.protocol().isTls()) {
            r.put("tlsHandshakeMicros", HistogramSummary.ofNanos(rec.total(Metric.TLS_HANDSHAKE)).toMap());
        }
        if (spec.transport().isPolling()) {
            if (spec.transport() == Transport.SHORT_POLLING) {
                r.put("pollMicros", HistogramSummary.ofNanos(rec.total(Metric.POLL)).toMap());
            }
            Map<String, Object> polling = new LinkedHashMap<>();
            long requests = context.pollRequests.sum();
            polling.put("requests", requests);
            polling.put("emptyAnswers", context.emptyPolls.sum());
            polling.put("emptyResponseRatio", requests == 0 ? 0.0 : (double) context.emptyPolls.sum() / requests);
            r.put("polling", polling);
        }
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("startNanos", context.window.startNanos());
        window.put("endNanos", context.window.endNanos());
        window.put("warmupSeconds", spec.warmup().toMillis() / 1000.0);
        window.put("measureSeconds", spec.duration().toMillis() / 1000.0);
        window.put("drainSeconds", drainNanos / 1e9);
        window.put("drainLimitSeconds", spec.drain().toMillis() / 1000.0);
        r.put("window", window);
        Map<String, Object> health = new LinkedHashMap<>();
        double wallSeconds = (cpuEnd.wallNanos() - cpuStart.wallNanos()) / 1e9;
        double cpuSeconds = (cpuEnd.cpuNanos() - cpuStart.cpuNanos()) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        double cpuPercent = wallSeconds <= 0 ? 0 : 100.0 * cpuSeconds / wallSeconds;
        health.put("cpuSecondsInWindow", round3(cpuSeconds));
        health.put("cpuPercent", round3(cpuPercent));
        health.put("cores", cores);
        // saturated: the generator used nearly all the machine's CPU, so its timestamps may be late
        health.put("saturated", cpuPercent >= 85.0 * cores);
        health.put("protocolErrors", context.protocolErrors.sum());
        health.put("clampedValues", rec.clampedValues());
        health.put("lastError", context.lastError);
        health.put("engine", spec.engine().id());
        health.put("client", context.engine.description());
        r.put("loadgen", health);
        return r;
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** Process CPU time next to wall time, from the JVM's OperatingSystemMXBean. */
    static final class CpuClock {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        record Reading(long wallNanos, long cpuNanos) {
        }

        Reading read() {
            return new Reading(System.nanoTime(), os.getProcessCpuTime());
        }
    }

}
