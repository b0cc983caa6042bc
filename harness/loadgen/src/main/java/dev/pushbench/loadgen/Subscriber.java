package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.nio.ProtocolViolationException;
import dev.pushbench.core.Clocks;
import dev.pushbench.core.Event;
import dev.pushbench.core.EventFields;
import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.client.sse.SseParser;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated subscriber: one connection (at a time) to one topic. Transport clients extend it and
 * only move bytes: they call {@link #live(long)} when the subscription is live, {@link #event} for
 * each event with the raw nanosecond timestamps, and {@link #ended} when the connection ends unasked,
 * saying how ({@link StreamEnd}) and when it last read bytes. Accounting and recording happen here, in
 * {@link IntegrityTracker} and in {@link Reconnects}.
 *
 * <p>After an unasked end the subscriber reconnects, as a real client would, and resumes from the highest
 * event it saw. How long it waits: an SSE subscriber as a browser's EventSource, the stream's own
 * {@code retry:} (kept across its connections) or else the spec's {@link LoadSpec#reconnectDelay()},
 * never growing; WebSocket and polling subscribers by the spec's {@link ReconnectPolicy} backoff, whose
 * attempt count starts again each time a connection goes live. After the ramp each end is classified
 * ({@link Reconnects#classify}) and the time from the end to the first event after the resume is
 * recorded ({@link Metric#RESUME}): from the first end when reconnect attempts fail in between.
 *
 * <p>Faults ({@link #faulted}): a fault the runner applied hits this subscriber when its connection was
 * live at the fault and is the one named (by its local port, or all when none is named), also when the
 * subscriber has seen it end already (a reset travels faster than the runner's word). A hit records, once,
 * the time from the fault to the end seen ({@link Metric#DETECT}); the resume then counts from the fault;
 * and the subscriber is stale from the fault to its first event due at or after it. A hit connection that
 * delivers such an event without ending survived the fault: it has no detection time. Events delivered on a
 * resumed connection that were due before it went live are late across the reconnect (replayed). None of
 * this touches the delivery counts, which stay the integrity tracker's.
 *
 * <p>The class is long because a subscriber's life is one state machine (live, ended, reconnecting,
 * hit by a fault, stale, replaying) that every transport shares: its parts read and write the same
 * fields under the same lock.
 */
abstract class Subscriber {
    /** Failures while closing a connection are logged this many times per process, not more. */
    private static final int CLOSE_FAILURES_TO_LOG = 3;
    private static final AtomicInteger CLOSE_FAILURES_LOGGED = new AtomicInteger();

    final LoadContext context;
    final int index;
    final int topic;
    final IntegrityTracker integrity;
    private long plannedStartNanos;
    /** The ramp's plan for this subscription, until its first connect call starts ({@link #connectStarting}). */
    private volatile long rampPlannedNanos;
    private volatile boolean rampPending;
    private boolean isLive;
    private int sessionNumber;
    private final boolean churns;
    /** The connection being opened is a reconnect after an unasked end (until it is live). */
    private boolean reconnecting;
    /**
     * When a live connection ended unasked after the ramp, until the first event after the resume: 0 when
     * none is pending. Written on the ending connection's thread, read on the next one's (after the timer's
     * hand-off); volatile all the same, as it is read per event next to the tracker's lock.
     */
    private volatile long resumeFromNanos;
    private static final VarHandle RESUME_FROM;
    /**
     * A connection seen to end this long before a fault's time still counts as ended by it: the runner may
     * read the time just after the fault took effect (a server process stopped, then the clock read).
     */
    static final long END_BEFORE_FAULT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    static {
        try {
            RESUME_FROM = MethodHandles.lookup().findVarHandle(Subscriber.class, "resumeFromNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Connection attempts since the subscription was last live: the backoff's attempt number. */
    private int attemptsSinceLive;
    /** The reconnection time (ms) the stream last set with {@code retry:}, -1 none: an EventSource keeps it across connections. */
    private volatile long retryMillis = -1;
    // faults, guarded by this (but the two volatile ones, read per event)
    /** When the current connection went live. */
    private long liveSinceNanos;
    /** When the last live connection ended unasked (0: none), and its local port. */
    private long downSinceNanos;
    private int downPort = -1;
    /** The fault that hit the current (or the last ended) connection, 0: none since a connection last went live. */
    private long hitNanos;
    /** Which kind of fault that was ({@code cut-reset}, {@code blackhole}, …). */
    private String hitFault;
    /** The kind of fault the subscriber is stale since. */
    private volatile String staleFault;
    /** The hit connection was live at the fault and has not been seen to end yet. */
    private boolean detectPending;
    /** Stale since this fault until an event due at or after it arrives; 0: not stale. */
    private volatile long staleFromNanos;
    /** A resumed connection went live then: events due before it are replayed from history; 0: none to watch. */
    private volatile long replayBeforeNanos;

    Subscriber(LoadContext context, int index) {
        this.context = context;
        this.index = index;
        this.topic = context.spec.topicOf(index);
        this.integrity = new IntegrityTracker(context.spec.schedule(), context.owed, topic, context.window);
        this.churns = context.spec.eventsPerConnection() > 0;
    }

    /** One connection of a subscriber, with its own state, so a late callback of an old one cannot confuse a new one. */
    interface Connection {
        /** Closes it, expecting no {@link #ended} for it. */
        void close();

        /** The local port of its socket, also after it ended; -1 when unknown (not connected yet, or the engine cannot tell). */
        default int localPort() {
            return -1;
        }
    }

    private volatile Connection current;

    /**
     * Two-way cells: sends this subscriber's message {@code n} (the {@code body} the server takes) to {@code topic}, the
     * way its transport does; its answer goes to {@link Publishing#acked} or {@link Publishing#failed}. From the
     * publishing thread. By default with the {@link Posting} the subscriber was given ({@link #postWith}).
     *
     * @return false when it could not be sent (no live connection, or the transport cannot publish): a failure
     */
    boolean publish(long n, int topic, byte[] body) {
        Posting p = posting;
        return p != null && p.publish(n, topic, body, current);
    }

    /** True if this subscriber publishes: the cell is two-way and it is one of the publishers. */
    final boolean publishes() {
        return context.publishing != null && context.publishing.publishes(index);
    }

    /** An SSE or polling subscriber's way of posting its messages (when it {@link #publishes}); closed at its stop. */
    final void postWith(java.util.function.Function<Subscriber, Posting> make) {
        posting = publishes() ? make.apply(this) : null;
    }

    private Posting posting;

    /** How an SSE or polling subscriber posts its messages on its engine ({@code POST /publish/{topic}}). */
    interface Posting {
        /** Sends message {@code n} to {@code topic}; {@code current} is the subscription's connection now, or null. */
        boolean publish(long n, int topic, byte[] body, Connection current);

        /** Closes what it holds (a second connection) at the end of the run. */
        void close();
    }

    /** The connection in use now, or null. */
    final Connection currentConnection() {
        return current;
    }

    /** Opens a new connection and subscribes from now ({@code resumeCursor} &lt; 0) or after a cursor. */
    protected abstract Connection open(long resumeCursor);

    private void connect(long resumeCursor) {
        current = open(resumeCursor);
    }

    private void disconnect() {
        Connection connection = current;
        current = null; // a closed connection's objects (its request, the abort cause) are not kept
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                // a client library's bug in closing must not end the run and lose what it measured
                if (CLOSE_FAILURES_LOGGED.getAndIncrement() < CLOSE_FAILURES_TO_LOG) {
                    System.err.println("subscriber " + index + ": closing its connection failed, going on: " + e);
                    e.printStackTrace();
                }
            }
        }
    }

    /** A tag that gives each session its own connection (and so its own connect cost). */
    final String connectionTag() {
        return context.tagPrefix + index + "." + sessionNumber;
    }

    final String topicName() {
        return dev.pushbench.core.FeedSpec.topicName(topic);
    }

    /** {@link #start} from the generator's timer, which counts whether it ran late by the plan. */
    final void startOnSchedule(long plannedNanos) {
        context.sentOnSchedule(plannedNanos);
        rampPlannedNanos = plannedNanos;
        rampPending = true;
        if (!reportsConnectStart()) {
            connectStarting(Clocks.nanoTime());
        }
        start(plannedNanos);
    }

    /**
     * True if this subscriber's client calls {@link #connectStarting} itself when its connect call
     * starts (the nio engine, on its selector thread); otherwise the ramp's timer counts the start.
     */
    protected boolean reportsConnectStart() {
        return false;
    }

    /** The first connect of a ramp subscription starts now: the ramp counts how late by its plan. */
    final void connectStarting(long nowNanos) {
        if (rampPending) {
            rampPending = false;
            context.rampConnectStarted(rampPlannedNanos, nowNanos);
        }
    }

    /** Starts the first session; its connect time counts from {@code plannedNanos} (open-loop ramp). */
    final void start(long plannedNanos) {
        synchronized (this) {
            plannedStartNanos = plannedNanos;
            reconnecting = false;
        }
        context.subscriptions.increment();
        connect(-1);
    }

    /** The subscription is live after {@code startCursor}: for a new session, or again after a reconnect. */
    final void live(long startCursor) {
        boolean newSession;
        long planned;
        long nowNanos = Clocks.nanoTime();
        synchronized (this) {
            newSession = plannedStartNanos != 0;
            planned = plannedStartNanos;
            plannedStartNanos = 0;
            reconnecting = false;
            if (!isLive) {
                isLive = true;
                context.live.increment();
            }
            attemptsSinceLive = 0;
            liveSinceNanos = nowNanos;
            hitNanos = 0;
            detectPending = false;
        }
        replayBeforeNanos = newSession ? 0 : nowNanos;
        if (newSession) {
            context.recorders.record(Metric.CONNECT, nowNanos - planned);
            context.everLive.increment();
            integrity.startSession(startCursor, context.spec.eventsPerConnection());
        }
    }

    /** An event arrived; {@code receivedNanos} is when its bytes were read. */
    final void event(long seq, long intendedNanos, long sentNanos, long receivedNanos) {
        event(seq, intendedNanos, sentNanos, receivedNanos, -1);
    }

    /**
     * An event arrived, published by client {@code from} (-1: the feed's); a message this subscriber published
     * itself is its echo ({@link Metric#ECHO}), timed from when it was due to be sent.
     */
    final void event(long seq, long serverIntendedNanos, long serverSentNanos, long receivedNanos, long from) {
        // the server's clock to this host's: 0 on one host; a load agent's estimate on another (LoadSpec.clockOffsetNanos)
        long offset = context.spec.clockOffsetNanos();
        long intendedNanos = serverIntendedNanos - offset;
        long sentNanos = serverSentNanos - offset;
        long resumeFrom = resumeFromNanos;
        if (resumeFrom != 0 && RESUME_FROM.compareAndSet(this, resumeFrom, 0L)) {
            context.recorders.record(Metric.RESUME, receivedNanos - resumeFrom);
        }
        long staleFrom = staleFromNanos;
        if (staleFrom != 0 && intendedNanos >= staleFrom) {
            freshAfterFault(staleFrom, receivedNanos);
        }
        boolean counted = integrity.onEvent(seq, intendedNanos) == IntegrityTracker.COUNTED;
        if (counted) {
            Recorders r = context.recorders;
            r.record(Metric.LATENCY, receivedNanos - intendedNanos);
            r.record(Metric.LATENCY_ACTUAL, receivedNanos - sentNanos);
            if (from == index && context.publishing != null) {
                r.record(Metric.ECHO, receivedNanos - intendedNanos);
            }
        }
        long replayBefore = replayBeforeNanos;
        if (replayBefore != 0) {
            if (intendedNanos >= replayBefore) {
                replayBeforeNanos = 0; // the replay is over: events come in order
            } else if (counted) {
                context.reconnectLedger.lateAcrossReconnect.increment();
            }
        }
        if (churns && integrity.sessionDone() && !context.stopping) {
            churn();
        }
    }

    /** A short-lived subscription got all it wanted: close it and subscribe anew, on a new connection. */
    private void churn() {
        integrity.endSession();
        synchronized (this) {
            markDown();
            sessionNumber++;
            plannedStartNanos = Clocks.nanoTime();
            reconnecting = false;
            detectPending = false; // closed by the subscriber itself: nothing to detect
        }
        retryMillis = -1; // a new EventSource
        disconnect();
        context.subscriptions.increment();
        connect(-1);
    }

    /**
     * The connection ended without being asked to: counted, classified after the ramp, and tried again
     * after the reconnect delay, resuming from the highest event seen.
     *
     * @param end           how it ended, as the engine could tell
     * @param lastReadNanos when it last read bytes (or, before any, was established or asked for); the
     *                      Jetty engine gives the last bytes or message its subscriber saw
     * @param cause         the failure, or null for an end the protocol allows
     */
    final void ended(StreamEnd end, long lastReadNanos, Throwable cause) {
        long nowNanos = Clocks.nanoTime();
        if (cause instanceof ProtocolViolationException) {
            context.protocolErrors.increment();
        }
        boolean wasLive;
        boolean wasReconnecting;
        long hitAt = 0;
        String hitKind = null;
        int attempt;
        synchronized (this) {
            wasLive = isLive;
            wasReconnecting = reconnecting;
            markDown();
            if (wasLive) {
                downSinceNanos = nowNanos;
                Connection c = current;
                downPort = c == null ? -1 : c.localPort();
            }
            if (detectPending) {
                detectPending = false;
                hitAt = hitNanos;
                hitKind = hitFault;
            }
            attempt = ++attemptsSinceLive;
        }
        if (context.stopping) {
            return;
        }
        if (hitAt != 0) {
            context.recorders.record(Metric.DETECT, nowNanos - hitAt);
            context.reconnectLedger.detected(hitKind, nowNanos - hitAt);
        }
        if (wasLive) {
            context.disconnects.increment();
        } else {
            context.connectFailures.increment();
        }
        Reconnects reconnects = context.reconnectLedger;
        boolean afterRamp = reconnects.counting;
        if (afterRamp) {
            if (wasLive) {
                reconnects.disconnected(reconnects.classify(end, nowNanos - lastReadNanos));
                if (resumeFromNanos == 0) {
                    resumeFromNanos = hitAt != 0 ? hitAt : nowNanos;
                }
            } else if (wasReconnecting) {
                reconnects.reconnectFailed();
            }
        }
        if (cause != null) {
            context.error(getClass().getSimpleName() + " " + index + ": " + cause);
        }
        context.timer.schedule(() -> {
            if (!context.stopping) {
                context.reconnects.increment();
                if (afterRamp) {
                    reconnects.reconnects.increment();
                }
                boolean resume;
                synchronized (this) {
                    resume = plannedStartNanos == 0;
                    reconnecting = true;
                }
                if (resume && afterRamp) {
                    integrity.resuming();
                }
                connect(resume ? integrity.resumeCursor() : -1);
            }
        }, reconnectDelayNanos(attempt), TimeUnit.NANOSECONDS);
    }

    /**
     * True for an SSE subscriber: it waits as an EventSource does (the stream's {@code retry:}, else the spec's
     * reconnect delay, never growing), not by the backoff.
     */
    protected boolean reconnectsAsEventSource() {
        return false;
    }

    /** The stream set its reconnection time with {@code retry:} (milliseconds): used from the next reconnect on. */
    final void retry(long millis) {
        retryMillis = millis;
    }

    /** The wait before connection attempt {@code attempt} since the subscription was last live (from 1). */
    final long reconnectDelayNanos(int attempt) {
        if (reconnectsAsEventSource()) {
            long retry = retryMillis;
            return retry >= 0 ? TimeUnit.MILLISECONDS.toNanos(retry) : context.spec.reconnectDelay().toNanos();
        }
        return context.spec.reconnect().delayNanos(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * A fault took effect at {@code atNanos} on the connections whose local ports are {@code clientPorts}
     * (null: on every connection). Hits this subscriber if its connection was live then and is one of them:
     * the connection still open (its end is to be detected) or seen to end since (detected already; up to
     * {@link #END_BEFORE_FAULT_NANOS} before the fault's time counts too).
     * From any thread.
     *
     * @return true if it hit
     */
    final boolean faulted(String fault, long atNanos, Set<Integer> clientPorts) {
        long endSeenNanos;
        synchronized (this) {
            if (hitNanos != 0) {
                return false; // this connection was hit already
            }
            int port;
            boolean openSinceTheFault = isLive && liveSinceNanos <= atNanos;
            if (openSinceTheFault) {
                Connection c = current;
                port = c == null ? -1 : c.localPort();
                endSeenNanos = 0;
            } else if (downSinceNanos != 0 && downSinceNanos >= atNanos - END_BEFORE_FAULT_NANOS) {
                port = downPort;
                endSeenNanos = downSinceNanos;
            } else {
                return false; // not live at the fault
            }
            if (clientPorts != null && !clientPorts.contains(port)) {
                return false;
            }
            hitNanos = atNanos;
            hitFault = fault;
            detectPending = openSinceTheFault;
            if (staleFromNanos == 0) {
                staleFault = fault;
                staleFromNanos = atNanos;
            }
        }
        context.reconnectLedger.hit(fault);
        if (endSeenNanos != 0) {
            context.recorders.record(Metric.DETECT, Math.max(0, endSeenNanos - atNanos));
            context.reconnectLedger.detected(fault, endSeenNanos - atNanos);
            // the resume, if still pending, counts from the fault
            long from;
            while ((from = resumeFromNanos) > atNanos && !RESUME_FROM.compareAndSet(this, from, atNanos)) {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /** The first event due at or after the fault {@code staleFrom} arrived at {@code receivedNanos}: no longer stale. */
    private synchronized void freshAfterFault(long staleFrom, long receivedNanos) {
        if (staleFromNanos != staleFrom) {
            return;
        }
        staleFromNanos = 0;
        context.reconnectLedger.stale(staleFault, receivedNanos - staleFrom);
        detectPending = false; // it came on the hit connection, which survived the fault
    }

    /** The counting ends at {@code nowNanos}: a subscriber still stale after a fault is stale until then. */
    final synchronized void endStale(long nowNanos) {
        long staleFrom = staleFromNanos;
        if (staleFrom != 0) {
            staleFromNanos = 0;
            context.reconnectLedger.stale(staleFault, nowNanos - staleFrom);
        }
    }

    /** The server broke the protocol: counted, and the last one kept (shortened) to say what it was. */
    final void protocolError(String what) {
        context.protocolErrors.increment();
        context.error(getClass().getSimpleName() + " " + index + ": " + (what.length() > 120 ? what.substring(0, 120) + "…" : what));
    }

    private void markDown() {
        if (isLive) {
            isLive = false;
            context.live.decrement();
        }
    }

    /** Stops for good at the end of the run. */
    final void stop() {
        synchronized (this) {
            markDown();
        }
        disconnect();
        stopped();
    }

    /** After {@link #stop}: a subscriber closes what else it holds (a publisher's POST connection). */
    protected void stopped() {
        Posting p = posting;
        if (p != null) {
            p.close();
        }
    }

    /**
     * What one SSE connection's parsed events mean to this subscriber, the same on both client
     * engines: the preamble's {@code id:} without data makes it live at that cursor; from then on
     * each {@code push} event is counted, and anything else is a protocol error.
     */
    final class SseEvents {
        private boolean live;

        void onIdWithoutData(SseParser event) {
            if (!live && event.lastEventIdIsNumber()) {
                live = true;
                live(event.lastEventIdAsLong());
            }
        }

        void onEvent(SseParser event, EventFields fields, long receivedNanos) {
            if (!live || !event.eventTypeIs(Event.SSE_EVENT_NAME) || !fields.parse(event.data(), 0, event.dataLength())) {
                context.protocolErrors.increment();
                return;
            }
            event(fields.seq(), fields.intendedNanos(), fields.sentNanos(), receivedNanos, fields.from());
        }
    }
}
