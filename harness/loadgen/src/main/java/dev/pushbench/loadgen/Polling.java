package dev.pushbench.loadgen;

import dev.pushbench.core.Clocks;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.Recorders.Metric;
import java.util.concurrent.TimeUnit;

/**
 * When and how a polling subscriber polls, and what its answers mean, the same on both client
 * engines ({@link PollingSubscriber} on Jetty, {@link NioPollingSubscriber} on the nio engine): the
 * engines only carry the requests. {@code GET <path>{topic}?since=<cursor>} on the subscriber's own
 * keep-alive connection; the first request carries no cursor and its answer says where the
 * subscription starts.
 *
 * <pre>
 *   Polling polling = Polling.of(subscriber);                 // short or long, by the spec's transport
 *   Polling.Answers answers = polling.new Answers(resumeCursor);  // one per connection
 *   polling.first(poller);                                    // poller.poll(plannedNanos) sends answers.target()
 *   // an answer read at answeredNanos to the poll planned at plannedNanos:
 *   if (!answers.answered(body, length, plannedNanos, answeredNanos, poller)) ... not a poll answer ...
 * </pre>
 *
 * <p>Short polling ({@link ShortPolling}) polls on a fixed schedule and records each poll's time from its
 * plan; long polling ({@link LongPolling}) polls again at once and records nothing per poll.
 */
abstract class Polling {
    /** Sends polls over one connection; {@link #poll} may be called from the engine's thread or the generator's timer. */
    interface Poller {
        /** Sends {@code GET} {@link Answers#target()} now; its time counts from {@code plannedNanos}. */
        void poll(long plannedNanos);

        /** True once the connection was closed or lost: nothing more is sent or counted on it. */
        boolean isClosed();
    }

    final Subscriber subscriber;
    final LoadContext context;

    private Polling(Subscriber subscriber) {
        this.subscriber = subscriber;
        this.context = subscriber.context;
    }

    /** The polling of the spec's transport for {@code subscriber}. */
    static Polling of(Subscriber subscriber) {
        Transport transport = subscriber.context.spec.transport();
        switch (transport) {
            case SHORT_POLLING:
                return new ShortPolling(subscriber);
            case LONG_POLLING:
                return new LongPolling(subscriber);
            default:
                throw new IllegalArgumentException("polling subscribers poll; transport " + transport.id() + " does not");
        }
    }

    /** The path prefix, e.g. {@code /poll/}. */
    abstract String pathPrefix();

    /** How long a poll may stay unanswered (on the nio engine: read nothing) before its connection is given up. */
    abstract long timeoutMillis();

    /** The first poll of a new connection. */
    final void first(Poller poller) {
        poller.poll(Clocks.nanoTime());
    }

    /** After an answer to the poll planned at {@code plannedNanos} ({@code first}: the connection's first): send the next. */
    abstract void next(Poller poller, long plannedNanos, long answeredNanos, boolean first);

    /** Records an answered poll's time. */
    abstract void recordPoll(long plannedNanos, long answeredNanos);

    /** One connection's run of polls: its cursor, and what each answer means. */
    final class Answers {
        private final PollAnswerReader reader = new PollAnswerReader();
        private final String path = pathPrefix() + subscriber.topicName();
        private long cursor;
        private boolean live;

        Answers(long resumeCursor) {
            this.cursor = resumeCursor;
        }

        /** The next poll's request target: {@code /poll/t0}, then {@code /poll/t0?since=41}. */
        String target() {
            return cursor >= 0 ? path + "?since=" + cursor : path;
        }

        /**
         * A 200 answer's body, read at {@code answeredNanos}, to the poll planned at {@code plannedNanos}:
         * counted, its events delivered, and the next poll sent or scheduled through {@code poller}.
         *
         * @return false when the body is not a poll answer: nothing of it was counted, and the caller
         *         ends the connection (a protocol error)
         */
        boolean answered(byte[] body, int length, long plannedNanos, long answeredNanos, Poller poller) {
            if (!reader.open(body, length)) {
                return false;
            }
            context.pollRequests.increment();
            recordPoll(plannedNanos, answeredNanos);
            boolean first = !live;
            if (first) {
                live = true;
                subscriber.live(cursor >= 0 ? cursor : reader.cursor());
            }
            int events = 0;
            while (reader.next()) {
                events++;
                subscriber.event(reader.event().seq(), reader.event().intendedNanos(), reader.event().sentNanos(), answeredNanos,
                        reader.event().from());
                if (poller.isClosed()) {
                    return true; // a short-lived subscription ended inside this answer
                }
            }
            if (events == 0) {
                context.emptyPolls.increment();
            }
            cursor = reader.cursor();
            next(poller, plannedNanos, answeredNanos, first);
            return true;
        }
    }

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
    static final class ShortPolling extends Polling {
        ShortPolling(Subscriber subscriber) {
            super(subscriber);
        }

        @Override
        String pathPrefix() {
            return "/poll/";
        }

        /** The dead-connection timer: an answer not begun within {@link LoadSpec#deadAfter()}; without one, 10 s or 3 intervals. */
        @Override
        long timeoutMillis() {
            long deadAfter = context.spec.deadAfter().toMillis();
            return deadAfter > 0 ? deadAfter : Math.max(10_000, 3 * context.spec.shortPollInterval().toMillis());
        }

        @Override
        void next(Poller poller, long plannedNanos, long answeredNanos, boolean first) {
            long interval = context.spec.shortPollInterval().toNanos();
            if (interval == 0) {
                poller.poll(answeredNanos); // closed loop: the next poll as the answer arrives, as wrk does
                return;
            }
            long next = first
                    // join the schedule at this subscriber's phase, so that polls spread over the interval
                    ? answeredNanos + (long) ((double) subscriber.index / context.spec.connections() * interval)
                    : plannedNanos + interval;
            long delay = next - Clocks.nanoTime();
            if (delay <= 0) {
                poller.poll(next);
            } else {
                context.timer.schedule(() -> {
                    context.sentOnSchedule(next);
                    poller.poll(next);
                }, delay, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        void recordPoll(long plannedNanos, long answeredNanos) {
            context.recorders.record(Metric.POLL, answeredNanos - plannedNanos);
        }
    }

    /** Long polling: each answer is followed at once by the next poll, held by the server until an event exists. */
    static final class LongPolling extends Polling {
        LongPolling(Subscriber subscriber) {
            super(subscriber);
        }

        @Override
        String pathPrefix() {
            return "/long-poll/";
        }

        /** The dead-connection timer: unanswered after the hold and {@link LoadSpec#deadAfter()} (10 s without one). */
        @Override
        long timeoutMillis() {
            long deadAfter = context.spec.deadAfter().toMillis();
            return context.spec.longPollHold().toMillis() + (deadAfter > 0 ? deadAfter : 10_000);
        }

        @Override
        void next(Poller poller, long plannedNanos, long answeredNanos, boolean first) {
            poller.poll(answeredNanos);
        }

        @Override
        void recordPoll(long plannedNanos, long answeredNanos) {
            // a long poll's duration is mostly its hold: a schedule-free request time would mislead
        }
    }
}
