package dev.pushbench.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One held long poll: answers with the events after {@code since} as soon as there are any, or
 * with an empty answer when the hold ends. Exactly one answer is given: on the calling thread when
 * {@link #start} finds events (or a live start) at once, otherwise on {@code executor}.
 *
 * <pre>
 *   LongPoll poll = LongPoll.start(context, topic, since, executor, body -> respond(200, body));
 *   // when the client goes away first:
 *   poll.cancel();
 * </pre>
 */
public final class LongPoll implements TopicListener {
    private final PushContext context;
    private final int topic;
    private final long since;
    private final Executor executor;
    private final Consumer<byte[]> answer;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    private LongPoll(PushContext context, int topic, long since, Executor executor, Consumer<byte[]> answer) {
        this.context = context;
        this.topic = topic;
        this.since = since;
        this.executor = executor;
        this.answer = answer;
    }

    /** Takes the poll (counted in {@link ServerCounters#subscribeRate} now) and answers it once, at once or later. */
    public static LongPoll start(PushContext context, int topic, long since, Executor executor, Consumer<byte[]> answer) {
        context.counters().subscribeRate.record(System.nanoTime());
        LongPoll poll = new LongPoll(context, topic, since, executor, answer);
        TopicRing ring = context.feed().ring(topic);
        if (PollAnswer.ready(ring, since)) {
            poll.finish();
            return poll;
        }
        context.feed().awaitNext(topic, poll);
        // the answer goes through the executor, never on the one timer thread every poll shares
        poll.timeout = context.timer().schedule(() -> executor.execute(poll::finish),
                context.config().longPollHold().toNanos(), TimeUnit.NANOSECONDS);
        if (PollAnswer.ready(ring, since)) {
            // published between the first look and awaitNext: nobody will tell us
            context.feed().cancelAwait(topic, poll);
            poll.finish();
        }
        return poll;
    }

    @Override
    public void onPublished(Event event) {
        executor.execute(this::finish);
    }

    private void finish() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        context.feed().cancelAwait(topic, this);
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        answer.accept(PollAnswer.build(context.feed().ring(topic), topic, since,
                context.config().maxBatchEvents(), context.counters()));
    }

    /** The client went away: give no answer and forget the poll. */
    public void cancel() {
        if (done.compareAndSet(false, true)) {
            context.feed().cancelAwait(topic, this);
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
