package dev.pushbench.model.result;

/**
 * The server's own counters since it started ({@code counters} in {@code summary.json}'s {@code server}).
 * {@code publishedByClients}: messages clients published that the server sequenced into a topic;
 * {@code publishRejected}: publish requests it refused (malformed, too large, unknown topic).
 */
public record ServerCounts(
        Long subscribes,
        Long activeSubscribers,
        Long eventsWritten,
        Long writes,
        Long writeFailures,
        Long heartbeats,
        Long pollRequests,
        Long emptyPollAnswers,
        Long backpressureDisconnects,
        Long backpressureDroppedEvents,
        Long historyMisses,
        Long badRequests,
        Long publishedByClients,
        Long publishRejected) {

    /** A one-way server's counters: nothing published by clients. */
    public ServerCounts(Long subscribes, Long activeSubscribers, Long eventsWritten, Long writes, Long writeFailures,
                        Long heartbeats, Long pollRequests, Long emptyPollAnswers, Long backpressureDisconnects,
                        Long backpressureDroppedEvents, Long historyMisses, Long badRequests) {
        this(subscribes, activeSubscribers, eventsWritten, writes, writeFailures, heartbeats, pollRequests,
                emptyPollAnswers, backpressureDisconnects, backpressureDroppedEvents, historyMisses, badRequests, null, null);
    }
}
