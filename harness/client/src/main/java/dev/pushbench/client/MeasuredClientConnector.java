package dev.pushbench.client;

import dev.pushbench.core.Clocks;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * Jetty's {@link ClientConnector}, measuring at the socket: every byte read from and written to a
 * TCP connection (so TLS records, HTTP/2 frames, chunked encoding and WebSocket frame headers are all
 * counted, as the network sees them), the time inside each connect call ({@link #connect}: the client's
 * own work), and each TCP connect's duration, from the call's return to the established socket; and the sockets
 * opened and closed (a WebSocket's upgraded connection keeps its socket, which Jetty's connection events do not show).
 */
final class MeasuredClientConnector extends ClientConnector {
    private static final String CONNECT_START = MeasuredClientConnector.class.getName() + ".start";

    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder socketsOpened = new LongAdder();
    final LongAdder socketsClosed = new LongAdder();
    private final java.util.concurrent.ConcurrentHashMap<String, EndPoint> byTag = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile LongConsumer tcpConnectNanos = nanos -> { };
    private volatile LongConsumer connectCallNanos = nanos -> { };

    void onTcpConnect(LongConsumer sink) {
        this.tcpConnectNanos = sink;
    }

    void onConnectCall(LongConsumer sink) {
        this.connectCallNanos = sink;
    }

    /**
     * Jetty opens, binds, configures and connects the socket in here, on the caller's thread, and hands
     * it to a selector: the client's own work. The TCP connect counts from its return.
     */
    @Override
    public void connect(SocketAddress address, Map<String, Object> context) {
        // the socket may be established (newConnection, on a selector thread) before this call is seen to return
        java.util.concurrent.atomic.AtomicLong returnedNanos = new java.util.concurrent.atomic.AtomicLong();
        context.put(CONNECT_START, returnedNanos);
        long callStart = Clocks.nanoTime();
        super.connect(address, context);
        long returned = Clocks.nanoTime();
        connectCallNanos.accept(returned - callStart);
        if (!returnedNanos.compareAndSet(0, returned)) {
            tcpConnectNanos.accept(0); // established within the call: nothing of the server's side was left
        }
    }

    @Override
    protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
        CountingEndPoint endPoint = new CountingEndPoint((SocketChannel) channel, selector, key, this);
        socketsOpened.increment();
        endPoint.setIdleTimeout(getIdleTimeout().toMillis());
        return endPoint;
    }

    @Override
    protected Connection newConnection(EndPoint endPoint, Map<String, Object> context) throws IOException {
        Object start = context.get(CONNECT_START);
        if (start instanceof java.util.concurrent.atomic.AtomicLong returnedNanos) {
            long now = Clocks.nanoTime();
            if (!returnedNanos.compareAndSet(0, -1)) {
                tcpConnectNanos.accept(now - returnedNanos.get());
            }
        }
        Object destination = context.get(org.eclipse.jetty.client.Destination.CONTEXT_KEY);
        if (destination instanceof org.eclipse.jetty.client.Destination && endPoint instanceof CountingEndPoint) {
            Object tag = ((org.eclipse.jetty.client.Destination) destination).getOrigin().getTag();
            if (tag instanceof String) {
                ((CountingEndPoint) endPoint).tag = (String) tag;
                byTag.put((String) tag, endPoint);
            }
        }
        return super.newConnection(endPoint, context);
    }

    /**
     * Closes the TCP connection of the requests tagged {@code tag} (a subscriber session's own). Closing
     * the HTTP/2 connection or aborting the stream is not enough: over HTTP/2 the client sends GOAWAY
     * and keeps the socket until the server ends its streams, and some servers keep it for long;
     * a subscriber that stops must take its connection with it, or the memory points count it.
     */
    void closeTcp(String tag) {
        EndPoint endPoint = byTag.remove(tag);
        if (endPoint != null) {
            endPoint.close();
        }
    }

    private static final class CountingEndPoint extends SocketChannelEndPoint {
        private final MeasuredClientConnector connector;
        volatile String tag;
        private volatile boolean closeCounted;

        CountingEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, MeasuredClientConnector connector) {
            super(channel, selector, key, connector.getScheduler());
            this.connector = connector;
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            if (!closeCounted) {
                closeCounted = true;
                connector.socketsClosed.increment();
            }
            String t = tag;
            if (t != null) {
                connector.byTag.remove(t, this);
            }
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            int n = super.fill(buffer);
            if (n > 0) {
                connector.bytesIn.add(n);
            }
            return n;
        }

        @Override
        public boolean flush(ByteBuffer... buffers) throws IOException {
            long before = 0;
            for (ByteBuffer b : buffers) {
                before += b.remaining();
            }
            boolean done = super.flush(buffers);
            long after = 0;
            for (ByteBuffer b : buffers) {
                after += b.remaining();
            }
            connector.bytesOut.add(before - after);
            return done;
        }
    }
}
