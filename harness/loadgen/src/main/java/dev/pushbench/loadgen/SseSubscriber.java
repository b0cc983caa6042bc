package dev.pushbench.loadgen;

import dev.pushbench.client.InFlightRequest;
import dev.pushbench.client.StreamEnd;
import dev.pushbench.core.Clocks;
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
 *
 * <p>How a stream ended, on Jetty's client: a response that completed is a clean end, or a
 * close-delimited one when its head gave neither a length nor chunked coding (HTTP/1.x); a failure is
 * {@link StreamEnd#of} its exception; an answer that is not an event stream a protocol error. Its
 * last read is the last content Jetty handed over (or the request's start): Jetty reads on its own
 * and says nothing of reads in between. A dead stream is found by the request's idle timeout
 * ({@link LoadSpec#idleTimeout()}), not by {@link LoadSpec#deadAfter()}, and its connection's local port
 * is not known: only faults that name no connection hit it.
 */
final class SseSubscriber extends Subscriber {

    SseSubscriber(LoadContext context, int index) {
        super(context, index);
        postWith(JettyHttpPublisher::new);
    }

    @Override
    protected boolean reconnectsAsEventSource() {
        return true;
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
        private long chunkNanos = Clocks.nanoTime();
        private boolean closeDelimited;
        private boolean refused;

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
            closeDelimited = response.getVersion() != org.eclipse.jetty.http.HttpVersion.HTTP_2
                    && response.getVersion() != org.eclipse.jetty.http.HttpVersion.HTTP_3
                    && !response.getHeaders().contains(HttpHeader.CONTENT_LENGTH)
                    && !response.getHeaders().contains(HttpHeader.TRANSFER_ENCODING, "chunked");
            if (response.getStatus() != 200 || type == null || !type.startsWith("text/event-stream")) {
                context.protocolErrors.increment();
                refused = true;
                response.abort(new IllegalStateException("SSE answer " + response.getStatus() + " " + type));
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (closed) {
                return;
            }
            chunkNanos = Clocks.nanoTime();
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
            retry(millis);
        }

        private void complete(Result result) {
            if (closed) {
                return;
            }
            closed = true;
            Throwable failure = result.getFailure();
            StreamEnd end = refused ? StreamEnd.PROTOCOL_ERROR
                    : failure != null ? StreamEnd.of(failure)
                    : closeDelimited ? StreamEnd.CLOSE_DELIMITED : StreamEnd.CLEAN_END;
            ended(end, chunkNanos, failure);
        }

        @Override
        public void close() {
            closed = true;
            request.abort(new CancellationException("subscriber closed"));
            context.jetty().closeTcp(tag);
        }
    }
}
