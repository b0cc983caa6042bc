package dev.pushbench.runner.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real nginx and HAProxy processes in front of a tiny server on 127.0.0.1: a request passes through on
 * each side's protocol, the costs read from /proc, the stop leaves no process behind, stock nginx speaks
 * HTTP/1.0 upstream and holds a stream in its buffers while push passes each event on at once.
 */
class ProxyProcessTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** How long a read waits for bytes that must come (generous: a slow machine is not a failure). */
    private static final int ARRIVAL_TIMEOUT_MILLIS = 10_000;
    /** How long a read waits to show that bytes held in a buffer do not come. */
    private static final int HELD_TIMEOUT_MILLIS = 1_500;

    record Case(ProxyKind kind, ProxyProfile profile, Protocol protocol) {
        @Override
        public String toString() {
            return kind + "-" + profile + " over " + protocol;
        }
    }

    static Stream<Case> passThrough() {
        List<Case> cases = new ArrayList<>();
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            for (ProxyProfile profile : ProxyProfile.values()) {
                for (Protocol protocol : List.of(Protocol.HTTP_1_1, Protocol.HTTPS_1_1)) {
                    cases.add(new Case(kind, profile, protocol));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passThrough")
    void aRequestPassesThroughAndNoProcessOutlivesTheStop(Case c, @TempDir Path dir) throws Exception {
        assumeInstalled(c.kind());
        try (TinyUpstream upstream = new TinyUpstream()) {
            ProxySetup setup = setup(c.kind(), c.profile(), c.protocol(), Transport.SHORT_POLLING, upstream.port(), dir);
            ProxyConfig config = ProxyConfigs.write(setup);
            List<Long> pids;
            try (ProxyProcess proxy = ProxyProcess.start(setup, config, START_TIMEOUT)) {
                String answer = get(setup, config, "/plain");
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.endsWith(TinyUpstream.PLAIN_BODY), answer);
                String expectedVersion = c.kind() == ProxyKind.NGINX && c.profile() == ProxyProfile.STOCK ? "HTTP/1.0" : "HTTP/1.1";
                assertEquals(List.of("GET /plain " + expectedVersion), upstream.requestLines());
                assertEquals(config.upstreamProtocol(), expectedVersion.toLowerCase().replace("/", ""));

                ProxyProcess.Reading reading = proxy.read();
                assertTrue(reading.processes() >= 2, "a master and its workers: " + reading);
                assertTrue(reading.rssBytes() > 0, reading.toString());
                assertTrue(reading.cpuNanos() >= 0, reading.toString());
                assertTrue(proxy.version().matches(c.kind() == ProxyKind.NGINX ? "nginx/[0-9.]+" : "HAProxy [0-9][^ ]*"), proxy.version());
                pids = List.copyOf(proxy.seenPids());
                assertEquals(reading.processes(), pids.size(), pids.toString());
            }
            for (long pid : pids) {
                assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " of " + c + " is left after close(): "
                        + pids + " " + readStat(pid));
            }
        }
    }

    @Test
    void killEndsTheWholeTreeAtOnce(@TempDir Path dir) throws Exception {
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            assumeInstalled(kind);
            killEndsTheWholeTreeAtOnce(kind, dir.resolve(kind.id()));
        }
    }

    private static void killEndsTheWholeTreeAtOnce(ProxyKind kind, Path dir) throws Exception {
        try (TinyUpstream upstream = new TinyUpstream()) {
            ProxySetup setup = setup(kind, ProxyProfile.PUSH, Protocol.HTTP_1_1, Transport.SSE, upstream.port(), dir);
            ProxyProcess proxy = ProxyProcess.start(setup, ProxyConfigs.write(setup), START_TIMEOUT);
            proxy.read();
            List<Long> pids = List.copyOf(proxy.seenPids());
            assertTrue(pids.size() >= 2, pids.toString());
            Path pidFile = dir.resolve(kind == ProxyKind.NGINX ? "nginx.pid" : "haproxy.pid");
            assertEquals(Long.toString(proxy.pid()), Files.readString(pidFile).strip(), "the master's pid file, in the cell's directory");
            proxy.kill();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pids.stream().anyMatch(ProcFs::running) && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            for (long pid : pids) {
                assertFalse(ProcFs.running(pid), "pid " + pid + " still runs after kill()");
            }
            proxy.close(); // after kill: returns at once, never throws
        }
    }

    /**
     * nginx stock reads the stream with HTTP/1.0 and holds what it read in its buffers, so the first event
     * reaches the client only when the server ends the response; push passes it on at once.
     */
    @Test
    void stockNginxHoldsAStreamInItsBuffersPushPassesEachEventOn(@TempDir Path dir) throws Exception {
        assumeInstalled(ProxyKind.NGINX);
        for (ProxyProfile profile : ProxyProfile.values()) {
            try (TinyUpstream upstream = new TinyUpstream()) {
                ProxySetup setup = setup(ProxyKind.NGINX, profile, Protocol.HTTP_1_1, Transport.SSE, upstream.port(),
                        dir.resolve(profile.id()));
                try (ProxyProcess proxy = ProxyProcess.start(setup, ProxyConfigs.write(setup), START_TIMEOUT);
                     Socket socket = new Socket(setup.host(), setup.listenPort())) {
                    socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: " + setup.host() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    StringBuilder seen = new StringBuilder();
                    socket.setSoTimeout(profile == ProxyProfile.PUSH ? ARRIVAL_TIMEOUT_MILLIS : HELD_TIMEOUT_MILLIS);
                    boolean firstArrived = readUntil(socket.getInputStream(), seen, TinyUpstream.FIRST_EVENT);
                    if (profile == ProxyProfile.PUSH) {
                        assertTrue(firstArrived, "push passes the first event on while the server holds the stream: " + seen);
                    } else {
                        assertFalse(seen.toString().contains(TinyUpstream.FIRST_EVENT),
                                "stock holds the first event while the server holds the stream: " + seen);
                    }
                    upstream.releaseStream();
                    socket.setSoTimeout(ARRIVAL_TIMEOUT_MILLIS);
                    assertTrue(readUntil(socket.getInputStream(), seen, TinyUpstream.SECOND_EVENT), seen.toString());
                    assertTrue(seen.indexOf(TinyUpstream.FIRST_EVENT) < seen.indexOf(TinyUpstream.SECOND_EVENT), seen.toString());
                    assertEquals(List.of("GET /stream " + (profile == ProxyProfile.STOCK ? "HTTP/1.0" : "HTTP/1.1")),
                            upstream.requestLines());
                }
            }
        }
    }

    static Stream<Case> idleCut() {
        List<Case> cases = new ArrayList<>();
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            for (ProxyProfile profile : ProxyProfile.values()) {
                cases.add(new Case(kind, profile, Protocol.HTTP_1_1));
            }
        }
        return cases.stream();
    }

    /** With the idle timeout set short for a test, the proxy cuts a stream that stays quiet longer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("idleCut")
    void aStreamQuieterThanTheIdleTimeoutIsCut(Case c, @TempDir Path dir) throws Exception {
        assumeInstalled(c.kind());
        try (TinyUpstream upstream = new TinyUpstream()) {
            ProxySetup setup = setup(c.kind(), c.profile(), c.protocol(), Transport.SSE, upstream.port(), dir);
            ProxyConfig config = ProxyConfigs.write(setup, Duration.ofSeconds(1));
            assertEquals(Duration.ofSeconds(1), config.idleTimeout());
            try (ProxyProcess proxy = ProxyProcess.start(setup, config, START_TIMEOUT);
                 Socket socket = connect(setup, config, "http/1.1")) {
                socket.setSoTimeout(ARRIVAL_TIMEOUT_MILLIS);
                socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: " + setup.host() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // the server holds the stream after its first event until released, which this test never does
                String seen = readToEnd(socket.getInputStream());
                assertFalse(seen.contains(TinyUpstream.SECOND_EVENT), seen);
            }
        }
    }

    static Stream<Case> http2() {
        List<Case> cases = new ArrayList<>();
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            for (Protocol protocol : List.of(Protocol.H2C, Protocol.H2)) {
                cases.add(new Case(kind, ProxyProfile.PUSH, protocol));
            }
        }
        return cases.stream();
    }

    /**
     * The HTTP/2 listeners speak HTTP/2 at once (h2c with prior knowledge; h2 negotiated by ALPN offering h2
     * only), and HAProxy announces RFC 8441's extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL = 1) where
     * nginx does not: why WebSocket over HTTP/2 is supported through HAProxy only.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("http2")
    void http2ListenersSpeakHttp2AndOnlyHaproxyAnnouncesExtendedConnect(Case c, @TempDir Path dir) throws Exception {
        assumeInstalled(c.kind());
        try (TinyUpstream upstream = new TinyUpstream()) {
            ProxySetup setup = setup(c.kind(), c.profile(), c.protocol(), Transport.SSE, upstream.port(), dir);
            ProxyConfig config = ProxyConfigs.write(setup);
            try (ProxyProcess proxy = ProxyProcess.start(setup, config, START_TIMEOUT);
                 Socket socket = connect(setup, config, "h2")) {
                socket.setSoTimeout(ARRIVAL_TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
                out.flush();
                Map<Integer, Long> settings = serverSettings(new DataInputStream(socket.getInputStream()));
                long enableConnectProtocol = settings.getOrDefault(0x8, 0L);
                assertEquals(c.kind() == ProxyKind.HAPROXY ? 1L : 0L, enableConnectProtocol, "SETTINGS " + settings);
            }
        }
    }

    @Test
    void aProxyThatCannotStartThrowsWithItsLogAndLeavesNothing(@TempDir Path dir) throws Exception {
        for (ProxyKind kind : List.of(ProxyKind.NGINX, ProxyKind.HAPROXY)) {
            assumeInstalled(kind);
            ProxySetup setup = setup(kind, ProxyProfile.STOCK, Protocol.HTTP_1_1, Transport.SSE, freePort(), dir.resolve(kind.id()));
            ProxyConfig config = ProxyConfigs.write(setup);
            Files.writeString(config.file(), config.text() + "\nthis is not a directive\n");
            IOException e = assertThrows(IOException.class, () -> ProxyProcess.start(setup, config, START_TIMEOUT));
            assertTrue(e.getMessage().contains("exited") && e.getMessage().contains(ProxyProcess.LOG_FILE), e.getMessage());

            try (ServerSocket taken = new ServerSocket(setup.listenPort(), 50, InetAddress.getLoopbackAddress())) {
                IOException busy = assertThrows(IOException.class, () -> ProxyProcess.start(setup, ProxyConfigs.write(setup), START_TIMEOUT));
                assertTrue(busy.getMessage().contains("already accepts connections"), busy.getMessage());
            }
        }
    }

    @Test
    void versionsAreTheProxysOwnLine() {
        assertEquals("nginx/1.22.1", ProxyProcess.parseVersion(ProxyKind.NGINX, "nginx version: nginx/1.22.1\n"));
        assertEquals("HAProxy 2.6.12-1+deb12u4", ProxyProcess.parseVersion(ProxyKind.HAPROXY,
                "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/\nStatus: long-term supported branch"));
    }

    private static ProxySetup setup(ProxyKind kind, ProxyProfile profile, Protocol protocol, Transport transport,
                                    int upstreamPort, Path dir) throws IOException {
        return new ProxySetup(kind, profile, protocol, transport, "127.0.0.1", freePort(), upstreamPort,
                Duration.ofSeconds(15), Duration.ofSeconds(30), 100, dir);
    }

    private static String readStat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return "gone now";
        }
    }

    private static void assumeInstalled(ProxyKind kind) {
        Installed.assume(kind);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A socket to the proxy: plain, or TLS trusting only the proxy's certificate with ALPN offering only {@code alpn}. */
    private static Socket connect(ProxySetup setup, ProxyConfig config, String alpn) throws Exception {
        if (!setup.clientProtocol().isTls()) {
            return new Socket(setup.host(), setup.listenPort());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TlsMaterial.trustStore(config.certificatePem()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(setup.host(), setup.listenPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {alpn});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        assertEquals(alpn, socket.getApplicationProtocol(), "ALPN");
        return socket;
    }

    /** An HTTP/1.1 GET through the proxy, the connection closed after the answer; the whole answer. */
    private static String get(ProxySetup setup, ProxyConfig config, String path) throws Exception {
        try (Socket socket = connect(setup, config, "http/1.1")) {
            socket.setSoTimeout(ARRIVAL_TIMEOUT_MILLIS);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + setup.host() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Everything until the proxy closes the connection; fails if it does not within {@link #ARRIVAL_TIMEOUT_MILLIS}. */
    private static String readToEnd(InputStream in) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the quiet stream was not cut within " + ARRIVAL_TIMEOUT_MILLIS + " ms: " + seen, e);
        }
        return seen.toString();
    }

    /** Reads into {@code seen} until it holds {@code expected}; false when the read times out or the stream ends first. */
    private static boolean readUntil(InputStream in, StringBuilder seen, String expected) throws IOException {
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains(expected)) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (n < 0) {
                return false;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        return true;
    }

    /** The parameters of the server's first frame, which RFC 9113 §3.4 makes a SETTINGS frame. */
    private static Map<Integer, Long> serverSettings(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        in.readUnsignedByte(); // flags
        in.readInt(); // stream id
        assertEquals(4, type, "the server's preface is a SETTINGS frame");
        Map<Integer, Long> settings = new HashMap<>();
        for (int read = 0; read < length; read += 6) {
            settings.put(in.readUnsignedShort(), Integer.toUnsignedLong(in.readInt()));
        }
        return settings;
    }

}
