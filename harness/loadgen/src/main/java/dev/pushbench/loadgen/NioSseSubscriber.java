package dev.pushbench.loadgen;

import dev.pushbench.core.Event;
import dev.pushbench.core.EventFields;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.nio.SseStream;
import dev.pushbench.loadgen.sse.SseParser;

/**
 * {@link SseSubscriber}'s EventSource on the nio engine: the same request ({@code Last-Event-ID} when
 * resuming), the same checks and the same parsing, with every callback on the connection's selector
 * thread and nothing allocated per event.
 */
final class NioSseSubscriber extends Subscriber {

    NioSseSubscriber(LoadContext context, int index) {
        super(context, index);
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        attempt.open();
        return attempt;
    }

    /** One connection; its callbacks all run on one selector thread. */
    private final class Attempt extends SseStream implements Connection {
        private boolean live;

        Attempt(long resumeCursor) {
            super(context.nio(), Transport.SSE.path(topicName()), resumeCursor);
        }

        @Override
        public void onEvent(SseParser event) {
            if (isClosed()) {
                return;
            }
            EventFields fields = eventFields();
            if (!live || !event.eventTypeIs(Event.SSE_EVENT_NAME) || !fields.parse(event.data(), 0, event.dataLength())) {
                context.protocolErrors.increment();
                return;
            }
            event(fields.seq(), fields.intendedNanos(), fields.sentNanos(), receivedNanos());
        }

        @Override
        public void onIdWithoutData(SseParser event) {
            // the preamble: "id: <cursor>" before any event says where this stream starts
            if (!live && event.lastEventIdIsNumber()) {
                live = true;
                live(event.lastEventIdAsLong());
            }
        }

        @Override
        protected void onEnd(Throwable cause) {
            ended(cause);
        }
    }
}
