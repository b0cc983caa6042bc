package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.nio.ProtocolViolationException;
import dev.pushbench.core.Event;
import dev.pushbench.core.EventFields;
import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.client.sse.SseParser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated subscriber: one connection (at a time) to one topic. Transport clients extend it and
 * only move bytes: they call {@link #live(long)} when the subscription is live, {@link #event} for
 * each event with the raw nanosecond timestamps, and {@link #ended} when the connection ends unasked,
 * saying how ({@link StreamEnd}) and when it last read bytes. Accounting and recording happen here, in
 * {@link IntegrityTracker} and in {@link Reconnects}.
 *
 * <p>After an unasked end the subscriber reconnects after the spec's delay and resumes from the highest
 * event it saw. After the ramp each end is classified ({@link Reconnects#classify}) and the time from
 * the end to the first event after the resume is recorded ({@link Metric#RESUME}): from the first end
 * when reconnect attempts fail in between.
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

    Subscriber(LoadContext context, int index) {
        this.context = context;
        this.index = index;
        this.topic = context.spec.topicOf(index);
        this.integrity = new IntegrityTracker(context.spec.schedule(), topic, context.window);
        this.churns = context.spec.eventsPerConnection() > 0;
    }

    /** One connection of a subscriber, with its own state, so a late callback of an old one cannot confuse a new one. */
    interface Connection {
        /** Closes it, expecting no {@link #ended} for it. */
        void close();
    }

    private volatile Connection current;

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
            connectStarting(System.nanoTime());
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
        synchronized (this) {
            newSession = plannedStartNanos != 0;
            planned = plannedStartNanos;
            plannedStartNanos = 0;
            reconnecting = false;
            if (!isLive) {
                isLive = true;
                context.live.increment();
            }
        }
        if (newSession) {
            context.recorders.record(Metric.CONNECT, System.nanoTime() - planned);
            context.everLive.increment();
            integrity.startSession(startCursor, context.spec.eventsPerConnection());
        }
    }

    /** An event arrived; {@code receivedNanos} is when its bytes were read. */
    final void event(long seq, long intendedNanos, long sentNanos, long receivedNanos) {
        long resumeFrom = resumeFromNanos;
        if (resumeFrom != 0) {
            resumeFromNanos = 0;
            context.recorders.record(Metric.RESUME, receivedNanos - resumeFrom);
        }
        if (integrity.onEvent(seq, intendedNanos) == IntegrityTracker.COUNTED) {
            Recorders r = context.recorders;
            r.record(Metric.LATENCY, receivedNanos - intendedNanos);
            r.record(Metric.LATENCY_ACTUAL, receivedNanos - sentNanos);
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
            plannedStartNanos = System.nanoTime();
            reconnecting = false;
        }
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
        long nowNanos = System.nanoTime();
        if (cause instanceof ProtocolViolationException) {
            context.protocolErrors.increment();
        }
        boolean wasLive;
        boolean wasReconnecting;
        synchronized (this) {
            wasLive = isLive;
            wasReconnecting = reconnecting;
            markDown();
        }
        if (context.stopping) {
            return;
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
                    resumeFromNanos = nowNanos;
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
        }, context.spec.reconnectDelay().toNanos(), TimeUnit.NANOSECONDS);
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
            event(fields.seq(), fields.intendedNanos(), fields.sentNanos(), receivedNanos);
        }
    }
}
