package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS on the nio engine against real Jetty 12 TLS servers: bodies arrive whole and in order however
 * records fall across reads, handshakes are timed, ALPN and the certificate are enforced with a
 * message that says what went wrong, and timeouts and closes behave as in cleartext.
 */
@Timeout(60)
class NioTlsTest {
    private static final TlsMaterial TLS = TlsMaterial.selfSigned("127.0.0.1");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static TlsTestServer http11;
    private static TlsTestServer h2;
    private static TlsTestServer noAlpn;

    @BeforeAll
    static void startServers() throws Exception {
        http11 = TlsTestServer.start(TLS, "http/1.1");
        h2 = TlsTestServer.start(TLS, "h2");
        noAlpn = TlsTestServer.start(TLS, null);
    }

    @AfterAll
    static void stopServers() {
        for (TlsTestServer server : new TlsTestServer[] {http11, h2, noAlpn}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aBodyOfManyRecordsArrivesWholeAndInOrder() throws Exception {
        int bodyBytes = 3 * 1024 * 1024 + 17; // ~48 reads of 64 KiB: records cut at read boundaries
        List<Long> handshakes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (NioEngine engine = engine(Protocol.HTTPS_1_1, http11.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            engine.onTlsHandshake(handshakes::add);
            RawConnection connection = new RawConnection(engine, get("/body?bytes=" + bodyBytes + "&chunk=1000"), bodyBytes);
            connection.open();
            byte[] body = connection.body.get(30, TimeUnit.SECONDS);
            assertBody(bodyBytes, body);
            assertEquals(1, handshakes.size(), "handshakes reported");
            assertTrue(handshakes.get(0) > 0, "handshake duration " + handshakes.get(0) + " ns");
            assertTrue(engine.bytesIn() > connection.receivedBytes(),
                    "bytesIn counts records: " + engine.bytesIn() + " B on the socket for " + connection.receivedBytes() + " B of plaintext");
            assertTrue(connection.reads.get() > 1, "plaintext came in " + connection.reads.get() + " reads");
            assertTrue(connection.maxLeftoverBytes.get() > 0, "no record was split across reads");
            connection.close();
        }
    }

    @Test
    void recordsDribbledAFewBytesAtATimeArriveWhole() throws Exception {
        int bodyBytes = 200_000;
        try (DribbleRelay relay = new DribbleRelay(http11.port());
             NioEngine engine = engine(Protocol.HTTPS_1_1, relay.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            RawConnection connection = new RawConnection(engine, get("/body?bytes=" + bodyBytes + "&chunk=3000"), bodyBytes);
            connection.open();
            assertBody(bodyBytes, connection.body.get(30, TimeUnit.SECONDS));
            assertTrue(connection.maxLeftoverBytes.get() > 0, "no record was split across reads");
            connection.close();
            waitUntil(() -> engine.connectionsClosed() == 1, "the connection counted closed");
            assertEquals(0, connection.leftoverBytesAtEnd, "the leftover array is dropped once a read ends on a record boundary");
        }
    }

    /** The h2 server speaks HTTP/2 after ALPN: its first frame is SETTINGS (type 4). */
    @Test
    void h2IsNegotiatedAndSpoken() throws Exception {
        byte[] preface = cat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII), new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        AtomicLong handshakeNanos = new AtomicLong();
        try (NioEngine engine = engine(Protocol.H2, h2.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            engine.onTlsHandshake(handshakeNanos::set);
            RawConnection connection = new RawConnection(engine, preface, -1);
            connection.open();
            connection.connected.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connection.receivedBytes() < 9 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            byte[] frames = connection.received();
            assertTrue(frames.length >= 9, "the server sent " + frames.length + " B, not a frame");
            assertEquals(4, frames[3], "the first frame's type");
            assertTrue(handshakeNanos.get() > 0, "handshake reported");
            connection.close();
        }
    }

    @Test
    void https11WithoutAlpnIsServedAsHttp11() throws Exception {
        try (NioEngine engine = engine(Protocol.HTTPS_1_1, noAlpn.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            RawConnection connection = new RawConnection(engine, get("/body?bytes=5000"), 5000);
            connection.open();
            assertBody(5000, connection.body.get(10, TimeUnit.SECONDS));
            connection.close();
        }
    }

    /** Each protocol against the server offering only the other one: the server refuses the handshake. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTPS_1_1", "H2"})
    void aServerOfferingOnlyTheOtherProtocolFailsTheHandshakeClearly(Protocol protocol) throws Exception {
        TlsTestServer other = protocol.isHttp2() ? http11 : h2;
        Throwable cause = failedHandshake(protocol, other.port(), TLS.certificatePem());
        String message = cause.getMessage();
        assertTrue(message.contains("TLS handshake with 127.0.0.1:" + other.port()), message);
        assertTrue(message.contains("ALPN offered: " + (protocol.isHttp2() ? "h2" : "http/1.1")), message);
        // Jetty's server drops the connection with its no_application_protocol alert unsent
        assertTrue(message.contains("the server closed the connection during the TLS handshake, without an alert"), message);
    }

    @Test
    void h2FromAServerWithoutAlpnFailsClearly() throws Exception {
        Throwable cause = failedHandshake(Protocol.H2, noAlpn.port(), TLS.certificatePem());
        assertTrue(cause.getMessage().contains("the server negotiated no ALPN protocol, wanted 'h2'"), cause.getMessage());
    }

    @Test
    void aCertificateOtherThanTheTrustedOneFailsClearly() throws Exception {
        String stranger = TlsMaterial.selfSigned("127.0.0.1").certificatePem();
        Throwable cause = failedHandshake(Protocol.HTTPS_1_1, http11.port(), stranger);
        assertTrue(cause.getMessage().contains("PKIX path"), cause.getMessage());
    }

    /** Trusted, but naming another address: endpoint identification refuses it, as in the Jetty engine. */
    @Test
    void aTrustedCertificateNamingAnotherHostFails() throws Exception {
        TlsMaterial elsewhere = TlsMaterial.selfSigned("127.0.0.2");
        try (TlsTestServer server = TlsTestServer.start(elsewhere, "http/1.1")) {
            Throwable cause = failedHandshake(Protocol.HTTPS_1_1, server.port(), elsewhere.certificatePem());
            assertTrue(cause.getMessage().contains("127.0.0.1"), cause.getMessage());
            assertTrue(cause.getMessage().toLowerCase().contains("subject alternative name"), cause.getMessage());
        }
    }

    @Test
    void anIdleTlsConnectionTimesOut() throws Exception {
        try (NioEngine engine = engine(Protocol.HTTPS_1_1, http11.port(), TLS.certificatePem(), Duration.ofMillis(300))) {
            RawConnection connection = new RawConnection(engine, null, -1);
            connection.open();
            connection.connected.get(10, TimeUnit.SECONDS);
            Throwable cause = connection.ended.get(10, TimeUnit.SECONDS).orElseThrow();
            assertInstanceOf(TimeoutException.class, cause);
            assertTrue(cause.getMessage().startsWith("idle timeout:"), cause.getMessage());
            assertEquals(1, connection.ends.get());
        }
    }

    @Test
    void aServerSilentInTheHandshakeTimesOut() throws Exception {
        try (SilentServer silent = new SilentServer();
             NioEngine engine = engine(Protocol.HTTPS_1_1, silent.port(), TLS.certificatePem(), Duration.ofMillis(300))) {
            RawConnection connection = new RawConnection(engine, null, -1);
            connection.open();
            Throwable cause = connection.ended.get(10, TimeUnit.SECONDS).orElseThrow();
            assertInstanceOf(TimeoutException.class, cause);
            assertTrue(cause.getMessage().startsWith("idle timeout in the TLS handshake"), cause.getMessage());
            assertFalse(connection.connected.isDone(), "onConnected before the handshake finished");
        }
    }

    @Test
    void closeWhileHandshakingIsQuiet() throws Exception {
        try (SilentServer silent = new SilentServer();
             NioEngine engine = engine(Protocol.H2, silent.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            RawConnection connection = new RawConnection(engine, null, -1);
            connection.open();
            silent.clientHello.get(10, TimeUnit.SECONDS);
            connection.close();
            assertEquals(-1, silent.endOfStream.get(10, TimeUnit.SECONDS), "the server saw the socket close");
            waitUntil(() -> engine.connectionsClosed() == 1, "the connection counted closed");
            assertEquals(1, engine.connectionsOpened());
            assertEquals(0, connection.ends.get(), "a close asked for is not reported");
            assertFalse(connection.connected.isDone());
        }
    }

    /** Records, not plaintext, on the socket: after the request, close() adds one close_notify record. */
    @Test
    void closeSendsCloseNotify() throws Exception {
        try (NioEngine engine = engine(Protocol.HTTPS_1_1, http11.port(), TLS.certificatePem(), Duration.ofSeconds(30))) {
            byte[] request = get("/body?bytes=10");
            RawConnection connection = new RawConnection(engine, request, 10);
            connection.open();
            connection.body.get(10, TimeUnit.SECONDS);
            long before = engine.bytesOut();
            assertTrue(before > request.length, "bytesOut " + before + " B counts the handshake and the request's record");
            connection.close();
            waitUntil(() -> engine.connectionsClosed() == 1, "the connection counted closed");
            long alert = engine.bytesOut() - before;
            assertTrue(alert >= 7 && alert < 64, "close_notify record of " + alert + " B");
        }
    }

    // ---- helpers

    private static Throwable failedHandshake(Protocol protocol, int port, String pem) throws Exception {
        List<Long> handshakes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (NioEngine engine = engine(protocol, port, pem, Duration.ofSeconds(30))) {
            engine.onTlsHandshake(handshakes::add);
            RawConnection connection = new RawConnection(engine, get("/body?bytes=10"), 10);
            connection.open();
            Throwable cause = connection.ended.get(10, TimeUnit.SECONDS).orElseThrow();
            assertInstanceOf(SSLHandshakeException.class, cause);
            assertFalse(connection.connected.isDone(), "onConnected after a failed handshake");
            assertTrue(handshakes.isEmpty(), "a failed handshake was reported as a duration");
            waitUntil(() -> engine.connectionsClosed() == 1, "the connection counted closed");
            assertEquals(1, connection.ends.get(), "ends reported");
            return cause;
        }
    }

    static NioEngine engine(Protocol protocol, int port, String pem, Duration idleTimeout) throws IOException {
        return new NioEngine(new NioEngineConfig(new InetSocketAddress("127.0.0.1", port), protocol, pem,
                idleTimeout, 1, List.of()));
    }

    static byte[] get(String target) {
        return ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(US_ASCII);
    }

    private static void assertBody(int bodyBytes, byte[] body) {
        assertEquals(bodyBytes, body.length, "body length");
        for (int i = 0; i < bodyBytes; i++) {
            if (body[i] != TlsTestServer.bodyByte(i)) {
                throw new AssertionError("body byte " + i + " is " + body[i] + ", expected " + TlsTestServer.bodyByte(i));
            }
        }
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Writes {@code request} (if any) once connected and keeps everything read; {@link #body} completes
     * with the HTTP body once {@code bodyBytes} of it arrived after the head.
     */
    static final class RawConnection extends NioConnection {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<byte[]> body = new CompletableFuture<>();
        final CompletableFuture<Optional<Throwable>> ended = new CompletableFuture<>();
        final AtomicInteger ends = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger maxLeftoverBytes = new AtomicInteger();
        volatile int leftoverBytesAtEnd = -1;
        private final byte[] request;
        private final int bodyBytes;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int headBytes = -1;

        RawConnection(NioEngine engine, byte[] request, int bodyBytes) {
            super(engine);
            this.request = request;
            this.bodyBytes = bodyBytes;
        }

        synchronized int receivedBytes() {
            return received.size();
        }

        synchronized byte[] received() {
            return received.toByteArray();
        }

        @Override
        protected void onConnected() throws IOException {
            connected.complete(null);
            if (request != null) {
                write(request);
            }
        }

        @Override
        protected void onRead(byte[] bytes, int offset, int length) {
            reads.incrementAndGet();
            maxLeftoverBytes.accumulateAndGet(tlsLeftoverBytes(), Math::max);
            synchronized (this) {
                received.write(bytes, offset, length);
                if (bodyBytes < 0 || body.isDone()) {
                    return;
                }
                if (headBytes < 0) {
                    byte[] all = received.toByteArray();
                    for (int i = 3; i < all.length; i++) {
                        if (all[i - 3] == '\r' && all[i - 2] == '\n' && all[i - 1] == '\r' && all[i] == '\n') {
                            headBytes = i + 1;
                            break;
                        }
                    }
                }
                if (headBytes >= 0 && received.size() - headBytes >= bodyBytes) {
                    byte[] all = received.toByteArray();
                    byte[] content = new byte[all.length - headBytes];
                    System.arraycopy(all, headBytes, content, 0, content.length);
                    body.complete(content);
                }
            }
        }

        @Override
        protected void onEndOfStream() {
        }

        @Override
        protected void onEnd(dev.pushbench.client.StreamEnd end, Throwable cause) {
            ends.incrementAndGet();
            ended.complete(Optional.ofNullable(cause));
        }

        @Override
        protected void onClosing() {
            leftoverBytesAtEnd = tlsLeftoverBytes();
        }
    }

    /** Accepts one connection and never answers; notes the first bytes (a ClientHello) and the end of the stream. */
    static final class SilentServer implements AutoCloseable {
        final CompletableFuture<Void> clientHello = new CompletableFuture<>();
        final CompletableFuture<Integer> endOfStream = new CompletableFuture<>();
        private final ServerSocket socket = new ServerSocket(0, 10, LOOPBACK);
        private final ConcurrentLinkedQueue<Socket> accepted = new ConcurrentLinkedQueue<>();

        SilentServer() throws IOException {
            Thread thread = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    accepted.add(s);
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[4096];
                    int n = in.read(buffer);
                    if (n > 0) {
                        clientHello.complete(null);
                    }
                    while (n > 0) {
                        n = in.read(buffer);
                    }
                    endOfStream.complete(n);
                } catch (IOException e) {
                    endOfStream.completeExceptionally(e);
                }
            }, "silent-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * A relay to {@code 127.0.0.1:targetPort} passing the server's bytes on in pieces of 1 to 37 bytes,
     * each flushed alone, so that the client's reads end inside records at many positions.
     */
    static final class DribbleRelay implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 10, LOOPBACK);
        private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();

        DribbleRelay(int targetPort) throws IOException {
            Thread thread = new Thread(() -> {
                try {
                    Socket client = socket.accept();
                    Socket server = new Socket(LOOPBACK, targetPort);
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(server);
                    Thread up = new Thread(() -> copy(client, server, Integer.MAX_VALUE), "relay-up");
                    up.setDaemon(true);
                    up.start();
                    copy(server, client, 37);
                } catch (IOException e) {
                    // closed
                }
            }, "relay-down");
            thread.setDaemon(true);
            thread.start();
        }

        private static void copy(Socket from, Socket to, int maxPieceBytes) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buffer = new byte[8192];
                int piece = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int offset = 0; offset < n; ) {
                        piece = piece % Math.min(maxPieceBytes, 8192) + 1;
                        int length = Math.min(piece, n - offset);
                        out.write(buffer, offset, length);
                        out.flush();
                        offset += length;
                    }
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
