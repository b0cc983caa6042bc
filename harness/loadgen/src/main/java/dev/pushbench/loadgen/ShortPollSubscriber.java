package dev.pushbench.loadgen;

import java.util.concurrent.TimeUnit;

/**
 * Short polling on a fixed schedule: poll {@code k} is planned at {@code start + phase + k ×
 * interval}, with subscribers' phases spread evenly over one interval. A poll still unanswered when
 * the next is due delays it, but its time is still counted from its plan (as wrk2 counts requests),
 * so a slow server shows as poll latency, not as fewer polls.
 *
 * <p>An interval of zero is a closed loop instead: each poll is sent as its answer arrives, as wrk
 * and h2load send requests; it measures the most polls a client and server manage together (what
 * {@code pushbench generator-check} compares), not latency on a schedule.
 */
final class ShortPollSubscriber extends PollingSubscriber {

    ShortPollSubscriber(LoadContext context, int index) {
        super(context, index);
    }

    @Override
    String pathPrefix() {
        return "/poll/";
    }

    @Override
    long timeoutMillis() {
        return Math.max(10_000, 3 * context.spec.shortPollInterval().toMillis());
    }

    @Override
    void first(Attempt attempt) {
        attempt.poll(System.nanoTime());
    }

    @Override
    void next(Attempt attempt, long plannedNanos, long answeredNanos, boolean first) {
        long interval = context.spec.shortPollInterval().toNanos();
        if (interval == 0) {
            attempt.poll(answeredNanos); // closed loop: the next poll as the answer arrives, as wrk does
            return;
        }
        long next = first
                // join the schedule at this subscriber's phase, so that polls spread over the interval
                ? answeredNanos + (long) ((double) index / context.spec.connections() * interval)
                : plannedNanos + interval;
        long delay = next - System.nanoTime();
        if (delay <= 0) {
            attempt.poll(next);
        } else {
            context.timer.schedule(() -> {
                context.sentOnSchedule(next);
                attempt.poll(next);
            }, delay, TimeUnit.NANOSECONDS);
        }
    }
}
