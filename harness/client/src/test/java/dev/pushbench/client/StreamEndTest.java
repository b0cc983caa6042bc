package dev.pushbench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pushbench.client.nio.ProtocolViolationException;
import dev.pushbench.client.nio.StreamResetException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

/** What end a failure stands for, for an engine that only has the exception, wrapped or not. */
class StreamEndTest {

    @Test
    void eachFailureHasItsEnd() {
        assertEquals(StreamEnd.CLEAN_END, StreamEnd.of(null));
        assertEquals(StreamEnd.ABRUPT_EOF, StreamEnd.of(new EOFException("the server closed the connection")));
        assertEquals(StreamEnd.ABRUPT_EOF, StreamEnd.of(new EofException("Jetty's")));
        assertEquals(StreamEnd.RESET, StreamEnd.of(new SocketException("Connection reset")));
        assertEquals(StreamEnd.RESET, StreamEnd.of(new SocketException("Connection reset by peer")));
        assertEquals(StreamEnd.RESET, StreamEnd.of(new StreamResetException("the server reset stream 1")));
        assertEquals(StreamEnd.TIMEOUT, StreamEnd.of(new TimeoutException("idle timeout")));
        assertEquals(StreamEnd.PROTOCOL_ERROR, StreamEnd.of(new ProtocolViolationException("chunk size expected")));
        assertEquals(StreamEnd.IO_ERROR, StreamEnd.of(new ConnectException("Connection refused")));
        assertEquals(StreamEnd.IO_ERROR, StreamEnd.of(new IOException("something else")));
    }

    @Test
    void aResetAnywhereInTheCausesIsAReset() {
        assertEquals(StreamEnd.RESET, StreamEnd.of(new EofException(new SocketException("Connection reset by peer"))));
        assertEquals(StreamEnd.ABRUPT_EOF, StreamEnd.of(new IOException("wrapped", new EOFException())));
        assertEquals(StreamEnd.TIMEOUT, StreamEnd.of(new RuntimeException(new TimeoutException())));
    }
}
