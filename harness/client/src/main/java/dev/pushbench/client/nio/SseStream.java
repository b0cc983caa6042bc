package dev.pushbench.client.nio;

import dev.pushbench.client.sse.SseParser;
import java.io.IOException;

/**
 * {@code GET /sse/{topic}} on a {@link NioEngine}: the request an EventSource sends (with
 * {@code Last-Event-ID} when resuming), the response head checked (200, {@code text/event-stream}),
 * the body de-chunked in place and fed to the WHATWG {@link SseParser}, whose callbacks the
 * subclass implements. A subclass reads {@link #receivedNanos()} inside them for the event's
 * receive time. The request and response go through the engine's {@link HttpCodec}.
 *
 * <pre>
 *   final class Stream extends SseStream {
 *       Stream() { super(engine, "/sse/t0", lastSeq); }
 *       public void onEvent(SseParser event) { ... event.data() ... receivedNanos() ... }
 *       protected void onEnd(StreamEnd end, Throwable cause) { ... reconnect ... }
 *   }
 *   new Stream().open();
 * </pre>
 *
 * <p>The end of the response body (its last chunk) is a clean end: {@link #onEnd} with
 * {@code CLEAN_END} and null; a body delimited by the close (no length, not chunked) ends as
 * {@code CLOSE_DELIMITED}; the close before the last chunk as {@code ABRUPT_EOF}.
 *
 * <p>Over HTTP/2, {@link #sendAlongside} sends another request (a POST) on a stream of its own
 * beside this one, on the same connection.
 */
public abstract class SseStream extends NioConnection implements SseParser.Listener {
    private static final String[] NEW_SUBSCRIPTION = {"Accept", "text/event-stream", "Cache-Control", "no-cache"};

    private final String path;
    private final long lastEventId;
    private final SseParser parser = new SseParser(this);
    private final Exchange exchange = new Exchange();
    private HttpCodec codec;

    /**
     * @param path        the request target, e.g. {@code /sse/t0}
     * @param lastEventId sent as {@code Last-Event-ID} when 0 or more; -1 for a new subscription
     */
    protected SseStream(NioEngine engine, String path, long lastEventId) {
        super(engine);
        this.path = path;
        this.lastEventId = lastEventId;
    }

    /** The request: what the Jetty engine's SSE subscriber sends, less nothing it adds by itself. */
    static HttpRequest request(String path, long lastEventId) {
        return lastEventId < 0
                ? HttpRequest.get(path, NEW_SUBSCRIPTION)
                : HttpRequest.get(path, "Accept", "text/event-stream", "Cache-Control", "no-cache",
                        "Last-Event-ID", Long.toString(lastEventId));
    }

    @Override
    protected final void onConnected() throws IOException {
        codec = newCodec();
        codec.start();
        codec.send(request(path, lastEventId), exchange);
    }

    /** The one exchange of the connection: the head checked, the body straight into the parser. */
    private final class Exchange implements HttpCodec.Exchange {
        @Override
        public void onHead(ResponseHead head) throws IOException {
            if (head.status() != 200 || !head.headerStartsWith("Content-Type", "text/event-stream")) {
                throw new ProtocolViolationException("SSE answer " + head.status() + " " + head.header("Content-Type"));
            }
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) {
            parser.feed(bytes, offset, length);
        }

        @Override
        public void onComplete() {
            fail(null); // the server ended the stream
        }
    }
}
