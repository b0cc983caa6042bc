package dev.pushbench.client.nio;

import java.io.IOException;

/**
 * The HTTP framing of one {@link NioConnection}, between the bytes of the transport (TCP, or TLS on
 * it) and the stream that uses it: HTTP/1.1 ({@code Http1Codec}: one exchange at a time on a
 * keep-alive connection) or HTTP/2 ({@code Http2Codec}: one stream per exchange, frames and HPACK
 * from Jetty's low-level codec). Everything runs on the connection's selector thread.
 *
 * <p>Contract with the connection: {@link #start} once the transport is up (HTTP/2 writes its
 * preface and SETTINGS here), {@link #onRead} with every plaintext byte read, {@link #onEndOfStream}
 * when the peer closed. The codec writes through {@link NioConnection#write}.
 *
 * <p>Contract with the stream: {@link #send} a request; its response comes back through the
 * {@link Exchange}: {@code onHead} once, {@code onContent} for each piece of the body (de-chunked,
 * de-framed; after a tunnel opened, the tunnel's bytes), {@code onComplete} at the end of the body.
 * On HTTP/1.1 a new request may be sent once the previous exchange completed (keep-alive). For a
 * WebSocket request, after {@code onHead} with 101 (HTTP/1.1) or 200 (HTTP/2) the exchange is a
 * tunnel: {@link #writeTunnel} sends bytes the other way.
 *
 * <p>Errors: a response that breaks the protocol throws {@link ProtocolViolationException}; an
 * exchange the server refuses or resets fails with an {@link IOException}; either ends the
 * connection through {@link NioConnection#fail}.
 */
public abstract class HttpCodec {

    /** What a stream hears of its exchange; each call on the selector thread, bytes valid only during it. */
    public interface Exchange {
        void onHead(ResponseHead head) throws IOException;

        void onContent(byte[] bytes, int offset, int length) throws IOException;

        /** The response body ended (HTTP/1.1: last chunk or length reached; HTTP/2: END_STREAM). */
        void onComplete() throws IOException;
    }

    /** The transport is up: write what the protocol starts with. */
    public abstract void start() throws IOException;

    /** Sends {@code request}; its response goes to {@code exchange}. */
    public abstract void send(HttpRequest request, Exchange exchange) throws IOException;

    /** Sends {@code bytes[offset, offset + length)} into the open tunnel of the current WebSocket exchange. */
    public abstract void writeTunnel(byte[] bytes, int offset, int length) throws IOException;

    /** Plaintext bytes read from the transport; valid only during the call. */
    public abstract void onRead(byte[] bytes, int offset, int length) throws IOException;

    /**
     * The peer closed the transport. Returns true when that cleanly ends the exchange in progress
     * (an HTTP/1.1 body delimited by the close); false when it came too early.
     */
    public abstract boolean onEndOfStream() throws IOException;

    /** Just before a close asked by the client: e.g. HTTP/2's GOAWAY. */
    public void onClosing() throws IOException {
    }
}
