package dev.pushbench.client;

import java.util.function.LongConsumer;

/**
 * The client machinery one load-generator run uses to open its subscribers' connections, and the
 * counters it keeps at the socket. Two implementations: {@link JettyClientEngine} (Jetty's HttpClient and
 * WebSocketClient, every transport over every protocol) and {@link dev.pushbench.client.nio.NioEngine}
 * (a minimal java.nio client for HTTP/1.1 cleartext: SSE, WebSocket and polling); {@link ClientEngineKind} names
 * them and opens one.
 *
 * <pre>
 *   try (ClientEngine engine = spec.engine().open(spec)) {
 *       engine.onConnectCall(nanos -&gt; recorders.record(Metric.CONNECT_CALL, nanos));
 *       engine.onTcpConnect(nanos -&gt; recorders.record(Metric.TCP_CONNECT, nanos));
 *       ... subscribers connect through it ...
 *       long down = engine.bytesIn();
 *   }
 * </pre>
 *
 * <p>Lifecycle: open at the start of a run, closed at its end; the counters may be read from any
 * thread at any time.
 */
public interface ClientEngine extends AutoCloseable {

    /** TCP connections established so far. */
    long connectionsOpened();

    /** Established TCP connections closed so far (by either side). */
    long connectionsClosed();

    /**
     * Bytes read from all TCP connections so far (server to client), as the socket saw them: HTTP
     * headers, chunk framing, WebSocket frame headers, TLS records, heartbeats included.
     */
    long bytesIn();

    /** Bytes written to all TCP connections so far (client to server). */
    long bytesOut();

    /** {@code read()} calls that brought bytes so far, on every connection; -1 when the engine does not count them. */
    long reads();

    /**
     * Where each TCP connect's duration goes from now on (nanoseconds): from the return of the connect
     * call to the established socket, the server's side of a connect (its accept path and the
     * handshake), the client's own time inside the call left out (see {@link #onConnectCall}).
     */
    void onTcpConnect(LongConsumer sink);

    /**
     * Where the duration of each connect call goes from now on (nanoseconds): the client's own kernel
     * work before a SYN leaves (a source port searched for, the socket bound), which grows with the
     * sockets already open from one source address and says nothing about the server.
     */
    void onConnectCall(LongConsumer sink);

    /** Where each TLS handshake's duration goes from now on (nanoseconds); never called by a cleartext-only engine. */
    void onTlsHandshake(LongConsumer sink);

    /** The client library and version, for the run manifest and the cell's summary. */
    String description();

    /** Closes every connection and stops the engine's threads. */
    @Override
    void close();
}
