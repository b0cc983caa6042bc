package dev.pushbench.loadgen.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.core.ServerStack;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

/**
 * Shared by every stack (its module extends this class): a subscriber that cannot keep up costs the
 * server one batch in flight, never a growing buffer:
 * the feed outruns it (64 KiB events at 200/s, 12.8 MB/s, against a 16-event history) and the
 * {@link Backpressure} policy acts and is counted. Waits are bounded polls of the counters, not
 * sleeps that assert timing.
 */
@Timeout(60)
public abstract class SlowSubscriberTck {
    /** The stack under test; a new instance each call is fine. */
    protected abstract ServerStack stack();

    private static final FeedSpec FAST_LARGE = new FeedSpec(1, 200, 64 * 1024, 16);
    private static final long WAIT_MILLIS = 20_000;

    private static ServerConfig config(Protocol protocol, Backpressure policy) {
        return new ServerConfig("127.0.0.1", 0, protocol, Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 256, policy, null);
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

    @Test
    void webSocketClientThatNeverReadsIsDisconnectedOverHttp11() throws Exception {
        try (EventFeed feed = new EventFeed(FAST_LARGE);
             PushContext context = new PushContext(feed, config(Protocol.HTTP_1_1, Backpressure.DISCONNECT));
             PushServer server = stack().start(context);
             Socket socket = new Socket()) {
            feed.start(System.nanoTime());
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout((int) WAIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            ServerCounters counters = context.counters();
            awaitTrue(() -> counters.backpressureDisconnects.sum() > 0, counters, "a backpressure disconnect");
            awaitTrue(() -> counters.activeSubscribers() == 0, counters, "the stalled subscriber to be gone");
            assertEquals(1, counters.backpressureDisconnects.sum(), counters.snapshot()::toString);
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

    /** Reads until the server closes the connection; returns the bytes read. */
    private static long drainToEnd(InputStream in) throws java.io.IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0;) {
            total += n;
        }
        return total;
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
