package dev.pushbench.loadgen;

import dev.pushbench.client.InFlightRequest;
import dev.pushbench.core.EventFields;
import dev.pushbench.client.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * An EventSource, as a browser runs one: {@code GET /sse/{topic}} with {@code Accept:
 * text/event-stream}, parsed by the WHATWG rules, and on a lost connection a reconnect after the
 * server's {@code retry:} delay carrying {@code Last-Event-ID}.
 */
final class SseSubscriber extends Subscriber {

    SseSubscriber(LoadContext context, int index) {
        super(context, index);
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt();
        attempt.send(resumeCursor);
        return attempt;
    }

    /** One connection: its own parser state, so a late callback of an old one cannot confuse a new one. */
    private final class Attempt implements Connection, SseParser.Listener, Response.ContentListener {
        private final SseParser parser = new SseParser(this);
        private final String tag = connectionTag();
        private final EventFields fields = new EventFields();
        private volatile boolean closed;
        private final InFlightRequest request = new InFlightRequest();
        private final SseEvents events = new SseEvents();
        private long chunkNanos;

        void send(long resumeCursor) {
            Request r = context.jetty().http().newRequest(context.baseUri() + "/sse/" + topicName())
                    .tag(tag)
                    .idleTimeout(context.spec.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        h.put(HttpHeader.ACCEPT, "text/event-stream");
                        h.put(HttpHeader.CACHE_CONTROL, "no-cache");
                        if (resumeCursor >= 0) {
                            h.put("Last-Event-ID", Long.toString(resumeCursor));
                        }
                    })
                    .onResponseHeaders(this::checkHeaders)
                    .onResponseContent(this);
            request.send(r, this::complete);
        }

        private void checkHeaders(Response response) {
            String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (response.getStatus() != 200 || type == null || !type.startsWith("text/event-stream")) {
                context.protocolErrors.increment();
                response.abort(new IllegalStateException("SSE answer " + response.getStatus() + " " + type));
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (closed) {
                return;
            }
            chunkNanos = System.nanoTime();
            parser.feed(content);
        }

        @Override
        public void onEvent(SseParser event) {
            if (!closed) {
                events.onEvent(event, fields, chunkNanos);
            }
        }

        @Override
        public void onIdWithoutData(SseParser event) {
            events.onIdWithoutData(event);
        }

        @Override
        public void onRetry(long millis) {
            // the load generator reconnects after the scenario's delay, which the server sends as retry:
        }

        private void complete(Result result) {
            if (closed) {
                return;
            }
            closed = true;
            lost(result.getFailure());
        }

        @Override
        public void close() {
            closed = true;
            request.abort(new CancellationException("subscriber closed"));
            context.jetty().closeTcp(tag);
        }
    }
}
