package dev.pushbench.runner.cluster;

import dev.pushbench.core.Clocks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The serving agent's clock over a plain TCP socket, for {@link ClockSync}'s exchanges: each 8-byte request is
 * answered at once with 8 bytes, its clock's reading in nanoseconds (big-endian). The request's content is not
 * read; a {@link TimeClient} sends its own clock's reading, which helps when looking at a packet capture.
 *
 * <p>It listens from construction until {@link #close()}, on one daemon thread, and serves each connection on
 * another with TCP_NODELAY, so an answer leaves in one segment without waiting. At most {@value #MAX_CONNECTIONS}
 * connections are served at once (more are closed as they arrive), and a connection silent for
 * {@link #IDLE_TIMEOUT} is closed, so a client that went away holds no thread.
 *
 * <pre>
 *   try (TimeServer time = new TimeServer(InetAddress.getByName("0.0.0.0"), 0)) {
 *       int port = time.port();   // tell the load agents
 *       ...
 *   }
 * </pre>
 */
public final class TimeServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 64;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int MESSAGE_BYTES = 8;

    private final ServerSocket listener;
    private final LongSupplier clock;
    private final Semaphore slots;
    private final int idleTimeoutMillis;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Serves {@link Clocks#nanoTime()} on {@code bind}:{@code port} (0: any free port). */
    public TimeServer(InetAddress bind, int port) throws IOException {
        this(bind, port, Clocks::nanoTime);
    }

    /** Serves {@code clock}'s readings (a test's skewed clock) on {@code bind}:{@code port} (0: any free port). */
    public TimeServer(InetAddress bind, int port, LongSupplier clock) throws IOException {
        this(bind, port, clock, MAX_CONNECTIONS, IDLE_TIMEOUT);
    }

    TimeServer(InetAddress bind, int port, LongSupplier clock, int maxConnections, Duration idleTimeout) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        this.clock = clock;
        this.slots = new Semaphore(maxConnections);
        this.idleTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(bind, port), MAX_CONNECTIONS);
        } catch (IOException e) {
            listener.close();
            throw new IOException("time server cannot listen on " + bind.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::accept, "time-server-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port it listens on (the one chosen when constructed with 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** Opens a connection to a time server: an {@link ClockSync.Exchange} over it ({@link TimeClient#connect}). */
    public static TimeClient client(String host, int port, Duration timeout) throws IOException {
        return TimeClient.connect(host, port, timeout);
    }

    /** Stops listening and closes every open connection; their threads end. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                pauseAfterFailedAccept();
                continue;
            }
            if (!slots.tryAcquire()) {
                closeQuietly(socket);
                continue;
            }
            open.add(socket);
            if (closed) {
                release(socket);
                return;
            }
            Thread t = new Thread(() -> serve(socket), "time-server-" + port() + "-" + socket.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(idleTimeoutMillis);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] request = new byte[MESSAGE_BYTES];
            ByteBuffer answer = ByteBuffer.allocate(MESSAGE_BYTES);
            while (in.readNBytes(request, 0, MESSAGE_BYTES) == MESSAGE_BYTES) {
                answer.putLong(0, clock.getAsLong());
                out.write(answer.array());
            }
        } catch (IOException e) {
            // idle past the timeout, reset by the peer, or closed by close(): the connection ends either way
        } finally {
            release(socket);
        }
    }

    /** An accept that fails (out of file descriptors) would fail again at once: do not spin on it. */
    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(Socket socket) {
        if (open.remove(socket)) {
            closeQuietly(socket);
            slots.release();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing: nothing left to do with it
        }
    }

    @Override
    public String toString() {
        return "time server on " + listener.getInetAddress().getHostAddress() + ":" + port();
    }
}
