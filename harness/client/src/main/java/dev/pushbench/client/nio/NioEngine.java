package dev.pushbench.client.nio;

import dev.pushbench.client.ClientEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The light client engine of the load generator, on plain java.nio: SSE streams ({@link SseStream}),
 * RFC 6455 WebSockets ({@link WebSocketStream}) and polls on a keep-alive connection
 * ({@link PollStream}), over HTTP/1.1 or HTTP/2 (WebSocket by RFC 8441), cleartext or TLS. The HTTP
 * framing of a connection is its {@link HttpCodec} ({@link #newCodec}): {@link Http1Codec} or
 * {@link Http2Codec} (frames and HPACK from Jetty's low-level codec, one stream per exchange).
 *
 * <p>Why it exists: at 100,000 delivered events per second Jetty's client spent about 12 µs of CPU per
 * message, mostly in its general machinery (a hand-off from the selector to a thread pool per read, a
 * read that returns 0 after every read, an interest-set change per message, demand bookkeeping), on
 * a machine whose other core serves the load. This engine does one thing per readiness: read once
 * and parse in place.
 *
 * <p>How: {@code selectorThreads} daemon threads ({@code pushbench-nio-<i>}), each owning a
 * {@link java.nio.channels.Selector}; connections are assigned round-robin and everything for a
 * connection (connect, request, read, parse, recording) runs on its thread. Read interest stays set
 * (level-triggered): one {@code read()} per readiness into the thread's 64 KiB buffer, again only if
 * it came back full. Once warm, receiving allocates nothing per message. Connects and closes asked
 * from other threads are queued, with one selector wake-up per batch.
 *
 * <pre>
 *   try (NioEngine engine = new NioEngine(NioEngineConfig.http1(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(60), 2))) {
 *       engine.onTcpConnect(nanos -&gt; record(nanos));
 *       SseStream stream = new MyStream(engine, "/sse/t0", -1);   // a subclass handles events and the end
 *       stream.open();                                            // from any thread
 *       ...
 *       stream.close();                                           // quietly, from any thread
 *   }
 * </pre>
 *
 * <p>TLS ({@code https1.1}, {@code h2}): each connection runs its own {@link javax.net.ssl.SSLEngine}
 * on its selector thread, handshaking after the TCP connect (delegated tasks inline) and before
 * {@link NioConnection#onConnected()}; see {@link NioConnection} for the buffers, {@link NioTls} for
 * what is trusted and offered. Handshake durations go to {@link #onTlsHandshake}. The engine itself
 * allocates nothing more per message over TLS, but the JDK's SSLEngine does: about 1.4 KB per
 * record received on JDK 17 (AES-GCM set up anew for each record), and about 6 KB of heap per idle
 * connection against about 0.7 KB in cleartext (its session, ciphers and configuration), as
 * {@code NioTlsFootprint} measures.
 *
 * <p>Counters: {@link #bytesIn()} and {@link #bytesOut()} are every byte of the TCP streams (HTTP
 * heads, chunk framing, WebSocket frame headers, heartbeats), as {@code MeasuredClientConnector}
 * counts them for the Jetty engine; over TLS, the records as sent (headers, padding, authentication
 * tags, handshake and alerts). A connection silent for longer than the idle timeout is closed
 * and reported lost, as Jetty's idle timeout does; a connect that has not completed in
 * {@value #CONNECT_TIMEOUT_SECONDS} s likewise.
 *
 * <p>Source addresses: each new socket is bound to the next of {@link NioEngineConfig#sourceAddresses()}
 * (round-robin, port 0) before its connect, so that many connections to one server spread over
 * several (source address, server) pairs; the kernel's search for a free source port slows down as
 * one pair fills its ephemeral range. {@link #onConnectCall} reports the time inside each connect call,
 * {@link #onTcpConnect} the time from its return to the established socket.
 */
public final class NioEngine implements ClientEngine {
    /** What {@link #description()} says: the engine, and the JDK whose java.nio it runs on. */
    public static final String DESCRIPTION = "pushbench nio client (java.nio selectors, JDK " + Runtime.version()
            + "): SSE, WebSocket, long and short polling over HTTP/1.1 and HTTP/2 (Jetty " + org.eclipse.jetty.util.Jetty.VERSION
            + " frames and HPACK), cleartext or TLS";
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** The sweep (timeouts) runs at least this often, and more often for a short per-connection timer. */
    static final long LONGEST_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Nor more often than this, whatever the timers: a sweep visits every connection of its loop. */
    static final long SHORTEST_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final NioEngineConfig config;
    final InetSocketAddress server;
    final String hostHeader;
    final long idleTimeoutNanos;
    final long connectTimeoutNanos = TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_SECONDS);
    private final NioLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** How often each loop sweeps its connections for timeouts: a tenth of the shortest timer asked for, within bounds. */
    private final AtomicLong sweepNanos = new AtomicLong(LONGEST_SWEEP_NANOS);
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    volatile LongConsumer tcpConnectNanos = nanos -> { };
    volatile LongConsumer connectCallNanos = nanos -> { };
    /** {@code config.sourceAddresses()} with port 0, or empty: the kernel picks. */
    private final InetSocketAddress[] sourceAddresses;
    private final AtomicInteger nextSource = new AtomicInteger();
    volatile LongConsumer tlsHandshakeNanos = nanos -> { };
    /** The TLS context for {@code https1.1} and {@code h2}; null for cleartext. */
    final NioTls tls;

    public NioEngine(NioEngineConfig config) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.server = config.server();
        this.hostHeader = server.getHostString() + ":" + server.getPort();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.sourceAddresses = config.sourceAddresses().stream()
                .map(a -> new InetSocketAddress(a, 0)).toArray(InetSocketAddress[]::new);
        this.tls = config.protocol().isTls() ? new NioTls(config) : null;
        this.loops = new NioLoop[config.selectorThreads()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new NioLoop(this, "pushbench-nio-" + i);
            }
        } catch (IOException | UncheckedIOException e) {
            close();
            throw e;
        }
        for (NioLoop loop : loops) {
            loop.start();
        }
    }

    /** What this engine connects to and how. */
    public NioEngineConfig config() {
        return config;
    }

    /** The HTTP framing for {@code connection}, by the configured protocol; called on its selector thread once connected. */
    public HttpCodec newCodec(NioConnection connection) {
        return config.protocol().isHttp2() ? new Http2Codec(connection) : new Http1Codec(connection, hostHeader);
    }

    /** A connection has a timer of {@code timerNanos}, checked by the sweep: sweep at least ten times within it. */
    void sweepWithin(long timerNanos) {
        long wanted = Math.max(SHORTEST_SWEEP_NANOS, Math.min(LONGEST_SWEEP_NANOS, timerNanos / 10));
        sweepNanos.accumulateAndGet(wanted, Math::min);
    }

    /** The period of the loops' timeout sweeps. */
    long sweepNanos() {
        return sweepNanos.get();
    }

    /** The loop a new connection runs on: round-robin. */
    NioLoop nextLoop() {
        return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    }

    /** The local address the next new socket is bound to (port 0: the kernel picks the port), round-robin; null: unbound. */
    InetSocketAddress nextSourceAddress() {
        return sourceAddresses.length == 0 ? null
                : sourceAddresses[Math.floorMod(nextSource.getAndIncrement(), sourceAddresses.length)];
    }

    @Override
    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    @Override
    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    @Override
    public long bytesIn() {
        long sum = 0;
        for (NioLoop loop : loops) {
            sum += loop == null ? 0 : loop.bytesIn();
        }
        return sum;
    }

    @Override
    public long reads() {
        long sum = 0;
        for (NioLoop loop : loops) {
            sum += loop == null ? 0 : loop.reads();
        }
        return sum;
    }

    @Override
    public long bytesOut() {
        long sum = 0;
        for (NioLoop loop : loops) {
            sum += loop == null ? 0 : loop.bytesOut();
        }
        return sum;
    }

    @Override
    public void onTcpConnect(LongConsumer sink) {
        tcpConnectNanos = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void onConnectCall(LongConsumer sink) {
        connectCallNanos = Objects.requireNonNull(sink, "sink");
    }

    /** TCP established to TLS handshake finished (and ALPN checked), per connection; never called for cleartext. */
    @Override
    public void onTlsHandshake(LongConsumer sink) {
        tlsHandshakeNanos = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    /** Closes every connection (without reporting them lost) and ends the selector threads. */
    @Override
    public void close() {
        for (NioLoop loop : loops) {
            if (loop != null) {
                loop.stop();
            }
        }
        for (NioLoop loop : loops) {
            if (loop != null) {
                loop.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        if (tls != null) {
            tls.stop();
        }
    }
}
