package dev.pushbench.core;

import java.nio.charset.StandardCharsets;
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
    private final ServerCounters counters;
    private final ScheduledExecutorService timer;
    private final Heartbeats heartbeats;

    public PushContext(EventFeed feed, ServerConfig config) {
        this.feed = feed;
        this.config = config;
        this.counters = new ServerCounters(feed::schedule);
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

    /**
     * The start of every SSE stream: the client's reconnect delay, and the cursor the stream starts
     * after as an {@code id:} without data. An EventSource takes that id as its last event id even
     * though no event is dispatched, so a reconnect resumes from there, and the load generator
     * learns exactly which events it is owed.
     */
    public byte[] ssePreamble(long cursor) {
        return ("retry: " + config.sseRetry().toMillis() + "\nid: " + cursor + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The first text frame of every WebSocket subscription: the cursor it starts after. */
    public static String webSocketPreamble(long cursor) {
        return "{\"cursor\":" + cursor + "}";
    }

    /**
     * Sequences a client's publish into {@code topic} (a body of at most {@link ServerConfig#maxPublishBytes()}
     * bytes, see {@link #publishTooLarge}), or refuses a malformed one with 400 and the reason, and counts
     * either in {@link #counters()}. The bytes may be reused on return.
     */
    public PublishOutcome publish(int topic, byte[] body, int offset, int length) {
        if (length > config.maxPublishBytes()) {
            return publishTooLarge(length);
        }
        PublishBody parsed = new PublishBody();
        String reason = parsed.parse(body, offset, length);
        if (reason != null) {
            return publishRefused(400, parsed.n(), "malformed publish body: " + reason);
        }
        Event event = feed.publishFromClient(topic, parsed);
        counters.publishedByClients.increment();
        return PublishOutcome.accepted(parsed.n(), event.seq());
    }

    /** As {@link #publish(int, byte[], int, int)} for a WebSocket text frame. */
    public PublishOutcome publish(int topic, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return publish(topic, utf8, 0, utf8.length);
    }

    /**
     * How much of a body too large a stack reads and drops before its 413, so that a client still sending reads the
     * answer instead of a reset connection: four times {@link ServerConfig#maxPublishBytes()}, at least 1 MiB. A larger
     * body is answered at once and its connection closed.
     */
    public long publishDiscardLimit() {
        return Math.max(4L * config.maxPublishBytes(), 1 << 20);
    }

    /** The 413 for a body of {@code length} bytes (or more: a stack may stop reading at the limit + 1), counted. */
    public PublishOutcome publishTooLarge(long length) {
        return publishRefused(413, -1, "publish body too large: more than " + config.maxPublishBytes()
                + " bytes (maxPublishBytes)" + (length > config.maxPublishBytes() + 1 ? ", got " + length : ""));
    }

    /** A refusal the stack decided (404 unknown topic, 405 method), counted like the others. */
    public PublishOutcome publishRefused(int status, long n, String error) {
        counters.publishRejected.increment();
        return PublishOutcome.refused(status, n, error);
    }

    /** An SSE heartbeat: a comment line, ignored by every EventSource. */
    public static final byte[] SSE_HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void close() {
        heartbeats.close();
        timer.shutdownNow();
    }
}
