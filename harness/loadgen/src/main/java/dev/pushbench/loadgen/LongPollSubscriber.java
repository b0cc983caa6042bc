package dev.pushbench.loadgen;

/** Long polling: each answer is followed at once by the next poll, held by the server until an event exists. */
final class LongPollSubscriber extends PollingSubscriber {

    LongPollSubscriber(LoadContext context, int index) {
        super(context, index);
    }

    @Override
    String pathPrefix() {
        return "/long-poll/";
    }

    @Override
    long timeoutMillis() {
        return context.spec.longPollHold().toMillis() + 10_000;
    }

    @Override
    void first(Attempt attempt) {
        attempt.poll(System.nanoTime());
    }

    @Override
    void next(Attempt attempt, long plannedNanos, long answeredNanos, boolean first) {
        attempt.poll(answeredNanos);
    }

    @Override
    void recordPoll(long plannedNanos, long answeredNanos) {
        // a long poll's duration is mostly its hold: a schedule-free request time would mislead
    }
}
