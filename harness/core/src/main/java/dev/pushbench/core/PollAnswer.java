package dev.pushbench.core;

import java.nio.charset.StandardCharsets;

/**
 * The body of a poll answer, the same for long and short polling:
 * {@code {"topic":"t0","cursor":57,"lost":0,"events":[{…},{…}]}}.
 *
 * <p>{@code cursor} is what the client sends back as {@code since}; {@code lost} counts events
 * after the client's cursor that had already left history (reported, never silently skipped).
 * Without a cursor ({@link Route#LIVE}) the answer holds no events and the current cursor: the
 * subscription is live from there.
 */
public final class PollAnswer {
    private PollAnswer() {
    }

    /** True if {@code since} has events to deliver (or needs no wait: a live start). */
    public static boolean ready(TopicRing ring, long since) {
        return since == Route.LIVE || ring.latestSeq() > since;
    }

    /** A short poll's answer, at once: the request counted in {@link ServerCounters#subscribeRate}, then {@link #build}. */
    public static byte[] answerNow(PushContext context, int topic, long since) {
        context.counters().subscribeRate.record(System.nanoTime());
        return build(context.feed().ring(topic), topic, since, context.config().maxBatchEvents(), context.counters());
    }

    /**
     * The answer for the events after {@code since}, counted in {@code counters} ({@code pollRequests} and what it
     * holds); the request is not counted in the subscribe rate: {@link #answerNow} and {@link LongPoll} do that.
     */
    public static byte[] build(TopicRing ring, int topic, long since, int maxEvents, ServerCounters counters) {
        long latest = ring.latestSeq();
        long lost = 0;
        long from;
        if (since == Route.LIVE) {
            from = latest + 1;
        } else {
            from = since + 1;
            long oldest = ring.oldestSeq();
            if (from < oldest && from <= latest) {
                lost = oldest - from;
                from = oldest;
            }
        }
        Event[] events = new Event[(int) Math.max(0, Math.min(maxEvents, latest - from + 1))];
        int count = 0;
        int bytes = 0;
        for (long seq = from; count < events.length; seq++) {
            Event e = ring.get(seq);
            if (e == null) {
                if (count == 0) {
                    // overwritten while we read: count it and start again from what is held now
                    long oldest = ring.oldestSeq();
                    lost += oldest - seq;
                    seq = oldest - 1;
                    continue;
                }
                break;
            }
            events[count++] = e;
            bytes += e.jsonLength() + 1;
        }
        long cursor = count > 0 ? events[count - 1].seq() : (since == Route.LIVE ? latest : Math.max(since, from - 1));
        counters.pollRequests.increment();
        if (count == 0) {
            counters.emptyPollAnswers.increment();
        } else {
            counters.eventsWritten.add(count);
        }
        if (lost > 0) {
            counters.historyMisses.add(lost);
        }
        byte[] head = ("{\"topic\":\"" + FeedSpec.topicName(topic) + "\",\"cursor\":" + cursor
                + ",\"lost\":" + lost + ",\"events\":[").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + bytes + (count == 0 ? 1 : 0) + 1];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        for (int i = 0; i < count; i++) {
            Event e = events[i];
            System.arraycopy(e.sseFrame(), e.jsonOffset(), body, at, e.jsonLength());
            at += e.jsonLength();
            body[at++] = (byte) (i == count - 1 ? ']' : ',');
        }
        if (count == 0) {
            body[at++] = ']';
        }
        body[at] = '}';
        return body;
    }
}
