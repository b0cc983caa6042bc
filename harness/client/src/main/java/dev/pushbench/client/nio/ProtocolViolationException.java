package dev.pushbench.client.nio;

import java.io.IOException;

/**
 * The server broke the protocol: a response head, chunk or WebSocket frame that the rules do not
 * allow, or an answer that is not the pushbench contract's (an SSE answer that is not a 200
 * {@code text/event-stream}). The connection ends with it, and the load generator counts it as a
 * protocol error.
 */
public final class ProtocolViolationException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolViolationException(String message) {
        super(message);
    }
}
