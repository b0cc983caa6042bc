package dev.pushbench.client;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * How a subscriber's connection ended without the client asking, as far as the client can tell: the
 * one answer both client engines give for every transport, so that the load generator can say why
 * connections were cut ({@code resilience.cutsByCause}). An engine reports it with the time of the
 * connection's last read (see {@code NioConnection#onEnd} and the load generator's {@code Subscriber}).
 *
 * <pre>
 *   protected void onEnd(StreamEnd end, Throwable cause) {
 *       subscriber.ended(end, lastReadNanos(), cause);
 *   }
 *   StreamEnd end = StreamEnd.of(failure);   // an engine that only has the exception (Jetty's)
 * </pre>
 */
public enum StreamEnd {
    /**
     * The stream ended the protocol's way: HTTP/1.1's last chunk, a complete {@code Content-Length}
     * body, a WebSocket close frame from the peer (any status), HTTP/2's END_STREAM.
     */
    CLEAN_END,
    /**
     * A body delimited by the close (HTTP/1.0-style: neither a length nor chunked) ended by the close,
     * or an HTTP/2 connection closed with no exchange in progress: nothing tells a clean end from a cut.
     */
    CLOSE_DELIMITED,
    /** The peer closed (EOF, or TLS close_notify) before the protocol's end: mid-chunk, mid-frame, no close frame. */
    ABRUPT_EOF,
    /** A TCP reset, HTTP/2 RST_STREAM on the exchange, or a GOAWAY that does not let it finish. */
    RESET,
    /**
     * The client's own timeout: nothing read or written for its idle timeout, nothing read for its
     * dead-connection timer ({@code NioConnection#deadAfter}), a connect or a poll unanswered.
     */
    TIMEOUT,
    /** Any other I/O failure: a refused connect, a failed TLS handshake, a refused upgrade. */
    IO_ERROR,
    /** The peer broke the protocol, or answered what the pushbench contract does not allow. */
    PROTOCOL_ERROR;

    /**
     * The end a failure stands for, for code that only has the exception: null is a clean end; the
     * exception and its causes are searched for a reset first (the JDK says so only in its message,
     * "Connection reset"), then a timeout, an EOF, a protocol error; anything else is an I/O error.
     */
    public static StreamEnd of(Throwable failure) {
        if (failure == null) {
            return CLEAN_END;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isReset(t)) {
                return RESET;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t.getClass().getName().endsWith("WebSocketTimeoutException")) {
                return TIMEOUT;
            }
            if (t instanceof EOFException || t instanceof java.nio.channels.ClosedChannelException) {
                return ABRUPT_EOF;
            }
            if (t instanceof dev.pushbench.client.nio.ProtocolViolationException
                    || t instanceof org.eclipse.jetty.http.BadMessageException
                    || t.getClass().getName().endsWith(".ProtocolException")) {
                return PROTOCOL_ERROR;
            }
        }
        return IO_ERROR;
    }

    private static boolean isReset(Throwable t) {
        if (t instanceof dev.pushbench.client.nio.StreamResetException) {
            return true;
        }
        String message = t.getMessage();
        return t instanceof SocketException && message != null && message.contains("Connection reset");
    }
}
