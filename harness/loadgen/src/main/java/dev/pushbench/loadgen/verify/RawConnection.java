package dev.pushbench.loadgen.verify;

import dev.pushbench.core.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One TCP connection (TLS for an https target) on which a check writes exactly the bytes it wants,
 * for what no well-behaved client library sends: an HTTP/1.1 request to an HTTP/2-only port, a
 * WebSocket handshake of an old version. Every read is bounded by the check's deadline.
 *
 * <pre>
 *   try (RawConnection raw = RawConnection.open(target, "http/1.1", AT_ONCE_MILLIS)) {
 *       raw.send("HEAD /sse/t0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
 *       RawConnection.Ending end = raw.readToEnd(AT_ONCE_MILLIS);
 *   }
 * </pre>
 */
final class RawConnection implements AutoCloseable {
    /** The most a check reads before it stops: it looks at a refusal, never at a stream. */
    private static final int MAX_BYTES = 64 * 1024;

    private final Socket socket;
    private final String label;

    private RawConnection(Socket socket, String label) {
        this.socket = socket;
        this.label = label;
    }

    /**
     * Connects to {@code target}; over TLS it trusts only the target's certificate and offers {@code alpn} in
     * ALPN (null: no ALPN extension at all), and completes the handshake before returning.
     */
    static RawConnection open(ConformanceTarget target, String alpn, long timeoutMillis) throws CheckFailure {
        String host = target.base().getHost();
        int port = target.base().getPort();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) timeoutMillis);
            plain.setSoTimeout((int) timeoutMillis);
            if (!target.protocol().isTls()) {
                return new RawConnection(plain, "raw TCP to " + host + ":" + port);
            }
            SSLSocket tls = (SSLSocket) sslContext(target.certificatePem()).getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (alpn != null) {
                parameters.setApplicationProtocols(new String[] {alpn});
            }
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return new RawConnection(tls, "raw TLS to " + host + ":" + port + (alpn == null ? " without ALPN" : " with ALPN " + alpn));
        } catch (IOException | java.security.GeneralSecurityException e) {
            closeQuietly(plain);
            throw new CheckFailure("could not open a raw connection to " + host + ":" + port + ": " + Probe.describe(e));
        }
    }

    private static SSLContext sslContext(String certificatePem) throws java.security.GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TlsMaterial.trustStore(certificatePem));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        return ssl;
    }

    String label() {
        return label;
    }

    void send(String ascii) throws CheckFailure {
        try {
            socket.getOutputStream().write(ascii.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new CheckFailure(label + ": could not send the request: " + Probe.describe(e));
        }
    }

    /**
     * What the server sent until it ended the connection.
     *
     * @param bytes   everything read, at most {@link #MAX_BYTES}
     * @param ended   true if the server closed (or reset) the connection within the deadline
     * @param millis  how long it took, from the call
     */
    record Ending(byte[] bytes, boolean ended, long millis) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** The first line, or a description of the bytes when there is none. */
        String firstLine() {
            String text = text();
            int eol = text.indexOf("\r\n");
            if (bytes.length == 0) {
                return "(nothing)";
            }
            return eol >= 0 ? text.substring(0, eol) : bytes.length + " bytes without a line end";
        }
    }

    /** Reads until the server ends the connection or {@code timeoutMillis} pass. */
    Ending readToEnd(long timeoutMillis) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[8 * 1024];
        boolean ended = false;
        try {
            InputStream in = socket.getInputStream();
            while (seen.size() < MAX_BYTES) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    break;
                }
                socket.setSoTimeout((int) leftMillis);
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    ended = true;
                    break;
                }
                seen.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a reset (or a TLS close without close_notify) ends the connection as surely as a FIN
            ended = true;
        }
        return new Ending(seen.toByteArray(), ended, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /**
     * Reads one HTTP/1.1 response: its head, then a body of its {@code Content-Length} (none for a HEAD or a
     * 101), all within {@code timeoutMillis}.
     */
    RawResponse readResponse(boolean head, long timeoutMillis) throws CheckFailure {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        try {
            InputStream in = socket.getInputStream();
            while (!endsWithBlankLine(seen)) {
                if (seen.size() > MAX_BYTES) {
                    throw new CheckFailure(label + ": a response head over " + MAX_BYTES + " bytes");
                }
                setTimeout(deadline);
                if (in.read(one) < 0) {
                    throw new CheckFailure(label + ": the connection ended before a whole response head, got "
                            + HttpAnswer.snippet(seen.toString(StandardCharsets.ISO_8859_1)));
                }
                seen.write(one[0]);
            }
            RawResponse response = RawResponse.parseHead(label, seen.toString(StandardCharsets.ISO_8859_1));
            int length = head || response.status() == 101 || response.status() == 204 || response.status() == 304
                    ? 0 : response.contentLength();
            byte[] body = new byte[Math.max(0, length)];
            int at = 0;
            while (at < body.length) {
                setTimeout(deadline);
                int n = in.read(body, at, body.length - at);
                if (n < 0) {
                    throw new CheckFailure(label + ": the connection ended " + at + " bytes into a body of " + length);
                }
                at += n;
            }
            return response.withBody(new String(body, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            throw new CheckFailure(label + ": no whole response within " + timeoutMillis + " ms, got "
                    + HttpAnswer.snippet(seen.toString(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new CheckFailure(label + ": reading the response failed: " + Probe.describe(e));
        }
    }

    private void setTimeout(long deadlineNanos) throws IOException {
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMillis <= 0) {
            throw new SocketTimeoutException();
        }
        socket.setSoTimeout((int) leftMillis);
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream seen) {
        byte[] b = seen.toByteArray();
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing after a check: nothing to report
        }
    }
}
