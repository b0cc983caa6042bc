package dev.pushbench.loadgen;

import dev.pushbench.client.ClientEngine;
import dev.pushbench.core.Clocks;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.IntegrityTracker.Delivery;
import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramCodec;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one cell's load: ramps the subscribers open-loop, warms up, measures a window, drains, and
 * returns what it saw. Drivers ({@link Subscriber} per transport) emit; {@link IntegrityTracker} and
 * {@link Recorders} record; this class only sequences the phases and writes the interval log.
 *
 * <pre>
 *   LoadResult result = new LoadGenerator(spec, message -&gt; channel.send(message), coordinator).run();
 * </pre>
 *
 * <p>Phases, all on the load generator's clock (the server shares it, see the runner's clock check):
 * subscription {@code i} is planned at {@code legStart + i / rampRate} and its connect time counts
 * from that plan, the {@link Ramp} pausing at 0, ¼, ½, ¾ and all live for a memory point (at 0 and all
 * live only without the {@link LoadSpec#memorySweep}); when all are live (or the ramp has timed out) the
 * warm-up runs; the window is then {@code [start, start + duration)} by intended publish time; after it,
 * {@code drain} lets late events arrive; then everything is counted and closed, in steps with the memory
 * sweep ({@link MemoryPoints}), at once without it. Progress goes to the consumer as
 * {@link ControlMessage.Phase} at each phase's start and {@link ControlMessage.Progress} once a second.
 *
 * <p>It reports its CPU over the window, the cores, and its own stalls over the window ({@link StallMeter});
 * whether that saturated it is the runner's judgement, which also knows the server's CPU.
 *
 * <p>Faults: the runner tells it of each fault it applied while the load runs ({@link #faulted}, from any
 * thread); the subscribers whose connections it hit record what it cost them (see {@link Subscriber}), into
 * the {@code resilience} block's fault figures.
 *
 * <p>The class is long because the run's phases and the result they add up to share one set of
 * counters and snapshots: split apart, each half would need the other's state passed in.
 */
public final class LoadGenerator {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DRAIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int WARM_UP_SUBSCRIPTIONS = 8;

    private final LoadSpec spec;
    private final Consumer<ControlMessage> progress;
    private final Coordinator coordinator;
    /** How long the drain took: at most the spec's, shorter when nothing of the window was owed any more. */
    private long drainNanos;
    /** The measured subscribers and their context, once made (for {@link #faulted}); null before and after. */
    private volatile Subscriber[] running;
    private volatile LoadContext runningContext;

    /**
     * Lets the runner measure the server at the same moments as the load generator measures itself:
     * the memory points, each with a known number of live connections.
     */
    @FunctionalInterface
    public interface Coordinator {
        /**
         * {@code connections} subscriptions are live and the generator's own stats taken; returns when
         * the runner is done.
         *
         * @param sweep {@link ControlMessage.MemoryPoint#UP} (a pause of the ramp) or {@link ControlMessage.MemoryPoint#DOWN}
         */
        void memoryPoint(long connections, ProcessSnapshot loadgen, String sweep) throws InterruptedException;

        /**
         * The client is warm (its throw-away subscriptions closed) and its idle stats taken; returns
         * when the ramp may begin. The runner verifies the server meanwhile, then reads it at idle.
         */
        default void readyToRamp() throws InterruptedException {
        }

        Coordinator NONE = (connections, loadgen, sweep) -> { };
    }

    public LoadGenerator(LoadSpec spec, Consumer<ControlMessage> progress) {
        this(spec, progress, Coordinator.NONE);
    }

    /** Intervals written so far: the next one's {@code seq}. */
    private long intervals;

    public LoadGenerator(LoadSpec spec, Consumer<ControlMessage> progress, Coordinator coordinator) {
        this.spec = spec;
        this.progress = progress;
        this.coordinator = coordinator;
    }

    /**
     * Runs the cell's load to its end and closes the client.
     *
     * @return what it measured, with its reading of itself once the client is closed
     */
    public LoadResult run() throws Exception {
        LoadResult result = runLoad();
        return withProcess(result, PROCESS.read(false));
    }

    private LoadResult runLoad() throws Exception {
        Recorders recorders = new Recorders();
        Window window = new Window();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushbench-load-timer");
            t.setDaemon(true);
            return t;
        });
        Files.createDirectories(spec.hlogFile().toAbsolutePath().getParent());
        try (StallMeter stalls = StallMeter.start();
             ClientEngine engine = spec.engine().open(spec);
             PrintStream hlogOut = new PrintStream(Files.newOutputStream(spec.hlogFile()), false, "UTF-8")) {
            HistogramLogWriter hlog = new HistogramLogWriter(hlogOut);
            long startMillis = System.currentTimeMillis();
            hlog.outputComment("pushbench load generator: values in nanoseconds; tags: latency, latency-actual, connect, tcp-connect, connect-call, tls-handshake, poll, resume, detect, ack, echo");
            hlog.outputLogFormatVersion();
            hlog.outputStartTime(startMillis);
            hlog.setBaseTime(startMillis);
            hlog.outputLegend();

            Publishing publishing = spec.publish() == null ? null
                    : new Publishing(spec, window, recorders, new PublishLedger(spec.schedule()));
            LoadContext context = new LoadContext("s", spec, engine, recorders, window, timer, publishing);
            Subscriber[] subscribers = new Subscriber[spec.connections()];
            for (int i = 0; i < subscribers.length; i++) {
                subscribers[i] = newSubscriber(context, i);
            }
            runningContext = context;
            running = subscribers;
            CpuClock cpu = new CpuClock();
            warmUpClients(engine, timer);
            engine.onTcpConnect(nanos -> recorders.record(Metric.TCP_CONNECT, nanos));
            engine.onConnectCall(nanos -> recorders.record(Metric.CONNECT_CALL, nanos));
            engine.onTlsHandshake(nanos -> recorders.record(Metric.TLS_HANDSHAKE, nanos));
            ProcessSnapshot idle = PROCESS.read(true);
            coordinator.readyToRamp();

            phase(ControlMessage.Phase.RAMP, context);
            MemoryPoints memory = new MemoryPoints(coordinator, context);
            Ramp.Times ramp = new Ramp(spec, context, memory,
                    until -> tick(hlog, recorders, context, ControlMessage.Phase.RAMP, until)).run(subscribers);
            long connectedAfterRamp = context.everLive.sum();

            // no subscriber ever live: nothing to warm up or measure, the cell fails with the connect failures' reason
            boolean anyLive = connectedAfterRamp > 0;
            long measureStart = Clocks.nanoTime() + (anyLive ? spec.warmup().toNanos() : 0);
            long measureEnd = measureStart + (anyLive ? spec.duration().toNanos() : TimeUnit.MILLISECONDS.toNanos(1));
            window.set(measureStart, measureEnd);
            context.reconnectLedger.counting = true; // resilience covers the cell after the ramp
            phase(ControlMessage.Phase.WARMUP, context);
            if (publishing != null && anyLive) {
                publishing.start(Clocks.nanoTime(), measureEnd, subscribers); // the warm-up's messages are not counted
            }
            tickUntil(hlog, recorders, context, ControlMessage.Phase.WARMUP, measureStart);
            Snapshot atStart = new Snapshot(cpu.read(), context);
            stalls.beginWindow();
            phase(ControlMessage.Phase.MEASURE, context);
            tickUntil(hlog, recorders, context, ControlMessage.Phase.MEASURE, measureEnd);
            HistogramSummary delayMicros = stalls.endWindow();
            Snapshot atEnd = new Snapshot(cpu.read(), context);
            phase(ControlMessage.Phase.DRAIN, context);
            drainNanos = drain(hlog, recorders, context, subscribers, measureEnd + spec.drain().toNanos()) - measureEnd;

            context.stopping = true;
            running = null;
            if (publishing != null) {
                publishing.stop();
            }
            // delivery is counted at the drain's end: what arrives later (during the memory points) does not count
            long countedNanos = Clocks.nanoTime();
            for (Subscriber s : subscribers) {
                s.endStale(countedNanos);
            }
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
            if (spec.memorySweep()) {
                memory.down(subscribers);
            }
            for (Subscriber s : subscribers) {
                s.stop();
            }
            timer.shutdownNow();
            return result(context, delivery, subscribersWithLoss, connectedAfterRamp, ramp, atStart, atEnd, idle, delayMicros);
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * A fault the runner applied: it took effect at {@code fault.atNanos()} on the client connections whose
     * local ports {@code fault.clientPorts()} names (null: every connection). Each subscriber whose connection
     * was live then and is named is hit ({@link Subscriber#faulted}). From any thread, while the load runs;
     * before the subscribers exist or after the drain it is ignored.
     *
     * @return the subscribers it hit
     */
    public int faulted(ControlMessage.Faulted fault) {
        Subscriber[] subscribers = running;
        LoadContext context = runningContext;
        if (subscribers == null || context == null || context.stopping) {
            return 0;
        }
        return hit(context, subscribers, fault);
    }

    /** {@code fault} among {@code subscribers} of {@code context}: counted as reported, each subscriber hit or not. */
    static int hit(LoadContext context, Subscriber[] subscribers, ControlMessage.Faulted fault) {
        context.reconnectLedger.faultsReported = true;
        Set<Integer> ports = fault.clientPorts() == null ? null : new HashSet<>(fault.clientPorts());
        int hit = 0;
        for (Subscriber s : subscribers) {
            if (s.faulted(fault.fault(), fault.atNanos(), ports)) {
                hit++;
            }
        }
        return hit;
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
        long now = Clocks.nanoTime();
        for (int i = 0; i < n; i++) {
            subscribers[i] = newSubscriber(warm, i);
            subscribers[i].start(now);
        }
        long deadline = Clocks.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (warm.everLive.sum() < n && Clocks.nanoTime() < deadline) {
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
        final long reads;
        final long pollRequests;
        final long emptyPolls;
        /** Live subscribers, and the TCP connections the engine holds open: streams, polls and POST connections. */
        final long live;
        final long openConnections;

        Snapshot(CpuClock.Reading cpu, LoadContext context) {
            this.live = context.live.sum();
            this.openConnections = context.engine.connectionsOpened() - context.engine.connectionsClosed();
            this.cpu = cpu;
            this.bytesIn = context.engine.bytesIn();
            this.bytesOut = context.engine.bytesOut();
            this.reads = context.engine.reads();
            this.pollRequests = context.pollRequests.sum();
            this.emptyPolls = context.emptyPolls.sum();
        }
    }

    /**
     * The load generator's side of the cost ledger, per delivered message of the window: its CPU,
     * the bytes its sockets read and wrote (everything on the wire: HTTP framing, TLS records,
     * heartbeats, and for polling every request and empty answer), and for polling the requests.
     */
    private static CellResult.Costs costs(Delivery d, Snapshot start, Snapshot end) {
        double delivered = d.delivered();
        CellResult.ProcessCosts loadgen = CellResult.ProcessCosts.ofCpu(
                perMessage((end.cpu.cpuNanos() - start.cpu.cpuNanos()) / 1000.0, delivered));
        long bytesDown = end.bytesIn - start.bytesIn;
        long bytesUp = end.bytesOut - start.bytesOut;
        CellResult.Wire wire = new CellResult.Wire(perMessage(bytesDown, delivered), perMessage(bytesUp, delivered),
                bytesDown, bytesUp, start.reads < 0 ? null : end.reads - start.reads);
        long requests = end.pollRequests - start.pollRequests;
        CellResult.PollingCosts polling = requests <= 0 ? null : new CellResult.PollingCosts(perMessage(requests, delivered),
                round3((double) (end.emptyPolls - start.emptyPolls) / requests), requests);
        return new CellResult.Costs(null, loadgen, wire, polling);
    }

    private static Double perMessage(double total, double messages) {
        return messages == 0 ? null : round3(total / messages);
    }

    private static final ProcessStats PROCESS = new ProcessStats();

    private Subscriber newSubscriber(LoadContext context, int index) {
        Transport t = spec.transport();
        boolean nio = spec.engine() == ClientEngineKind.NIO; // LoadSpec has refused what the engine cannot run
        switch (t) {
            case SSE:
                return nio ? new NioSseSubscriber(context, index) : new SseSubscriber(context, index);
            case WEBSOCKET:
                return nio ? new NioWebSocketSubscriber(context, index) : new WebSocketSubscriber(context, index);
            case LONG_POLLING:
            case SHORT_POLLING:
                return nio ? new NioPollingSubscriber(context, index) : new PollingSubscriber(context, index);
            default:
                throw new IllegalArgumentException("no subscriber for transport " + t);
        }
    }

    private void phase(String name, LoadContext context) {
        progress.accept(new ControlMessage.Phase(name, Clocks.nanoTime(), context.live.sum()));
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
        long nextTick = Clocks.nanoTime() + PROGRESS_NANOS;
        int owing = 0; // those before it owe nothing; after the window that holds (a new session is owed none of it)
        for (;;) {
            long now = Clocks.nanoTime();
            // a two-way cell's subscribers are owed what the server acknowledged: wait for every answer first
            boolean settled = context.publishing == null || context.publishing.allSettled();
            while (settled && owing < subscribers.length && subscribers[owing].integrity.owesNothing()) {
                owing++;
            }
            if (now >= untilNanos || owing == subscribers.length) {
                return Math.min(now, untilNanos);
            }
            if (now >= nextTick) {
                tick(hlog, recorders, context, ControlMessage.Phase.DRAIN, nextTick);
                nextTick += PROGRESS_NANOS;
            } else {
                TimeUnit.NANOSECONDS.sleep(Math.min(DRAIN_CHECK_NANOS, Math.min(nextTick, untilNanos) - now));
            }
        }
    }

    private void tickUntil(HistogramLogWriter hlog, Recorders recorders, LoadContext context, String phase, long untilNanos)
            throws InterruptedException {
        while (Clocks.nanoTime() < untilNanos) {
            tick(hlog, recorders, context, phase, Math.min(untilNanos, Clocks.nanoTime() + PROGRESS_NANOS));
        }
    }

    /** Sleeps to {@code untilNanos}, then writes an interval to the log and a progress line. */
    private void tick(HistogramLogWriter hlog, Recorders recorders, LoadContext context, String phase, long untilNanos)
            throws InterruptedException {
        long sleep = untilNanos - Clocks.nanoTime();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        Map<Metric, Histogram> interval = writeInterval(hlog, recorders);
        long events = interval.get(Metric.LATENCY).getTotalCount();
        progress.accept(new ControlMessage.Progress(phase, context.live.sum(), context.everLive.sum(),
                context.connectFailures.sum(), events,
                events == 0 ? 0 : interval.get(Metric.LATENCY).getValueAtPercentile(99) / 1000.0));
    }

    private Map<Metric, Histogram> writeInterval(HistogramLogWriter hlog, Recorders recorders) {
        Map<Metric, Histogram> interval = recorders.collectInterval();
        long seq = intervals++;
        for (Histogram h : interval.values()) {
            if (h.getTotalCount() > 0) {
                hlog.outputIntervalHistogram(h);
                if (spec.streamIntervals()) {
                    progress.accept(new ControlMessage.Interval(null, seq, h.getTag(), h.getStartTimeStamp(),
                            h.getEndTimeStamp(), HistogramCodec.encode(h)));
                }
            }
        }
        return interval;
    }

    private LoadResult result(LoadContext context, Delivery d, long subscribersWithLoss, long connectedAfterRamp,
                              Ramp.Times ramp, Snapshot atStart, Snapshot atEnd, ProcessSnapshot idle,
                              HistogramSummary delayMicros) {
        CellResult.Connections connections = new CellResult.Connections((long) spec.connections(), connectedAfterRamp,
                context.connectFailures.sum(), context.disconnects.sum(), context.reconnects.sum(),
                context.subscriptions.sum(), context.engine.connectionsOpened(), round3(ramp.actualNanos() / 1e9),
                round3(ramp.plannedNanos() / 1e9), context.rampConnects.sum(), context.lateRampConnects.sum(),
                LoadContext.LATE_SEND_NANOS / 1e6, round3(context.maxRampLateNanos.get() / 1e6),
                spec.sourceAddresses().stream().map(InetAddress::getHostAddress).collect(Collectors.toList()));
        CellResult.Delivery delivery = new CellResult.Delivery(d.expected(), d.delivered(), d.lost(), d.late(),
                d.duplicated(), d.reordered(), subscribersWithLoss, d.scheduleMismatches());
        Recorders rec = context.recorders;
        HistogramSummary tlsHandshake = spec.protocol().isTls() ? HistogramSummary.ofNanos(rec.total(Metric.TLS_HANDSHAKE)) : null;
        HistogramSummary poll = spec.transport() == Transport.SHORT_POLLING ? HistogramSummary.ofNanos(rec.total(Metric.POLL)) : null;
        CellResult.Polling polling = null;
        if (spec.transport().isPolling()) {
            long requests = context.pollRequests.sum();
            long empty = context.emptyPolls.sum();
            polling = new CellResult.Polling(requests, empty, requests == 0 ? 0.0 : (double) empty / requests);
        }
        CellResult.Window window = new CellResult.Window(context.window.startNanos(), context.window.endNanos(),
                spec.warmup().toMillis() / 1000.0, spec.duration().toMillis() / 1000.0, drainNanos / 1e9,
                spec.drain().toMillis() / 1000.0);
        double wallSeconds = (atEnd.cpu.wallNanos() - atStart.cpu.wallNanos()) / 1e9;
        double cpuSeconds = (atEnd.cpu.cpuNanos() - atStart.cpu.cpuNanos()) / 1e9;
        double cpuPercent = wallSeconds <= 0 ? 0 : 100.0 * cpuSeconds / wallSeconds;
        // whether that saturated it is the runner's call, with the server's CPU beside it
        CellResult.Loadgen health = new CellResult.Loadgen(round3(cpuSeconds), round3(cpuPercent),
                Runtime.getRuntime().availableProcessors(), null, context.protocolErrors.sum(), rec.clampedValues(),
                context.lastError, spec.engine().id(), context.engine.description(), null, null, null, null,
                context.scheduledSends.sum(), context.lateSends.sum(), LoadContext.LATE_SEND_NANOS / 1e6,
                round3(context.maxLateNanos.get() / 1e6), delayMicros);
        return new LoadResult(connections, delivery, HistogramSummary.ofNanos(rec.total(Metric.LATENCY)),
                HistogramSummary.ofNanos(rec.total(Metric.LATENCY_ACTUAL)), HistogramSummary.ofNanos(rec.total(Metric.CONNECT)),
                HistogramSummary.ofNanos(rec.total(Metric.TCP_CONNECT)), HistogramSummary.ofNanos(rec.total(Metric.CONNECT_CALL)),
                tlsHandshake, poll, polling, window, health,
                costs(d, atStart, atEnd), idle, null, context.reconnectLedger.result(
                        HistogramSummary.ofNanos(rec.total(Metric.RESUME)), d.lostAcrossReconnect(), d.duplicatedAcrossReconnect(),
                        HistogramSummary.ofNanos(rec.total(Metric.DETECT))), upstream(context, atStart, atEnd));
    }

    /** Two-way cells: what the subscribers published in the window and how it came back; null for one-way ones. */
    private CellResult.Upstream upstream(LoadContext context, Snapshot atStart, Snapshot atEnd) {
        Publishing p = context.publishing;
        if (p == null) {
            return null;
        }
        long published = p.published.sum();
        String path = spec.transport() == Transport.WEBSOCKET ? CellResult.Upstream.IN_BAND
                : spec.protocol().isHttp2() ? CellResult.Upstream.POST_SAME : CellResult.Upstream.POST_SEPARATE;
        Double perClient = atEnd.live == 0 ? null : round3((double) atEnd.openConnections / atEnd.live);
        Recorders rec = context.recorders;
        return new CellResult.Upstream(published, p.acked.sum(), p.failed.sum(), HistogramSummary.ofNanos(rec.total(Metric.ACK)),
                HistogramSummary.ofNanos(rec.total(Metric.ECHO)), perMessage(atEnd.bytesOut - atStart.bytesOut, published),
                perClient, path, null, null);
    }

    private static LoadResult withProcess(LoadResult r, ProcessSnapshot process) {
        return new LoadResult(r.connections(), r.delivery(), r.latencyMicros(), r.latencyActualMicros(), r.connectMicros(),
                r.tcpConnectMicros(), r.connectCallMicros(), r.tlsHandshakeMicros(), r.pollMicros(), r.polling(), r.window(),
                r.loadgen().withProcess(process), r.costs(), r.idle(), process, r.resilience(), r.upstream());
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
