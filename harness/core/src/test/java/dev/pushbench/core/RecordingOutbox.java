package dev.pushbench.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Outbox} that records what it is asked to write instead of writing it. Each write is
 * completed as the test chooses: at once inside {@code send} ({@link #sync}), when the test calls
 * {@link #complete(boolean)} ({@link #later}), or on another executor ({@link #completedOn}).
 */
final class RecordingOutbox extends Outbox {
    private enum Mode { SYNC, LATER, EXECUTOR }

    private final Mode mode;
    private final Executor completer;
    /** Seqs in the order they were handed to {@code send}. */
    final List<Long> delivered = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger heartbeatsSent = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    /** Writes started and not yet completed: more than one at a time breaks the contract. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger overlappingWrites = new AtomicInteger();
    /** What the next synchronous or executor-completed write reports. */
    volatile boolean writeOk = true;
    /** Called after each write is recorded, on the writing thread. */
    volatile Runnable onWrite = () -> { };

    private RecordingOutbox(PushContext context, int topic, Executor executor, Mode mode, Executor completer) {
        super(context, topic, executor);
        this.mode = mode;
        this.completer = completer;
    }

    static RecordingOutbox sync(PushContext context, int topic, Executor executor) {
        return new RecordingOutbox(context, topic, executor, Mode.SYNC, null);
    }

    static RecordingOutbox later(PushContext context, int topic, Executor executor) {
        return new RecordingOutbox(context, topic, executor, Mode.LATER, null);
    }

    static RecordingOutbox completedOn(PushContext context, int topic, Executor executor, Executor completer) {
        return new RecordingOutbox(context, topic, executor, Mode.EXECUTOR, completer);
    }

    @Override
    protected void send(List<Event> events) {
        started();
        batchSizes.add(events.size());
        for (Event e : events) {
            delivered.add(e.seq());
        }
        onWrite.run();
        completeByMode();
    }

    @Override
    protected void sendHeartbeat() {
        started();
        heartbeatsSent.incrementAndGet();
        onWrite.run();
        completeByMode();
    }

    @Override
    protected void disconnect() {
        disconnects.incrementAndGet();
    }

    @Override
    protected void abort() {
        aborts.incrementAndGet();
    }

    private void started() {
        if (inFlight.incrementAndGet() != 1) {
            overlappingWrites.incrementAndGet();
        }
    }

    private void completeByMode() {
        switch (mode) {
            case SYNC -> complete(writeOk);
            case EXECUTOR -> {
                boolean ok = writeOk;
                completer.execute(() -> complete(ok));
            }
            case LATER -> { }
        }
    }

    /** Ends the write in flight, as the stack's write callback would. */
    void complete(boolean ok) {
        if (inFlight.decrementAndGet() != 0) {
            throw new IllegalStateException("no write in flight to complete");
        }
        written(ok);
    }

    List<Long> deliveredCopy() {
        synchronized (delivered) {
            return new ArrayList<>(delivered);
        }
    }
}
