package dev.pushbench.core;

import dev.pushbench.model.result.ServerCounts;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** What a server did, counted by the shared delivery code so that every stack counts alike. */
public final class ServerCounters {
    /** Streams opened ({@link #subscribes}) and poll requests taken, per second since the feed's t0. */
    public final SubscribeMeter subscribeRate;
    public final LongAdder subscribes = new LongAdder();
    public final LongAdder unsubscribes = new LongAdder();
    public final LongAdder eventsWritten = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();
    public final LongAdder heartbeats = new LongAdder();
    public final LongAdder pollRequests = new LongAdder();
    public final LongAdder emptyPollAnswers = new LongAdder();
    public final LongAdder backpressureDisconnects = new LongAdder();
    public final LongAdder backpressureDroppedEvents = new LongAdder();
    /** Events a resume or poll asked for that had already left history. */
    public final LongAdder historyMisses = new LongAdder();
    public final LongAdder badRequests = new LongAdder();
    /** Messages clients published that were sequenced into a topic (POST or WebSocket in-band). */
    public final LongAdder publishedByClients = new LongAdder();
    /** Publishes refused: malformed (400), too large (413), unknown topic (404), wrong method (405). */
    public final LongAdder publishRejected = new LongAdder();

    /** Counters whose {@link #subscribeRate} counts from the t0 of {@code schedule} (the feed's; null until it starts). */
    public ServerCounters(Supplier<Schedule> schedule) {
        this.subscribeRate = new SubscribeMeter(schedule, SubscribeMeter.DEFAULT_SECONDS);
    }

    /** Counters without a feed: {@link #subscribeRate} counts everything in its second 0. */
    public ServerCounters() {
        this(() -> null);
    }

    public long activeSubscribers() {
        return subscribes.sum() - unsubscribes.sum();
    }

    /** The counters now; {@code publishedByClients} and {@code publishRejected} are null while no client has published. */
    public ServerCounts snapshot() {
        long published = publishedByClients.sum();
        long rejected = publishRejected.sum();
        return new ServerCounts(subscribes.sum(), activeSubscribers(), eventsWritten.sum(), writes.sum(), writeFailures.sum(),
                heartbeats.sum(), pollRequests.sum(), emptyPollAnswers.sum(), backpressureDisconnects.sum(),
                backpressureDroppedEvents.sum(), historyMisses.sum(), badRequests.sum(), published == 0 && rejected == 0 ? null : published,
                published == 0 && rejected == 0 ? null : rejected);
    }
}
