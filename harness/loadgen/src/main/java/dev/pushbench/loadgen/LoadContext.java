package dev.pushbench.loadgen;

import dev.pushbench.client.ClientEngine;
import dev.pushbench.client.JettyClientEngine;
import dev.pushbench.client.nio.NioEngine;
import dev.pushbench.core.Clocks;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** What every subscriber of one run shares: the spec, the client engine, the recorders and counters. */
final class LoadContext {
    final LoadSpec spec;
    final ClientEngine engine;
    final Recorders recorders;
    final Window window;
    final ScheduledExecutorService timer;
    final LongAdder live = new LongAdder();
    final LongAdder everLive = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder subscriptions = new LongAdder();
    final LongAdder pollRequests = new LongAdder();
    final LongAdder emptyPolls = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    /** Unasked ends after the ramp, their causes, and the reconnects: the {@code resilience} figures. */
    final Reconnects reconnectLedger;
    /**
     * A send the generator planned on its own timer that ran this long after its plan or more is late:
     * the generator, not the server, fell behind (a busy timer thread, a starved process).
     */
    static final long LATE_SEND_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    final LongAdder scheduledSends = new LongAdder();
    final LongAdder lateSends = new LongAdder();
    final LongAccumulator maxLateNanos = new LongAccumulator(Math::max, 0);
    final LongAdder rampConnects = new LongAdder();
    final LongAdder lateRampConnects = new LongAdder();
    final LongAccumulator maxRampLateNanos = new LongAccumulator(Math::max, 0);
    /** Starts every connection tag of this context: warm-up and measured subscribers never share a connection. */
    final String tagPrefix;
    /** Two-way cells: the publishers' schedule, acknowledgements and failures; null for a one-way cell or the warm-up. */
    final Publishing publishing;
    /** What each topic's subscribers are owed: the feed's schedule, and in a two-way cell the published messages. */
    final OwedEvents owed;
    volatile boolean stopping;
    volatile String lastError;

    LoadContext(String tagPrefix, LoadSpec spec, ClientEngine engine, Recorders recorders, Window window, ScheduledExecutorService timer) {
        this(tagPrefix, spec, engine, recorders, window, timer, null);
    }

    LoadContext(String tagPrefix, LoadSpec spec, ClientEngine engine, Recorders recorders, Window window,
                ScheduledExecutorService timer, Publishing publishing) {
        this.publishing = publishing;
        this.owed = publishing != null ? publishing.ledger() : OwedEvents.of(spec.schedule());
        this.tagPrefix = tagPrefix;
        this.spec = spec;
        this.engine = engine;
        this.recorders = recorders;
        this.window = window;
        this.timer = timer;
        this.reconnectLedger = new Reconnects(spec);
    }

    /** The Jetty engine, for the subscribers written on it. */
    JettyClientEngine jetty() {
        return (JettyClientEngine) engine;
    }

    /** The nio engine, for the subscribers written on it. */
    NioEngine nio() {
        return (NioEngine) engine;
    }

    String baseUri() {
        return spec.protocol().scheme() + "://" + spec.host() + ":" + spec.port();
    }

    /**
     * A send planned for {@code plannedNanos} on the generator's timer is going out now; counted when
     * planned inside the measured window, whose figures a late send would distort.
     */
    void sentOnSchedule(long plannedNanos) {
        if (!window.contains(plannedNanos)) {
            return;
        }
        long late = Clocks.nanoTime() - plannedNanos;
        scheduledSends.increment();
        if (late >= LATE_SEND_NANOS) {
            lateSends.increment();
        }
        maxLateNanos.accumulate(late);
    }

    /**
     * A subscription the ramp planned for {@code plannedNanos} starts its connect at {@code startNanos}:
     * later than {@link #LATE_SEND_NANOS} after the plan, the generator (its timer, a busy selector
     * thread, a slow connect call before it) was behind its own schedule.
     */
    void rampConnectStarted(long plannedNanos, long startNanos) {
        long late = startNanos - plannedNanos;
        rampConnects.increment();
        if (late >= LATE_SEND_NANOS) {
            lateRampConnects.increment();
        }
        maxRampLateNanos.accumulate(late);
    }

    void error(String message) {
        lastError = message;
    }
}
