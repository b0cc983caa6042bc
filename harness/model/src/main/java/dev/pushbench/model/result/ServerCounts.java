package dev.pushbench.model.result;

/** The server's own counters since it started ({@code counters} in {@code summary.json}'s {@code server}). */
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
        Long badRequests) {
}
