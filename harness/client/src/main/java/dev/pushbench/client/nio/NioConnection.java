package dev.pushbench.client.nio;

import dev.pushbench.core.EventFields;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeoutException;

/**
 * One TCP connection of a {@link NioEngine}, confined to the selector thread it was assigned: the
 * subclass writes its request once connected and parses what it reads, in place.
 *
 * <p>Lifecycle: {@link #open()} (any thread) queues the connect; {@link #onConnected()},
 * {@link #onRead}, {@link #onEndOfStream()} and {@link #onEnd} then run on the selector thread.
 * {@link #close()} (any thread) ends it quietly: after it, no callback reports anything. An end the
 * client did not ask for (the server closed, an I/O error, a protocol violation, the idle or connect
 * timeout) is reported once through {@link #onEnd}, with null for a clean end of the stream.
 */
public abstract class NioConnection {
    private static final int NEW = 0;
    private static final int CONNECTING = 1;
    private static final int OPEN = 2;
    private static final int RELEASED = 3;

    private final NioEngine engine;
    private NioLoop loop;
    private SocketChannel channel;
    private SelectionKey key;
    private int state = NEW;
    /** Set by {@link #close()} or at the end: callbacks stop. */
    private volatile boolean closed;
    private long connectStartNanos;
    private long lastActivityNanos;
    private long receivedNanos;
    /** What a write left unwritten (rare: requests and control frames are small). */
    private ByteBuffer pending;

    protected NioConnection(NioEngine engine) {
        this.engine = engine;
    }

    /** Connects, on the selector thread this connection is assigned to. Call once. */
    public final void open() {
        if (loop != null) {
            throw new IllegalStateException("a connection opens once");
        }
        NioLoop assigned = engine.nextLoop();
        loop = assigned;
        assigned.submit(this::connectNow);
    }

    /** Closes the connection without reporting it; from any thread, any number of times. */
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        NioLoop l = loop;
        if (l == null) {
            return;
        }
        if (l.inLoop()) {
            release(true);
        } else {
            l.submit(() -> release(true));
        }
    }

    /** True once the connection was closed or ended: a callback still running should stop. */
    public final boolean isClosed() {
        return closed;
    }

    protected final NioEngine engine() {
        return engine;
    }

    /** The selector thread's event-field reader: for use inside {@link #onRead}, never kept. */
    protected final EventFields eventFields() {
        return loop.eventFields;
    }

    /** When the bytes being parsed were read ({@link System#nanoTime()}, once per read). */
    protected final long receivedNanos() {
        return receivedNanos;
    }

    /**
     * The connect call is about to start ({@link System#nanoTime()}), on the selector thread: how late
     * that is against a plan is the client's own delay (a busy selector thread, a starved process).
     */
    protected void onConnectStarting(long nowNanos) {
    }

    /** The TCP connection is established: write the request. */
    protected abstract void onConnected() throws IOException;

    /** Bytes read: {@code bytes[offset, offset + length)}, valid only during the call. */
    protected abstract void onRead(byte[] bytes, int offset, int length) throws IOException;

    /** The server closed its side. By default the stream ended too early. */
    protected void onEndOfStream() throws IOException {
        throw new EOFException("the server closed the connection");
    }

    /** Just before a {@link #close()} asked by the client releases the socket: e.g. say goodbye. */
    protected void onClosing() throws IOException {
    }

    /** The connection ended without being asked: {@code cause} is null for a clean end of the stream. */
    protected abstract void onEnd(Throwable cause);

    /** Ends the connection and reports it through {@link #onEnd}; on the selector thread. */
    protected final void fail(Throwable cause) {
        if (closed) {
            release(false);
            return;
        }
        closed = true;
        release(false);
        try {
            onEnd(cause);
        } catch (RuntimeException e) {
            // the selector thread serves other connections: a failing listener must not end it
            System.err.println(Thread.currentThread().getName() + ": reporting the end of a connection failed: " + e);
        }
    }

    /** Writes {@code bytes} now, or as soon as the socket takes them; on the selector thread. */
    protected final void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /**
     * Writes {@code bytes[offset, offset + length)} now, or as soon as the socket takes them; on the
     * selector thread. What the socket does not take at once is copied: the caller may reuse its array.
     */
    final void write(byte[] bytes, int offset, int length) throws IOException {
        if (state != OPEN) {
            return;
        }
        if (pending != null) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + length);
            joined.put(pending).put(bytes, offset, length).flip();
            pending = joined;
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        int written = channel.write(buffer);
        loop.countOut(written);
        lastActivityNanos = System.nanoTime();
        if (buffer.hasRemaining()) {
            pending = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /**
     * Runs {@code task} on this connection's selector thread: at once when called on it, else soon
     * (after what was asked before, the connect included). After {@link #open()}.
     */
    protected final void execute(Runnable task) {
        NioLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("open the connection before giving it work");
        }
        if (l.inLoop()) {
            task.run();
        } else {
            l.submit(task);
        }
    }

    /** About once a second while open, on the selector thread: a subclass checks its own deadlines here. */
    protected void onSweep(long nowNanos) throws IOException {
    }

    // ---- on the selector thread, called by NioLoop

    private void connectNow() {
        if (closed || !loop.isRunning()) {
            return; // closed before it connected, or the engine is closing
        }
        try {
            SocketChannel ch = SocketChannel.open();
            channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            state = CONNECTING;
            key = ch.register(loop.selector, SelectionKey.OP_CONNECT, this);
            InetSocketAddress source = engine.nextSourceAddress();
            long callStart = System.nanoTime();
            onConnectStarting(callStart);
            if (source != null) {
                ch.bind(source);
            }
            boolean done = ch.connect(engine.server);
            // the client's own kernel work (bind, source port search) apart from the server's side after it
            connectStartNanos = System.nanoTime();
            engine.connectCallNanos.accept(connectStartNanos - callStart);
            lastActivityNanos = connectStartNanos;
            if (done) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    final void finishConnect() {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void connected() throws IOException {
        long now = System.nanoTime();
        engine.tcpConnectNanos.accept(now - connectStartNanos);
        engine.connectionsOpened.increment();
        state = OPEN;
        lastActivityNanos = now;
        key.interestOps(SelectionKey.OP_READ);
        onConnected();
    }

    final void flush() {
        try {
            int written = channel.write(pending);
            loop.countOut(written);
            if (!pending.hasRemaining()) {
                pending = null;
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** One read per readiness, again only while the buffer comes back full. */
    final void read() {
        ByteBuffer buffer = loop.readBuffer;
        byte[] array = buffer.array();
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n <= 0) {
                    if (n < 0) {
                        onEndOfStream();
                        fail(null);
                    }
                    return;
                }
                loop.countIn(n);
                long now = System.nanoTime();
                receivedNanos = now;
                lastActivityNanos = now;
                if (!closed) {
                    onRead(array, 0, n);
                }
                if (n < array.length || closed) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    final void checkTimeouts(long now) {
        if (state == CONNECTING && now - connectStartNanos > engine.connectTimeoutNanos) {
            fail(new SocketTimeoutException("connect to " + engine.hostHeader + " timed out after "
                    + NioEngine.CONNECT_TIMEOUT_SECONDS + " s"));
        } else if (state == OPEN && now - lastActivityNanos > engine.idleTimeoutNanos) {
            fail(new TimeoutException("idle timeout: nothing read or written for "
                    + (engine.idleTimeoutNanos / 1_000_000) + " ms"));
        } else if (state == OPEN && !closed) {
            try {
                onSweep(now);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    /** Releases the socket; {@code asked}: by {@link #close()}, so the subclass may say goodbye first. */
    final void release(boolean asked) {
        if (state == RELEASED || state == NEW && channel == null) {
            state = RELEASED;
            return;
        }
        boolean wasOpen = state == OPEN;
        if (asked && wasOpen) {
            try {
                onClosing();
            } catch (IOException | RuntimeException ignored) {
                // the socket goes anyway
            }
        }
        state = RELEASED;
        pending = null;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        if (wasOpen) {
            engine.connectionsClosed.increment();
        }
    }
}
