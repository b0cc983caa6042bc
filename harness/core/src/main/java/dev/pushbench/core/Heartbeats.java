package dev.pushbench.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps idle streams alive through proxies: every outbox that has written nothing for the
 * heartbeat interval is asked for a heartbeat (SSE comment line, WebSocket ping). One timer serves
 * all subscribers; it looks four times per interval, so a heartbeat goes out between 1 and 1.25
 * intervals after the last write.
 */
public final class Heartbeats implements AutoCloseable {
    private final Set<Outbox> outboxes = ConcurrentHashMap.newKeySet();
    private final long intervalNanos;
    private final ScheduledFuture<?> task;

    Heartbeats(Duration interval, ScheduledExecutorService timer) {
        this.intervalNanos = interval.toNanos();
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), intervalNanos / 4);
        this.task = timer.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    void add(Outbox outbox) {
        outboxes.add(outbox);
    }

    void remove(Outbox outbox) {
        outboxes.remove(outbox);
    }

    /** How many outboxes are kept for heartbeats (tests check that closed ones are not). */
    int size() {
        return outboxes.size();
    }

    private void tick() {
        long now = System.nanoTime();
        for (Outbox o : outboxes) {
            if (now - o.lastWriteNanos() >= intervalNanos) {
                o.heartbeat();
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
