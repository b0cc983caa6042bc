package dev.pushbench.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What a stack is given to serve a cell: the feed, the cell's configuration, the shared counters,
 * the heartbeats and a timer. Stacks route with {@link Route}, stream with {@link Outbox}, poll
 * with {@link PollAnswer} and {@link LongPoll}; so they differ only in how they move bytes.
 */
public final class PushContext implements AutoCloseable {
    private final EventFeed feed;
    private final ServerConfig config;
    private final ServerCounters counters = new ServerCounters();
    private final ScheduledExecutorService timer;
    private final Heartbeats heartbeats;

    public PushContext(EventFeed feed, ServerConfig config) {
        this.feed = feed;
        this.config = config;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "pushbench-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = Executors.unconfigurableScheduledExecutorService(t);
        this.heartbeats = new Heartbeats(config.heartbeatInterval(), timer);
    }

    public EventFeed feed() {
        return feed;
    }

    public ServerConfig config() {
        return config;
    }

    public ServerCounters counters() {
        return counters;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    /** The SSE preamble every stream starts with: the client's reconnect delay. */
    public byte[] ssePreamble() {
        return ("retry: " + config.sseRetry().toMillis() + "\n\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** An SSE heartbeat: a comment line, ignored by every EventSource. */
    public static final byte[] SSE_HEARTBEAT = ":\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public void close() {
        heartbeats.close();
        timer.shutdownNow();
    }
}
