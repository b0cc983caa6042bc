package dev.pushbench.client.nio;

import java.io.IOException;

/**
 * The server (or what stands in front of it) reset the exchange in progress: HTTP/2 RST_STREAM on
 * it, or a GOAWAY that does not let it finish. The connection ends with it as a
 * {@link dev.pushbench.client.StreamEnd#RESET}.
 */
public final class StreamResetException extends IOException {
    private static final long serialVersionUID = 1L;

    public StreamResetException(String message) {
        super(message);
    }
}
