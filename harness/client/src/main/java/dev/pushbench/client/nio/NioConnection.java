package dev.pushbench.client.nio;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.core.Clocks;
import dev.pushbench.core.EventFields;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One TCP connection of a {@link NioEngine}, confined to the selector thread it was assigned: the
 * subclass writes its request once connected and parses what it reads, in place.
 *
 * <p>Lifecycle: {@link #open()} (any thread) queues the connect; {@link #onConnected()},
 * {@link #onRead}, {@link #onEndOfStream()} and {@link #onEnd} then run on the selector thread.
 * {@link #close()} (any thread) ends it quietly: after it, no callback reports anything. An end the
 * client did not ask for (the server closed, an I/O error, a protocol violation, the idle or connect
 * timeout) is reported once through {@link #onEnd}, with how it ended ({@link StreamEnd}) and the
 * failure if there was one (null for an end the protocol allows); {@link #lastReadNanos()} then says
 * when the connection last read bytes, which is the receive time it keeps for each read anyway.
 *
 * <p>TLS ({@code https1.1}, {@code h2}) is invisible to the subclass: after the TCP connect the
 * connection handshakes with its own {@link SSLEngine} on the selector thread (delegated tasks run
 * inline), checks the ALPN answer, reports the handshake's duration and only then calls
 * {@link #onConnected()}; {@link #onRead} gets plaintext and {@link #write} sends records. A failed
 * handshake (certificate not trusted or not naming the server, ALPN refused or not the cell's)
 * ends the connection through {@link #onEnd} with an {@link SSLHandshakeException} saying so. A
 * close sends close_notify if the socket takes it at once. Memory: the wrap and unwrap buffers are
 * the selector thread's; a connection keeps only the bytes of a record split across reads, in an
 * array made when a read ends inside a record and dropped when one ends on a record's boundary.
 *
 * <p>The class is long because TLS lives in it: the handshake, wrap and unwrap share the
 * connection's states, socket, pending bytes and timeouts, and a TLS object beside each connection
 * would cost a header and a reference more for each of up to ~19,000 connections.
 */
public abstract class NioConnection {
    private static final int NEW = 0;
    private static final int CONNECTING = 1;
    /** TLS only: TCP established, the handshake running. */
    private static final int HANDSHAKING = 2;
    private static final int OPEN = 3;
    private static final int RELEASED = 4;
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    private final NioEngine engine;
    private NioLoop loop;
    private SocketChannel channel;
    private SelectionKey key;
    private int state = NEW;
    /** Set by {@link #close()} or at the end: callbacks stop. */
    private volatile boolean closed;
    private long connectStartNanos;
    private long lastActivityNanos;
    /** When the last read brought bytes (the TCP connect, before any): the receive time of its events. */
    private long receivedNanos;
    /**
     * The read before that one: the silence before bytes that end the stream (a last chunk, a close frame,
     * a TLS close_notify) ends there. Set to {@link #receivedNanos} when the end comes without bytes.
     */
    private long readBeforeNanos;
    /** Set while the peer's close is being handled: a clean end reported meanwhile was delimited by the close. */
    private boolean atEndOfStream;
    /** What a write left unwritten (rare: requests and control frames are small). */
    private ByteBuffer pending;
    /** TLS only: this connection's engine, from the TCP connect to the release. */
    private SSLEngine tls;
    private long tcpEstablishedNanos;
    /** TLS only: the start of a record the last read ended inside of, in {@code [0, tlsLeftoverBytes)}; null when none. */
    private byte[] tlsLeftover;
    private int tlsLeftoverBytes;
    /** The socket's local port once TCP is established; -1 before. Kept after the close. */
    private volatile int localPort = -1;
    /** The dead-connection timer: open and nothing read for this long ends the connection; 0: none. */
    private long deadAfterNanos;
    /** The HTTP framing made by {@link #newCodec()}, once connected; null before (or for a connection without one). */
    private HttpCodec codec;

    protected NioConnection(NioEngine engine) {
        this.engine = engine;
    }

    /** Connects, on the selector thread this connection is assigned to. Call once. */
    public final synchronized void open() {
        if (loop != null) {
            throw new IllegalStateException("a connection opens once");
        }
        NioLoop assigned = engine.nextLoop();
        loop = assigned;
        assigned.submit(this::connectNow);
    }

    /** {@link #open()} unless it was called already, from any thread; true when this call opened it. */
    final synchronized boolean openOnce() {
        if (loop != null) {
            return false;
        }
        open();
        return true;
    }

    /**
     * Sends {@code request} on a stream of its own beside the connection's main exchange (the SSE
     * stream, the current poll, the WebSocket tunnel), from any thread: a POST while the subscription
     * stays open. HTTP/2 only. The response goes to {@code exchange} on the selector thread; if the
     * connection is not up yet, or already ended or closed, or the server refuses or resets the
     * stream (or sent GOAWAY before), {@code exchange} hears {@link HttpCodec.Exchange#onFailed}
     * and the connection goes on. A request handed over while the engine closes may be heard of no more.
     *
     * <pre>
     *   stream.sendAlongside(HttpRequest.post("/publish/t0", "application/json", json), exchange);
     * </pre>
     *
     * @throws IllegalStateException at once, in the caller's thread, on HTTP/1.1 (one exchange at a time)
     */
    public final void sendAlongside(HttpRequest request, HttpCodec.Exchange exchange) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(exchange, "exchange");
        if (!engine.config().protocol().isHttp2()) {
            throw new IllegalStateException("sendAlongside needs HTTP/2 (h2c or h2), the engine speaks "
                    + engine.config().protocol() + ": one exchange at a time");
        }
        if (request.webSocket()) {
            throw new IllegalArgumentException("a WebSocket is a connection's main exchange, not a side one: " + request.target());
        }
        NioLoop l = loop;
        if (l == null) {
            HttpCodec.tellFailed(exchange, new IOException("the connection is not open: " + request.method() + " "
                    + request.target() + " not sent"));
            return;
        }
        execute(() -> sendAlongsideNow(request, exchange));
    }

    private void sendAlongsideNow(HttpRequest request, HttpCodec.Exchange exchange) {
        HttpCodec c = codec;
        if (closed || c == null) {
            HttpCodec.tellFailed(exchange, new IOException((closed ? "the connection has ended" : "the connection is not"
                    + " up yet") + ": " + request.method() + " " + request.target() + " not sent"));
            return;
        }
        try {
            c.sendAlongside(request, exchange);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Makes this connection's HTTP framing by the engine's protocol, on the selector thread once connected
     * ({@link #onConnected()}); the connection then tells it when it ends, so that every exchange still in
     * flight hears {@link HttpCodec.Exchange#onFailed}.
     */
    protected final HttpCodec newCodec() {
        codec = engine.newCodec(this);
        return codec;
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
            release(true, null);
        } else {
            l.submit(() -> release(true, null));
        }
    }

    /**
     * The local port of this connection's socket (the client's side of the TCP connection, as a relay or a
     * server sees its peer), from the TCP connection's establishment on (the JDK tells a pending non-blocking
     * connect's port only then), kept after the connection ended; -1 before. From any thread.
     */
    public final int localPort() {
        return localPort;
    }

    /**
     * Gives up the connection, once it is open, when it has read nothing for {@code deadAfter}: it ends
     * through {@link #onEnd} as {@link StreamEnd#TIMEOUT} with a {@link TimeoutException} saying so. A client
     * that expects bytes at least that often (heartbeats) finds a dead link this way, where TCP says nothing.
     * Zero (the default): no such timer, only the engine's idle timeout. Checked by the selector thread's
     * sweep, which the engine runs often enough for the shortest such timer (a tenth of it, at least every
     * second). Call before {@link #open()}.
     */
    protected final void deadAfter(Duration deadAfter) {
        if (deadAfter == null || deadAfter.isNegative()) {
            throw new IllegalArgumentException("deadAfter must be zero (none) or a positive duration, got " + deadAfter);
        }
        if (loop != null) {
            throw new IllegalStateException("set deadAfter before the connection opens");
        }
        deadAfterNanos = deadAfter.toNanos();
        if (deadAfterNanos > 0) {
            engine.sweepWithin(deadAfterNanos);
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
     * For {@link #onEnd}: when the connection last read bytes before its end ({@link System#nanoTime()};
     * over TLS, records of any kind), or was established if it read none, to tell how long it was silent
     * before it ended. An end that came with bytes (a last chunk, a close frame, END_STREAM, RST_STREAM, a
     * close_notify) was read by a read of its own: the time is that of the read before it, so a silence
     * a proxy ends politely still shows. The cost per read is one copy of the receive time it keeps anyway.
     */
    protected final long lastReadNanos() {
        return readBeforeNanos;
    }

    /**
     * The connect call is about to start ({@link System#nanoTime()}), on the selector thread: how late
     * that is against a plan is the client's own delay (a busy selector thread, a starved process).
     */
    protected void onConnectStarting(long nowNanos) {
    }

    /** The TCP connection (over TLS: the TLS session, ALPN checked) is established: write the request. */
    protected abstract void onConnected() throws IOException;

    /** Bytes read (over TLS: decrypted): {@code bytes[offset, offset + length)}, valid only during the call. */
    protected void onRead(byte[] bytes, int offset, int length) throws IOException {
        HttpCodec c = codec;
        if (c == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " read bytes with no codec: override onRead");
        }
        c.onRead(bytes, offset, length);
    }

    /**
     * The server closed its side. By default it ends the codec's exchange when the close delimits its body, and
     * otherwise the stream ended too early.
     */
    protected void onEndOfStream() throws IOException {
        HttpCodec c = codec;
        if (c == null || !c.onEndOfStream()) {
            throw new EOFException("the server closed the connection");
        }
    }

    /** Just before a {@link #close()} asked by the client releases the socket: e.g. say goodbye (the codec's, by default). */
    protected void onClosing() throws IOException {
        HttpCodec c = codec;
        if (c != null) {
            c.onClosing();
        }
    }

    /**
     * The connection ended without being asked, on the selector thread: {@code end} says how (a clean
     * end of the stream, a close that delimited a body, a cut, a reset, a failure); {@code cause} is the
     * failure, null for an end the protocol allows ({@link StreamEnd#CLEAN_END}, {@link StreamEnd#CLOSE_DELIMITED}),
     * and may explain a clean end (a WebSocket close frame other than 1000).
     */
    protected abstract void onEnd(StreamEnd end, Throwable cause);

    /**
     * Ends the connection and reports it through {@link #onEnd}; on the selector thread. Null is a clean
     * end ({@link StreamEnd#CLOSE_DELIMITED} while the peer's close is being handled); a failure's end
     * is {@link StreamEnd#of}.
     */
    protected final void fail(Throwable cause) {
        end(cause != null ? StreamEnd.of(cause) : atEndOfStream ? StreamEnd.CLOSE_DELIMITED : StreamEnd.CLEAN_END, cause);
    }

    /** Ends the connection and reports it through {@link #onEnd} as {@code end}; on the selector thread. */
    protected final void end(StreamEnd end, Throwable cause) {
        if (closed) {
            release(false, cause);
            return;
        }
        closed = true;
        release(false, cause != null ? cause : new EOFException("the connection ended (" + end + ")"));
        try {
            onEnd(end, cause);
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
        if (tls != null) {
            wrapAndSend(ByteBuffer.wrap(bytes, offset, length));
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
        lastActivityNanos = Clocks.nanoTime();
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

    /**
     * Whether the engine's idle timeout applies now, asked by the sweep on the selector thread: true by
     * default. A connection that waits for its owner (POSTs between chat messages) says false while it
     * has nothing in flight, and stays open for as long as the server keeps it.
     */
    protected boolean idleTimeoutApplies() {
        return true;
    }

    /**
     * The connection ended or was closed (on the selector thread, before {@link #onEnd}): every exchange
     * still in flight hears {@link HttpCodec.Exchange#onFailed} with {@code cause}. A subclass that holds
     * exchanges of its own (queued, not yet sent) fails them too.
     */
    void failExchanges(Throwable cause) {
        HttpCodec c = codec;
        if (c != null) {
            c.failAll(cause);
        }
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
            long callStart = Clocks.nanoTime();
            onConnectStarting(callStart);
            if (source != null) {
                ch.bind(source);
            }
            boolean done = ch.connect(engine.server);
            // the client's own kernel work (bind, source port search) apart from the server's side after it
            connectStartNanos = Clocks.nanoTime();
            engine.connectCallNanos.accept(connectStartNanos - callStart);
            lastActivityNanos = connectStartNanos;
            if (done) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            fail(described(e));
        }
    }

    final void finishConnect() {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            fail(described(e));
        }
    }

    private void connected() throws IOException {
        long now = Clocks.nanoTime();
        if (channel.getLocalAddress() instanceof InetSocketAddress local) {
            localPort = local.getPort();
        }
        engine.tcpConnectNanos.accept(now - connectStartNanos);
        engine.connectionsOpened.increment();
        lastActivityNanos = now;
        receivedNanos = now; // silent since established, until the first read
        readBeforeNanos = now;
        key.interestOps(SelectionKey.OP_READ);
        if (engine.tls == null) {
            state = OPEN;
            onConnected();
            return;
        }
        state = HANDSHAKING;
        tcpEstablishedNanos = now;
        tls = engine.tls.newEngine();
        tls.beginHandshake();
        advanceHandshake(tls.getHandshakeStatus());
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
            fail(described(e));
        }
    }

    /** One read per readiness, again only while the buffer comes back full. */
    final void read() {
        if (tls != null) {
            readTls();
            return;
        }
        ByteBuffer buffer = loop.readBuffer;
        byte[] array = buffer.array();
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n <= 0) {
                    if (n < 0) {
                        readBeforeNanos = receivedNanos; // an EOF brings no bytes: the silence runs to the last read
                        peerClosed();
                    }
                    return;
                }
                loop.countIn(n);
                long now = Clocks.nanoTime();
                readBeforeNanos = receivedNanos;
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

    /** The peer closed its side: the subclass says whether that ended the stream cleanly (a body delimited by the close). */
    private void peerClosed() throws IOException {
        atEndOfStream = true;
        onEndOfStream();
        fail(null);
    }

    final void checkTimeouts(long now) {
        readBeforeNanos = receivedNanos; // any end found here comes without bytes (about once a second: not per read)
        if (state == CONNECTING && now - connectStartNanos > engine.connectTimeoutNanos) {
            fail(new SocketTimeoutException("connect to " + engine.hostHeader + " timed out after "
                    + NioEngine.CONNECT_TIMEOUT_SECONDS + " s"));
        } else if (state == OPEN && deadAfterNanos > 0 && now - receivedNanos > deadAfterNanos) {
            fail(new TimeoutException("dead connection: nothing read for " + (now - receivedNanos) / 1_000_000
                    + " ms (deadAfter " + deadAfterNanos / 1_000_000 + " ms)"));
        } else if ((state == OPEN || state == HANDSHAKING) && now - lastActivityNanos > engine.idleTimeoutNanos
                && (state == HANDSHAKING || idleTimeoutApplies())) {
            fail(new TimeoutException("idle timeout" + (state == HANDSHAKING ? " in the TLS handshake" : "")
                    + ": nothing read or written for " + (engine.idleTimeoutNanos / 1_000_000) + " ms"));
        } else if (state == OPEN && !closed) {
            try {
                onSweep(now);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    // ---- TLS, on the selector thread

    /**
     * Reads records after the leftover partial one, unwraps every whole record into the loop's
     * plaintext buffer and hands it on, keeps the partial record at the end; again while the read
     * filled the buffer.
     */
    private void readTls() {
        ByteBuffer records = loop.readBuffer;
        try {
            while (true) {
                records.clear();
                if (tlsLeftoverBytes > 0) {
                    records.put(tlsLeftover, 0, tlsLeftoverBytes);
                }
                int n = channel.read(records);
                if (n <= 0) {
                    if (n < 0) {
                        readBeforeNanos = receivedNanos;
                        endOfTlsStream();
                    }
                    return; // a leftover stays where it is
                }
                loop.countIn(n);
                long now = Clocks.nanoTime();
                readBeforeNanos = receivedNanos;
                receivedNanos = now;
                lastActivityNanos = now;
                boolean full = !records.hasRemaining();
                records.flip();
                unwrapAll(records);
                if (state == RELEASED) {
                    return;
                }
                keepLeftover(records);
                if (!full) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(described(e));
        }
    }

    private void unwrapAll(ByteBuffer records) throws IOException {
        ByteBuffer plain = loop.tlsPlainIn;
        ByteBuffer[] plainOnly = loop.tlsPlainInOnly;
        plain.clear();
        while (records.hasRemaining() && state != RELEASED) {
            SSLEngineResult result = tls.unwrap(records, plainOnly, 0, 1);
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    deliver(plain);
                    return; // the rest of the record is still to come
                }
                case BUFFER_OVERFLOW -> {
                    if (plain.position() == 0) {
                        throw new SSLException("a TLS record from " + engine.hostHeader + " does not fit the "
                                + plain.capacity() + " B plaintext buffer");
                    }
                    deliver(plain);
                    continue;
                }
                case CLOSED -> {
                    // close_notify: the server ended the stream
                    deliver(plain);
                    if (state == OPEN) {
                        peerClosed();
                    } else if (state == HANDSHAKING) {
                        throw new SSLHandshakeException("the server closed the TLS session during the handshake");
                    }
                    return;
                }
                default -> {
                }
            }
            HandshakeStatus status = result.getHandshakeStatus();
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                    && (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.NEED_UNWRAP)) {
                // a record neither consumed nor waited for: going round again would spin the selector thread
                throw new SSLException("TLS unwrap made no progress on " + records.remaining() + " B (handshake status " + status + ")");
            }
            if (status != HandshakeStatus.NOT_HANDSHAKING || state == HANDSHAKING) {
                deliver(plain);
                advanceHandshake(status);
            }
        }
        deliver(plain);
    }

    /** Hands the plaintext unwrapped so far to the subclass and empties the buffer. */
    private void deliver(ByteBuffer plain) throws IOException {
        if (plain.position() > 0 && state == OPEN && !closed) {
            onRead(plain.array(), 0, plain.position());
        }
        plain.clear();
    }

    /**
     * Runs the handshake (or a post-handshake message such as a key update) as far as it goes without
     * reading: delegated tasks inline, wraps sent; finishes it when the engine says so.
     */
    private void advanceHandshake(HandshakeStatus status) throws IOException {
        while (state != RELEASED) {
            switch (status) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = tls.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = tls.getHandshakeStatus();
                }
                case NEED_WRAP -> status = wrapAndSend(NO_BYTES);
                case FINISHED, NOT_HANDSHAKING -> {
                    if (state == HANDSHAKING) {
                        handshakeFinished();
                    }
                    return;
                }
                default -> {
                    return; // NEED_UNWRAP: wait for the server's records
                }
            }
        }
    }

    private void handshakeFinished() throws IOException {
        String mismatch = engine.tls.alpnMismatch(tls.getApplicationProtocol());
        if (mismatch != null) {
            throw new SSLHandshakeException(mismatch);
        }
        state = OPEN;
        long now = Clocks.nanoTime();
        lastActivityNanos = now;
        engine.tlsHandshakeNanos.accept(now - tcpEstablishedNanos);
        onConnected();
    }

    /** Wraps all of {@code plain} (none: a handshake message) into records and sends them; the engine's handshake status after. */
    private HandshakeStatus wrapAndSend(ByteBuffer plain) throws IOException {
        ByteBuffer records = loop.tlsRecordsOut;
        records.clear();
        SSLEngineResult result;
        do {
            result = tls.wrap(plain, records);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (records.position() == 0) {
                    throw new SSLException("a TLS record does not fit the " + records.capacity() + " B record buffer");
                }
                sendRecords(records);
            } else if (result.getStatus() == SSLEngineResult.Status.CLOSED && plain.hasRemaining()) {
                sendRecords(records);
                throw new SSLException("cannot write: the TLS session with " + engine.hostHeader + " is closed");
            } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && plain.hasRemaining()) {
                throw new SSLException("TLS wrap made no progress (handshake status " + result.getHandshakeStatus() + ")");
            }
        } while (plain.hasRemaining() && state != RELEASED || result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW);
        sendRecords(records);
        return result.getHandshakeStatus();
    }

    /** Sends what {@code records} holds in {@code [0, position)}, keeping a copy of what the socket did not take; empties it. */
    private void sendRecords(ByteBuffer records) throws IOException {
        records.flip();
        if (records.hasRemaining() && state != RELEASED) {
            if (pending != null) {
                ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + records.remaining());
                joined.put(pending).put(records).flip();
                pending = joined;
            } else {
                int written = channel.write(records);
                loop.countOut(written);
                lastActivityNanos = Clocks.nanoTime();
                if (records.hasRemaining()) {
                    pending = ByteBuffer.allocate(records.remaining()).put(records).flip();
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            }
        }
        records.clear();
    }

    /** Keeps the partial record left in {@code records}, or drops the leftover array if there is none. */
    private void keepLeftover(ByteBuffer records) {
        int bytes = records.remaining();
        if (bytes == 0) {
            tlsLeftover = null;
            tlsLeftoverBytes = 0;
            return;
        }
        if (tlsLeftover == null || tlsLeftover.length < bytes) {
            tlsLeftover = new byte[bytes];
        }
        records.get(tlsLeftover, 0, bytes);
        tlsLeftoverBytes = bytes;
    }

    /** The socket's end of stream without close_notify: as in cleartext once open, a failure while handshaking. */
    private void endOfTlsStream() throws IOException {
        if (state == HANDSHAKING) {
            // Jetty's server, refusing every protocol ALPN offers, closes with its no_application_protocol alert unsent
            throw new SSLHandshakeException("the server closed the connection during the TLS handshake, without an alert"
                    + " (as a Jetty server does when it accepts none of the ALPN protocols offered)");
        }
        peerClosed();
    }

    /** A TLS failure while handshaking names the server and what was offered; anything else stays as it is. */
    private Throwable described(Throwable e) {
        if (state != HANDSHAKING || !(e instanceof SSLException)) {
            return e;
        }
        SSLHandshakeException described = new SSLHandshakeException("TLS handshake with " + engine.hostHeader
                + " (ALPN offered: " + engine.tls.alpnId + ") failed: " + e.getMessage());
        described.initCause(e);
        return described;
    }

    /** Bytes this connection holds of a record split across reads (tests). */
    final int tlsLeftoverBytes() {
        return tlsLeftover == null ? 0 : tlsLeftover.length;
    }

    /** close_notify (or the alert a failed handshake left to send), if the socket takes it at once. */
    private void sayCloseNotify() {
        try {
            tls.closeOutbound();
            if (pending == null) {
                ByteBuffer records = loop.tlsRecordsOut;
                records.clear();
                tls.wrap(NO_BYTES, records);
                records.flip();
                loop.countOut(channel.write(records));
                records.clear();
            }
        } catch (IOException | RuntimeException ignored) {
            // the socket closes anyway
        }
    }

    /**
     * Releases the socket; {@code asked}: by {@link #close()}, so the subclass may say goodbye first. The
     * exchanges in flight fail with {@code cause} (null: the client closed the connection, or the engine).
     */
    final void release(boolean asked, Throwable cause) {
        if (state == RELEASED || state == NEW && channel == null) {
            state = RELEASED;
            failExchanges(cause != null ? cause : closedByClient(asked));
            return;
        }
        boolean wasOpen = state == OPEN;
        boolean tcpEstablished = wasOpen || state == HANDSHAKING;
        if (asked && wasOpen) {
            try {
                onClosing();
            } catch (IOException | RuntimeException ignored) {
                // the socket goes anyway
            }
        }
        if (tls != null && tcpEstablished) {
            sayCloseNotify();
        }
        state = RELEASED;
        pending = null;
        tls = null;
        tlsLeftover = null;
        tlsLeftoverBytes = 0;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        if (tcpEstablished) {
            engine.connectionsClosed.increment();
        }
        failExchanges(cause != null ? cause : closedByClient(asked));
    }

    private static IOException closedByClient(boolean asked) {
        return new IOException(asked ? "the client closed the connection" : "the engine closed");
    }
}
