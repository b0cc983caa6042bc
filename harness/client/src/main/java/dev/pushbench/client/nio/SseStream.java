package dev.pushbench.client.nio;

import dev.pushbench.client.sse.SseParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /sse/{topic}} on a {@link NioEngine}: the request an EventSource sends (with
 * {@code Last-Event-ID} when resuming), the response head checked (200, {@code text/event-stream}),
 * the body de-chunked in place and fed to the WHATWG {@link SseParser}, whose callbacks the
 * subclass implements. A subclass reads {@link #receivedNanos()} inside them for the event's
 * receive time.
 *
 * <pre>
 *   final class Stream extends SseStream {
 *       Stream() { super(engine, "/sse/t0", lastSeq); }
 *       public void onEvent(SseParser event) { ... event.data() ... receivedNanos() ... }
 *       protected void onEnd(Throwable cause) { ... reconnect ... }
 *   }
 *   new Stream().open();
 * </pre>
 *
 * <p>The end of the response body (its last chunk) is a clean end: {@link #onEnd} with null.
 */
public abstract class SseStream extends NioConnection implements SseParser.Listener, HttpBodyDecoder.Sink {
    private final String path;
    private final long lastEventId;
    private HttpResponseHead head;
    private final HttpBodyDecoder body = new HttpBodyDecoder();
    private final SseParser parser = new SseParser(this);

    /**
     * @param path        the request target, e.g. {@code /sse/t0}
     * @param lastEventId sent as {@code Last-Event-ID} when 0 or more; -1 for a new subscription
     */
    protected SseStream(NioEngine engine, String path, long lastEventId) {
        super(engine);
        this.path = path;
        this.lastEventId = lastEventId;
    }

    /** The request bytes: what the Jetty engine's SSE subscriber sends, less nothing it adds by itself. */
    static byte[] request(String path, String host, long lastEventId) {
        StringBuilder r = new StringBuilder(160)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Accept: text/event-stream\r\n")
                .append("Cache-Control: no-cache\r\n");
        if (lastEventId >= 0) {
            r.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        return r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected final void onConnected() throws IOException {
        head = new HttpResponseHead();
        write(request(path, engine().hostHeader, lastEventId));
    }

    @Override
    protected final void onRead(byte[] bytes, int offset, int length) throws IOException {
        int at = offset;
        int end = offset + length;
        if (head != null) {
            int used = head.feed(bytes, offset, length);
            if (used < 0) {
                return;
            }
            at += used;
            HttpResponseHead h = head;
            head = null;
            String type = h.header("Content-Type");
            if (h.status() != 200 || type == null || !type.startsWith("text/event-stream")) {
                throw new ProtocolViolationException("SSE answer " + h.status() + " " + type);
            }
            body.start(h);
        }
        if (at < end) {
            body.feed(bytes, at, end - at, this);
        }
        if (body.isDone()) {
            fail(null); // the server ended the stream
        }
    }

    /** The de-chunked body, straight into the parser. */
    @Override
    public final void content(byte[] bytes, int offset, int length) {
        parser.feed(bytes, offset, length);
    }

    @Override
    protected final void onEndOfStream() throws IOException {
        if (head != null || !body.endsAtClose()) {
            super.onEndOfStream();
        }
    }
}
