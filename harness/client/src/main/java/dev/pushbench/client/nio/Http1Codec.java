package dev.pushbench.client.nio;

import java.io.IOException;
import java.util.Arrays;

/**
 * HTTP/1.1 (RFC 9112) on one {@link NioConnection}: one exchange at a time, keep-alive between them,
 * and the WebSocket upgrade. A request is written from a buffer this codec reuses; a response is
 * read by an {@link HttpResponseHead} (reset per response) and an {@link HttpBodyDecoder}, and its
 * body handed on in slices of the bytes read. A request body follows its head in the same buffer,
 * with its {@code Content-Length}, in one write. Once warm, an exchange whose answer has a
 * {@code Content-Length} allocates nothing here.
 *
 * <pre>
 *   HttpCodec codec = engine.newCodec(connection);   // in onConnected
 *   codec.start();
 *   codec.send(HttpRequest.get("/poll/t0", "Accept", "application/json"), exchange);
 *   // after exchange.onComplete(): the next send on the same connection
 * </pre>
 *
 * <p>A {@code 101} to a WebSocket request opens the tunnel: every later byte goes to the exchange's
 * {@code onContent}, and {@link #writeTunnel} writes raw. Interim answers (1xx other than 101) are
 * skipped. {@code 204}, {@code 304} and answers to {@code HEAD} have no body. Bytes the server sends
 * with no exchange waiting for them (a second answer, an answer to nothing) break the protocol.
 */
final class Http1Codec extends HttpCodec {
    private static final int FIRST_REQUEST_BUFFER_BYTES = 256;

    private final NioConnection connection;
    private final byte[] host;
    private final HttpBodyDecoder body = new HttpBodyDecoder();
    private final HttpBodyDecoder.Sink content = this::content;
    private byte[] requestBuffer = new byte[FIRST_REQUEST_BUFFER_BYTES];
    private int requestLength;
    /** Kept between exchanges of a keep-alive connection; let go while a stream or tunnel runs. */
    private HttpResponseHead head;
    private Exchange exchange;
    private boolean webSocketRequest;
    private boolean headRequest;
    private boolean readingHead;
    private boolean tunnel;

    Http1Codec(NioConnection connection, String hostHeader) {
        this.connection = connection;
        this.host = ascii(hostHeader, "host header");
    }

    @Override
    public void start() {
        // HTTP/1.1 starts with the first request
    }

    @Override
    public void send(HttpRequest request, Exchange exchange) throws IOException {
        if (tunnel) {
            throw new IllegalStateException("the connection is a WebSocket tunnel now: no more requests on it");
        }
        if (this.exchange != null) {
            throw new IllegalStateException("an HTTP/1.1 connection carries one exchange at a time: the previous one"
                    + " has not completed");
        }
        requestLength = 0;
        field(request.method());
        put(' ');
        field(request.target());
        put(" HTTP/1.1\r\nHost: ");
        put(host, host.length);
        put("\r\n");
        String[] headers = request.headers();
        for (int i = 0; i < headers.length; i += 2) {
            field(headers[i]);
            put(": ");
            field(headers[i + 1]);
            put("\r\n");
        }
        if (request.webSocket()) {
            put("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
            field(request.webSocketKey());
            put("\r\nSec-WebSocket-Version: 13\r\n");
        }
        byte[] requestBody = request.body();
        if (requestBody != null) {
            put("Content-Length: ");
            put(Integer.toString(requestBody.length));
            put("\r\n\r\n");
            put(requestBody, requestBody.length);
        } else {
            put("\r\n");
        }
        this.exchange = exchange;
        webSocketRequest = request.webSocket();
        headRequest = request.method().equals("HEAD");
        readingHead = true;
        if (head == null) {
            head = new HttpResponseHead();
        } else {
            head.reset();
        }
        connection.write(requestBuffer, 0, requestLength);
    }

    @Override
    public void writeTunnel(byte[] bytes, int offset, int length) throws IOException {
        if (!tunnel) {
            throw new IllegalStateException("no tunnel is open: the server has not answered the upgrade with 101");
        }
        connection.write(bytes, offset, length);
    }

    @Override
    public void onRead(byte[] bytes, int offset, int length) throws IOException {
        int at = offset;
        int end = offset + length;
        while (at < end && !connection.isClosed()) {
            if (tunnel) {
                exchange.onContent(bytes, at, end - at);
                return;
            }
            Exchange ex = exchange;
            if (ex == null) {
                throw new ProtocolViolationException("the server sent bytes that answer no request");
            }
            if (readingHead) {
                int used = head.feed(bytes, at, end - at);
                if (used < 0) {
                    return;
                }
                at += used;
                if (!headDone(ex)) {
                    continue; // an interim answer: the real one follows
                }
                if (tunnel || connection.isClosed() || exchange != ex) {
                    continue;
                }
                if (body.isDone()) {
                    complete();
                }
                continue;
            }
            at += body.feed(bytes, at, end - at, content);
            if (body.isDone() && exchange == ex && !connection.isClosed()) {
                complete();
            }
        }
    }

    /** The head is read: frame the body and tell the exchange. False for an interim answer. */
    private boolean headDone(Exchange ex) throws IOException {
        HttpResponseHead h = head;
        int status = h.status();
        if (status == 101) {
            if (!webSocketRequest) {
                throw new ProtocolViolationException("101 Switching Protocols to a request that asked for no upgrade");
            }
            readingHead = false;
            tunnel = true;
            head = null;
            ex.onHead(h);
            return true;
        }
        if (status < 200) {
            h.reset();
            return false;
        }
        readingHead = false;
        if (headRequest || status == 204 || status == 304) {
            body.contentLength(0);
        } else {
            body.start(h);
        }
        if (!body.isDone() && h.simpleContentLength() < 0) {
            head = null; // a stream (SSE) may run for the connection's life: its head is not kept
        }
        ex.onHead(h);
        return true;
    }

    @Override
    public void failAll(Throwable cause) {
        Exchange ex = exchange;
        if (ex != null) {
            exchange = null;
            tellFailed(ex, cause);
        }
    }

    private void content(byte[] bytes, int offset, int length) throws IOException {
        exchange.onContent(bytes, offset, length);
    }

    private void complete() throws IOException {
        Exchange ex = exchange;
        exchange = null;
        ex.onComplete();
    }

    @Override
    public boolean onEndOfStream() throws IOException {
        if (exchange != null && !tunnel && !readingHead && body.endsAtClose()) {
            complete();
            return true;
        }
        return false;
    }

    private void put(char c) {
        ensure(1);
        requestBuffer[requestLength++] = (byte) c;
    }

    /** The codec's own text: CRLFs and all. */
    private void put(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            requestBuffer[requestLength++] = (byte) s.charAt(i);
        }
    }

    /** The request's text: a method, target, field name or value may not break the request's lines. */
    private void field(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7E || c < 0x20 && c != '\t') {
                throw new IllegalArgumentException("request methods, targets and fields must be printable ASCII, got '"
                        + s + "'");
            }
            requestBuffer[requestLength++] = (byte) c;
        }
    }

    private void put(byte[] bytes, int length) {
        ensure(length);
        System.arraycopy(bytes, 0, requestBuffer, requestLength, length);
        requestLength += length;
    }

    private void ensure(int more) {
        if (requestLength + more > requestBuffer.length) {
            requestBuffer = Arrays.copyOf(requestBuffer, Math.max(requestLength + more, 2 * requestBuffer.length));
        }
    }

    private static byte[] ascii(String s, String what) {
        byte[] bytes = new byte[s.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException(what + " must be printable ASCII without spaces, got '" + s + "'");
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }
}
