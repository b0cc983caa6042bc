package dev.pushbench.loadgen.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Outbox;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.TlsMaterial;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shared by every stack (its module extends this class): a subscriber that cannot keep up costs the
 * server one batch in flight, never a growing buffer:
 * the feed outruns it (64 KiB events at 200/s, 12.8 MB/s, against a 16-event history) and the
 * {@link Backpressure} policy acts and is counted. Under {@code disconnect} a WebSocket subscriber is
 * treated the same by every stack: a close frame 1008 with {@link Outbox#BACKPRESSURE_CLOSE_REASON} behind
 * what is in flight, and the connection gone at most {@link Outbox#DISCONNECT_GRACE} later (over http1.1
 * and https1.1; WebSocket over HTTP/2 is a stream, not a connection, and Jetty's alone). Waits are bounded
 * polls of the counters; the one sleep is the client that never reads, waiting out the grace.
 */
@Timeout(60)
public abstract class SlowSubscriberTck {
    /** The stack under test; a new instance each call is fine. */
    protected abstract ServerStack stack();

    private static final FeedSpec FAST_LARGE = new FeedSpec(1, 200, 64 * 1024, 16);
    private static final long WAIT_MILLIS = 20_000;

    /** The grace, and slack for a busy machine: a connection open longer than this after the disconnect was kept. */
    private static final long GRACE_BOUND_MILLIS = Outbox.DISCONNECT_GRACE.toMillis() + 2_000;
    /** Reading what the kernels buffered (a few MB over loopback) takes milliseconds; this bounds it generously. */
    private static final long DRAIN_MILLIS = 3_000;

    private static ServerConfig config(Protocol protocol, Backpressure policy) {
        return new ServerConfig("127.0.0.1", 0, protocol, Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 256, policy, null).withTls();
    }

    @Test
    void sseClientThatNeverReadsIsDisconnectedOverHttp11() throws Exception {
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(Protocol.HTTP_1_1, Backpressure.DISCONNECT));
             PushServer server = stack().start(context);
             Socket socket = new Socket()) {
            feed.start(System.nanoTime());
            // a small receive window so that the kernel, not the test, stops reading
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout((int) WAIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            // Connection: close, so that the end of the stream is the end of the connection whether the server
            // ends the response or resets it
            out.write("GET /sse/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            ServerCounters counters = context.counters();
            awaitTrue(() -> counters.backpressureDisconnects.sum() > 0, counters, "a backpressure disconnect");
            awaitTrue(() -> counters.activeSubscribers() == 0, counters, "the stalled subscriber to be gone");
            assertEquals(1, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
            // Vert.x flushes what is queued before it closes; reading again drains that (at most one
            // batch and the kernel buffers, not the feed's output since) and then meets the end
            long drained = drainToEnd(socket.getInputStream());
            assertTrue(drained < 64L * 1024 * 1024, () -> "the server kept writing after the disconnect: " + drained + " bytes");
        }
    }

    /**
     * The WebSocket policy, the same on every stack: a client that stops reading is disconnected once (the
     * feed outruns it by far), and when it reads again it gets what was in flight, then a close frame 1008 with
     * a reason; it answers the close, and the server ends the connection within the grace.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTPS_1_1"})
    void webSocketClientThatStopsReadingGetsACloseFrame1008(Protocol protocol) throws Exception {
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(protocol, Backpressure.DISCONNECT));
             PushServer server = stack().start(context);
             Socket socket = connect(context.config(), server.port())) {
            feed.start(System.nanoTime());
            sendWebSocketHandshake(socket);

            ServerCounters counters = context.counters();
            awaitTrue(() -> counters.backpressureDisconnects.sum() > 0, counters, "a backpressure disconnect");
            long disconnectedNanos = System.nanoTime();
            InputStream in = socket.getInputStream();
            expectSwitchingProtocols(in);
            int[] close = readUntilCloseFrame(in);
            assertEquals(Outbox.BACKPRESSURE_CLOSE_CODE, close[0], "the close frame's status code");
            // the client answers the close (masked, as a client must), and the server ends the connection
            socket.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xF0});
            socket.getOutputStream().flush();
            drainToEnd(in);
            long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disconnectedNanos);
            assertTrue(openMillis <= GRACE_BOUND_MILLIS, () -> "the connection stayed " + openMillis
                    + " ms after the backpressure disconnect, more than the grace of " + Outbox.DISCONNECT_GRACE.toMillis()
                    + " ms and " + (GRACE_BOUND_MILLIS - Outbox.DISCONNECT_GRACE.toMillis()) + " ms of slack");
            awaitTrue(() -> counters.activeSubscribers() == 0, counters, "the stalled subscriber to be gone");
            assertEquals(1, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
        }
    }

    /**
     * A WebSocket client that never reads again never takes the close frame: the server drops the connection
     * within the grace instead of keeping it (and its queue) until the client reads or the idle timeout. Read
     * after the grace, the connection holds only what the kernels had buffered, and then it ends.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTPS_1_1"})
    void webSocketClientThatNeverReadsIsDroppedWithinTheGrace(Protocol protocol) throws Exception {
        assertDroppedWithinTheGrace(protocol, true);
    }

    /** The same bound for an SSE stream over HTTP/1.x, whose connection is the stream. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTPS_1_1"})
    void sseClientThatNeverReadsIsDroppedWithinTheGrace(Protocol protocol) throws Exception {
        assertDroppedWithinTheGrace(protocol, false);
    }

    private void assertDroppedWithinTheGrace(Protocol protocol, boolean webSocket) throws Exception {
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(protocol, Backpressure.DISCONNECT));
             PushServer server = stack().start(context);
             Socket socket = connect(context.config(), server.port())) {
            feed.start(System.nanoTime());
            if (webSocket) {
                sendWebSocketHandshake(socket);
            } else {
                // keep-alive, as a browser's EventSource: only the server's drop ends the connection
                socket.getOutputStream().write("GET /sse/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }

            ServerCounters counters = context.counters();
            awaitTrue(() -> counters.backpressureDisconnects.sum() > 0, counters, "a backpressure disconnect");
            awaitTrue(() -> counters.activeSubscribers() == 0, counters, "the stalled subscriber to be gone");
            assertEquals(1, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
            // the one wait that is about time: past the grace, as a client that never reads would be
            Thread.sleep(GRACE_BOUND_MILLIS);
            // what the kernels buffered comes at once; a server still holding the connection would now send what it
            // had queued, then a close frame, and wait for the answer this client never gives
            socket.setSoTimeout((int) DRAIN_MILLIS);
            long startNanos = System.nanoTime();
            try {
                drainToEnd(socket.getInputStream());
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the connection was still open " + GRACE_BOUND_MILLIS
                        + " ms after the backpressure disconnect (grace " + Outbox.DISCONNECT_GRACE.toMillis() + " ms)");
            }
            long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            assertTrue(drainMillis < DRAIN_MILLIS, () -> "draining the dropped connection took " + drainMillis + " ms");
        }
    }

    @Test
    void sseStreamThatNeverDemandsIsDisconnectedOverH2c() throws Exception {
        HTTP2Client client = new HTTP2Client();
        // a small stream window: HTTP/2 flow control, not the test, stops the server
        client.setInitialStreamRecvWindow(64 * 1024);
        client.start();
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(Protocol.H2C, Backpressure.DISCONNECT));
             PushServer server = stack().start(context)) {
            feed.start(System.nanoTime());
            Session session = client.connect(new InetSocketAddress("127.0.0.1", server.port()), new Session.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            HttpURI uri = HttpURI.build().scheme(HttpScheme.HTTP).host("127.0.0.1").port(server.port()).path("/sse/t0");
            MetaData.Request request = new MetaData.Request("GET", uri, HttpVersion.HTTP_2, HttpFields.EMPTY);
            session.newStream(new HeadersFrame(request, null, true), new Stream.Listener() {
                @Override
                public void onHeaders(Stream stream, HeadersFrame frame) {
                    // the default demands data; this client never does
                }

                @Override
                public void onDataAvailable(Stream stream) {
                    // never read: the data stays unconsumed and the stream window closes
                }
            }).get(5, TimeUnit.SECONDS);

            ServerCounters counters = context.counters();
            awaitTrue(() -> counters.backpressureDisconnects.sum() > 0, counters, "a backpressure disconnect");
            awaitTrue(() -> counters.activeSubscribers() == 0, counters, "the stalled subscriber to be gone");
            assertEquals(1, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
        } finally {
            LifeCycle.stop(client);
        }
    }

    @Test
    void slowSseReaderUnderDropPolicyLosesEventsNotTheConnection() throws Exception {
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(Protocol.HTTP_1_1, Backpressure.DROP));
             PushServer server = stack().start(context);
             Socket socket = new Socket()) {
            feed.start(System.nanoTime());
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /sse/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            // read about 800 KB/s, a sixteenth of what the feed publishes, until the server has dropped events
            ServerCounters counters = context.counters();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8 * 1024];
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            long bytesRead = 0;
            while (counters.backpressureDroppedEvents.sum() == 0 && System.nanoTime() < deadline) {
                int n = in.read(buffer);
                assertTrue(n > 0, () -> "the server ended the stream under the drop policy: " + counters.snapshot());
                bytesRead += n;
                Thread.sleep(10);
            }
            long read = bytesRead;
            assertTrue(counters.backpressureDroppedEvents.sum() > 0,
                    () -> "no events dropped after reading " + read + " bytes slowly: " + counters.snapshot());
            assertEquals(0, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
            assertEquals(1, counters.activeSubscribers(), counters.snapshot()::toString);
        }
    }

    /** Reads until the server closes (or resets) the connection; returns the bytes read. */
    private static long drainToEnd(InputStream in) throws java.io.IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0;) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (java.io.IOException reset) {
            // a reset, or a TLS connection closed without close_notify, ends it as surely as a FIN
        }
        return total;
    }

    /**
     * A connected socket to the server, with a small receive buffer so that the kernel, not the test, stops
     * reading; over TLS it trusts only the server's certificate and offers only http/1.1.
     */
    private static Socket connect(ServerConfig config, int port) throws Exception {
        Socket plain = new Socket();
        plain.setReceiveBufferSize(4096);
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout((int) WAIT_MILLIS);
        if (!config.protocol().isTls()) {
            return plain;
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TlsMaterial.trustStore(config.tls().certificatePem()));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static void sendWebSocketHandshake(Socket socket) throws java.io.IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the handshake's answer, which must be 101, up to its blank line. */
    private static void expectSwitchingProtocols(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, () -> "the connection ended inside the handshake's answer: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101 "), () -> "expected 101, got " + head);
    }

    /**
     * Reads server frames (text, ping) until a close frame; returns its status code and the reason's length,
     * which must not be 0: a backpressure close says why.
     */
    private static int[] readUntilCloseFrame(InputStream in) throws java.io.IOException {
        java.io.DataInputStream data = new java.io.DataInputStream(in);
        int frames = 0;
        for (;;) {
            int first;
            int second;
            try {
                first = data.readUnsignedByte();
                second = data.readUnsignedByte();
            } catch (java.io.EOFException e) {
                throw new AssertionError("the connection ended after " + frames + " frames without a close frame");
            }
            assertEquals(0, second & 0x80, "a server frame is never masked");
            long length = second & 0x7F;
            if (length == 126) {
                length = data.readUnsignedShort();
            } else if (length == 127) {
                length = data.readLong();
            }
            int opcode = first & 0x0F;
            if (opcode == 0x8) {
                assertTrue(length >= 2, "a backpressure close frame carries a status code");
                int code = data.readUnsignedShort();
                byte[] reason = new byte[(int) length - 2];
                data.readFully(reason);
                String text = new String(reason, StandardCharsets.UTF_8);
                assertEquals(Outbox.BACKPRESSURE_CLOSE_REASON, text, "the close frame's reason");
                return new int[] {code, reason.length};
            }
            try {
                data.skipNBytes(length);
            } catch (java.io.EOFException e) {
                throw new AssertionError("the connection ended inside frame " + (frames + 1) + " without a close frame");
            }
            frames++;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, ServerCounters counters, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT_MILLIS + " ms in vain for " + what + ": " + counters.snapshot());
            }
            Thread.sleep(20);
        }
    }
}
