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
 * <p>HTTP/2 {@linkplain #multiplexes() multiplexes}: beside the connection's main exchange (the
 * one {@link #send} starts, one at a time), {@link #sendAlongside} starts side exchanges on streams
 * of their own, any number at once (a POST while the SSE stream, a held poll or the WebSocket
 * tunnel is open).
 *
 * <p>Errors: a response that breaks the protocol throws {@link ProtocolViolationException}; a main
 * exchange the server refuses or resets fails with an {@link IOException}; either ends the
 * connection through {@link NioConnection#fail}. A side exchange the server resets or refuses
 * hears {@link Exchange#onFailed} and the connection goes on. When the connection ends or is
 * closed, every exchange still in flight hears {@link Exchange#onFailed} ({@link #failAll}): each
 * exchange hears exactly one of {@code onComplete} and {@code onFailed}.
 */
public abstract class HttpCodec {

    /** What a stream hears of its exchange; each call on the selector thread, bytes valid only during it. */
    public interface Exchange {
        void onHead(ResponseHead head) throws IOException;

        void onContent(byte[] bytes, int offset, int length) throws IOException;

        /** The response body ended (HTTP/1.1: last chunk or length reached; HTTP/2: END_STREAM). */
        void onComplete() throws IOException;

        /**
         * The exchange will never complete: its stream was reset or refused, or the connection ended
         * or was closed while it was in flight. Called at most once, instead of {@code onComplete}.
         */
        default void onFailed(Throwable cause) {
        }
    }

    /** The transport is up: write what the protocol starts with. */
    public abstract void start() throws IOException;

    /** Sends {@code request}; its response goes to {@code exchange}. */
    public abstract void send(HttpRequest request, Exchange exchange) throws IOException;

    /**
     * Sends {@code request} on a stream of its own beside the main exchange; its response goes to
     * {@code exchange}, a reset of its stream to {@link Exchange#onFailed} only. HTTP/2 only.
     *
     * @throws IllegalStateException on a codec that does not {@link #multiplexes()}
     */
    public void sendAlongside(HttpRequest request, Exchange exchange) throws IOException {
        throw new IllegalStateException("HTTP/1.1 carries one exchange at a time: no exchange alongside another");
    }

    /** True when exchanges run side by side on one connection (HTTP/2). */
    public boolean multiplexes() {
        return false;
    }

    /**
     * The connection ended or was closed: every exchange still in flight hears {@link Exchange#onFailed}
     * with {@code cause}, once; later calls find none.
     */
    public abstract void failAll(Throwable cause);

    /** Tells {@code exchange} it failed; an exception it throws is reported and goes no further (others still hear theirs). */
    static void tellFailed(Exchange exchange, Throwable cause) {
        try {
            exchange.onFailed(cause);
        } catch (RuntimeException e) {
            System.err.println(Thread.currentThread().getName() + ": an exchange's onFailed threw: " + e);
        }
    }

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
