package dev.pushbench.runner.cluster;

import dev.pushbench.core.Clocks;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A {@link ClockSync.Exchange} over one kept TCP connection to a {@link TimeServer}: each exchange sends 8 bytes and
 * reads the server's 8-byte clock reading, timed on this host's clock ({@link Clocks#nanoTime()} by default).
 *
 * <p>Connecting and each answer are bounded by the timeout, so a dead or silent peer fails an exchange rather than
 * hanging it. An answer that did not come in time may still come later and would be read as the next one's, so a
 * timeout closes the connection and later exchanges fail at once. Exchanges are serialised; {@link #close()} may be
 * called from any thread and ends one in progress.
 *
 * <pre>
 *   try (TimeClient tcp = TimeClient.connect("10.0.0.5", port, Duration.ofSeconds(2))) {
 *       ClockSync.Estimate e = ClockSync.estimate(tcp, 200, Duration.ofMillis(2), "tcp");
 *   }
 * </pre>
 */
public final class TimeClient implements ClockSync.Exchange, AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final LongSupplier clock;
    private final String peer;
    private final Duration timeout;
    private final byte[] answer = new byte[TimeServer.MESSAGE_BYTES];
    private final ByteBuffer request = ByteBuffer.allocate(TimeServer.MESSAGE_BYTES);
    private volatile String brokenBecause;

    private TimeClient(Socket socket, LongSupplier clock, String peer, Duration timeout) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.clock = clock;
        this.peer = peer;
        this.timeout = timeout;
    }

    /** Connects to a time server, timing exchanges on {@link Clocks#nanoTime()}. */
    public static TimeClient connect(String host, int port, Duration timeout) throws IOException {
        return connect(host, port, timeout, Clocks::nanoTime);
    }

    /** Connects to a time server, timing exchanges on {@code clock} (a test's skewed clock). */
    public static TimeClient connect(String host, int port, Duration timeout, LongSupplier clock) throws IOException {
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout must be between 1ms and " + Integer.MAX_VALUE + "ms, got " + timeout);
        }
        int millis = (int) Math.max(1, timeout.toMillis());
        String peer = host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(millis);
            socket.connect(new InetSocketAddress(host, port), millis);
            return new TimeClient(socket, clock, peer, timeout);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException("time server " + peer + " did not accept a connection within " + timeout, e);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to time server " + peer + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized ClockSync.Sample exchange() throws IOException, TimeoutException {
        if (brokenBecause != null) {
            throw new IOException("time server connection to " + peer + " is closed: " + brokenBecause);
        }
        long sentNanos = clock.getAsLong();
        request.putLong(0, sentNanos);
        try {
            out.write(request.array());
            int read = in.readNBytes(answer, 0, answer.length);
            long receivedNanos = clock.getAsLong();
            if (read < answer.length) {
                throw new EOFException("time server " + peer + " closed the connection");
            }
            return new ClockSync.Sample(sentNanos, ByteBuffer.wrap(answer).getLong(), receivedNanos);
        } catch (SocketTimeoutException e) {
            breakWith("no answer within " + timeout);
            throw new TimeoutException("time server " + peer + " did not answer within " + timeout);
        } catch (IOException e) {
            breakWith(e.getMessage());
            throw e;
        }
    }

    private void breakWith(String reason) {
        brokenBecause = reason;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing: the reason given is the one that matters
        }
    }

    @Override
    public void close() {
        if (brokenBecause == null) {
            brokenBecause = "closed";
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "time client of " + peer;
    }
}
