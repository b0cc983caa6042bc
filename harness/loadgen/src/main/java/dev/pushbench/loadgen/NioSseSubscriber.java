package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.core.Transport;
import dev.pushbench.client.nio.SseStream;
import dev.pushbench.client.sse.SseParser;

/**
 * {@link SseSubscriber}'s EventSource on the nio engine: the same request ({@code Last-Event-ID} when
 * resuming), the same checks and the same parsing, with every callback on the connection's selector
 * thread and nothing allocated per event. It waits the stream's {@code retry:} before a reconnect, and
 * gives a stream up that read nothing (not even a heartbeat) for the spec's {@link LoadSpec#deadAfter()}.
 */
final class NioSseSubscriber extends Subscriber {

    NioSseSubscriber(LoadContext context, int index) {
        super(context, index);
        postWith(HttpPublisher::new);
    }

    @Override
    protected boolean reportsConnectStart() {
        return true;
    }

    @Override
    protected boolean reconnectsAsEventSource() {
        return true;
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        attempt.open();
        return attempt;
    }

    /** One connection; its callbacks all run on one selector thread. */
    private final class Attempt extends SseStream implements Connection {
        private final SseEvents events = new SseEvents();

        Attempt(long resumeCursor) {
            super(context.nio(), Transport.SSE.path(topicName()), resumeCursor);
            deadAfter(context.spec.deadAfter());
        }

        @Override
        public void onRetry(long millis) {
            retry(millis);
        }

        @Override
        public void onEvent(SseParser event) {
            if (!isClosed()) {
                events.onEvent(event, eventFields(), receivedNanos());
            }
        }

        @Override
        public void onIdWithoutData(SseParser event) {
            events.onIdWithoutData(event);
        }

        @Override
        protected void onConnectStarting(long nowNanos) {
            connectStarting(nowNanos);
        }

        @Override
        protected void onEnd(StreamEnd end, Throwable cause) {
            ended(end, lastReadNanos(), cause);
        }
    }
}
