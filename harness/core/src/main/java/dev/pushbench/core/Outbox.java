package dev.pushbench.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one topic's events to one streaming subscriber (SSE or WebSocket), one write in flight
 * at a time, in the same way for every stack. A stack subclasses it with the three byte-level
 * operations; everything about what to send and when lives here.
 *
 * <p>Lifecycle: the stack calls {@link #open(long)} to subscribe and learn the start cursor,
 * writes its preamble (headers, {@link PushContext#ssePreamble(long)} or
 * {@link PushContext#webSocketPreamble(long)}), then calls {@link #begin()}; from then on the outbox
 * drains the topic's {@link TopicRing} from its cursor whenever the feed signals. Each
 * {@link #send} or {@link #sendHeartbeat} must end in exactly one call to {@link #written(boolean)},
 * from any thread, synchronously or later. When the connection ends the stack calls {@link #close()}.
 *
 * <p>Memory per subscriber is bounded: the events live once, in the shared ring; a subscriber holds a
 * cursor and at most one batch in flight. One that falls out of the ring is handled by the
 * {@link Backpressure} policy and counted.
 *
 * <p>A backpressure disconnect is the same on every stack: {@link #disconnect()} says goodbye as the
 * transport can (a WebSocket close frame {@value #BACKPRESSURE_CLOSE_CODE} with
 * {@link #BACKPRESSURE_CLOSE_REASON}, queued behind the batch in flight; the end of an SSE stream, or
 * its reset when a write is stuck), and {@link #DISCONNECT_GRACE} later {@link #abort()} drops the
 * connection if it is still there: a peer that stopped reading never takes the goodbye, and nothing
 * else would end the connection before its idle timeout.
 */
public abstract class Outbox implements TopicListener {
    private static final int IDLE = 0;
    private static final int WRITING = 1;
    private static final int PENDING = 2;
    private static final int COMPLETED = 3;

    /** RFC 6455 §7.4.1 1008, policy violation: the close code of a backpressure disconnect, on every stack. */
    public static final int BACKPRESSURE_CLOSE_CODE = 1008;
    /** The close frame's reason (at most 123 bytes, RFC 6455 §5.5). */
    public static final String BACKPRESSURE_CLOSE_REASON = "fell out of the topic's history (backpressure: disconnect)";
    /**
     * How long a connection disconnected for backpressure may stay open for its goodbye to go through
     * (the client reads what is in flight, then the close frame, and answers it) before {@link #abort()}.
     */
    public static final Duration DISCONNECT_GRACE = Duration.ofSeconds(2);

    private final PushContext context;
    private final int topic;
    private final TopicRing ring;
    private final Executor executor;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger writeState = new AtomicInteger(IDLE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Event> batch = new ArrayList<>();
    private AutoCloseable subscription;
    // owned by whichever thread is draining; handed over through wip / writeState. Volatile only so
    // that onPublished can see how far a stalled write has fallen behind.
    private volatile long cursor;
    private int missed;
    private boolean resumed;
    private boolean lastWriteOk;
    // set by begin(); until then a publish must not start a drain (the preamble is not written yet),
    // and its volatile write hands the cursor fixed by open() to the draining thread
    private volatile boolean begun;
    private volatile boolean heartbeatDue;
    private volatile long lastWriteNanos = System.nanoTime();

    protected Outbox(PushContext context, int topic, Executor executor) {
        this.context = context;
        this.topic = topic;
        this.ring = context.feed().ring(topic);
        this.executor = executor;
    }

    /** Writes these events, in order, then calls {@link #written(boolean)} once. The list is reused after that. */
    protected abstract void send(List<Event> events);

    /** Writes a heartbeat (SSE comment, WebSocket ping), then calls {@link #written(boolean)} once. */
    protected abstract void sendHeartbeat();

    /**
     * Ends the connection (backpressure or a failed write) with the goodbye its transport has, or drops it
     * if it has none; the stack's close path then calls {@link #close()}.
     */
    protected abstract void disconnect();

    /**
     * Drops the connection now, whatever is queued, if it is still open: {@link #DISCONNECT_GRACE} after a
     * backpressure {@link #disconnect()}, on the outbox's executor. Does nothing by default, for a stack whose
     * disconnect already drops the connection at once.
     */
    protected void abort() {
    }

    /**
     * Subscribes, and fixes the cursor delivery will start after: {@code since}, or for
     * {@link Route#LIVE} the newest event now. Nothing is written until {@link #begin()}, so the
     * stack can first write a preamble that tells the client this cursor.
     *
     * @return the cursor delivery starts after
     */
    public final long open(long since) {
        subscription = context.feed().subscribe(topic, this);
        // read the cursor after subscribing, so that nothing published in between is missed
        long latest = ring.latestSeq();
        cursor = since == Route.LIVE ? latest : since;
        resumed = since != Route.LIVE;
        context.counters().subscribes.increment();
        context.counters().subscribeRate.record(System.nanoTime());
        return cursor;
    }

    /** Starts delivering (the preamble has been written): from here on the outbox writes. */
    public final void begin() {
        begun = true;
        context.heartbeats().add(this);
        if (closed.get()) {
            // closed while the preamble was written: close() may have run before add()
            context.heartbeats().remove(this);
            return;
        }
        signal();
    }

    @Override
    public final void onPublished(Event event) {
        if (writeState.get() == PENDING && event.seq() - cursor > ring.capacity()
                && context.config().backpressure() == Backpressure.DISCONNECT) {
            // A write that never completes (a client that stopped reading) would otherwise hide the
            // fall out of history until the connection's idle timeout: apply the policy now.
            if (closeOnce()) {
                context.counters().backpressureDisconnects.increment();
                executor.execute(this::disconnect);
                abortAfterGrace();
            }
            return;
        }
        signal();
    }

    final void heartbeat() {
        heartbeatDue = true;
        signal();
    }

    final long lastWriteNanos() {
        return lastWriteNanos;
    }

    public final int topic() {
        return topic;
    }

    private void signal() {
        if (!begun) {
            return;
        }
        if (wip.getAndIncrement() == 0) {
            executor.execute(() -> {
                missed = 1;
                drain();
            });
        }
    }

    private void drain() {
        for (;;) {
            if (closed.get()) {
                return;
            }
            if (collect()) {
                if (!write(true)) {
                    return;
                }
                continue;
            }
            if (closed.get()) {
                return;
            }
            if (heartbeatDue) {
                heartbeatDue = false;
                if (!write(false)) {
                    return;
                }
                continue;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** @return true to go on draining on this thread, false when a later {@link #written} will (or nothing should) */
    private boolean write(boolean events) {
        writeState.set(WRITING);
        lastWriteNanos = System.nanoTime();
        if (events) {
            send(batch);
        } else {
            sendHeartbeat();
        }
        if (writeState.compareAndSet(WRITING, PENDING)) {
            return false;
        }
        writeState.set(IDLE);
        return afterWrite();
    }

    /** Called by the stack when the write started by {@link #send} or {@link #sendHeartbeat} has ended. */
    protected final void written(boolean ok) {
        lastWriteOk = ok;
        if (writeState.compareAndSet(WRITING, COMPLETED)) {
            return;
        }
        writeState.set(IDLE);
        if (afterWrite()) {
            drain();
        }
    }

    private boolean afterWrite() {
        ServerCounters counters = context.counters();
        if (!lastWriteOk) {
            counters.writeFailures.increment();
            disconnectOnce();
            return false;
        }
        counters.writes.increment();
        if (batch.isEmpty()) {
            counters.heartbeats.increment();
        } else {
            counters.eventsWritten.add(batch.size());
            batch.clear();
        }
        return true;
    }

    /** Fills {@link #batch} with the events after the cursor; false if there are none (or we disconnected). */
    private boolean collect() {
        batch.clear();
        int max = context.config().maxBatchEvents();
        for (;;) {
            long latest = ring.latestSeq();
            long next = cursor + 1;
            if (next > latest) {
                // caught up: whatever leaves history from now on was lost to backpressure, not to the resume
                resumed = false;
                return false;
            }
            long oldest = ring.oldestSeq();
            if (next < oldest) {
                long missing = oldest - next;
                if (resumed) {
                    context.counters().historyMisses.add(missing);
                } else if (context.config().backpressure() == Backpressure.DISCONNECT) {
                    context.counters().backpressureDisconnects.increment();
                    if (closeOnce()) {
                        disconnect();
                        abortAfterGrace();
                    }
                    return false;
                } else {
                    context.counters().backpressureDroppedEvents.add(missing);
                }
                next = oldest;
            }
            resumed = false;
            while (next <= latest && batch.size() < max) {
                Event e = ring.get(next);
                if (e == null) {
                    break; // overwritten under us: the next round sees the new oldest
                }
                batch.add(e);
                next++;
            }
            if (!batch.isEmpty()) {
                cursor = next - 1;
                return true;
            }
            cursor = next - 1;
        }
    }

    private void abortAfterGrace() {
        try {
            context.timer().schedule(() -> {
                try {
                    executor.execute(this::abort);
                } catch (RejectedExecutionException stopping) {
                    // the stack is stopping: its connections go with it
                }
            }, DISCONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the context is closing: so is the server, and the connection with it
        }
    }

    private void disconnectOnce() {
        if (closeOnce()) {
            disconnect();
        }
    }

    /** The connection has ended: stop delivering. Safe to call more than once, from any thread. */
    public final void close() {
        closeOnce();
    }

    /** @return true for the one call that closed */
    private boolean closeOnce() {
        if (closed.compareAndSet(false, true)) {
            AutoCloseable s = subscription;
            if (s != null) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // removing a listener from a list cannot fail
                }
            }
            context.heartbeats().remove(this);
            context.counters().unsubscribes.increment();
            return true;
        }
        return false;
    }

    public final boolean isClosed() {
        return closed.get();
    }
}
