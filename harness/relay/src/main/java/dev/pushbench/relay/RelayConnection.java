package dev.pushbench.relay;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * One client connection through the relay and its connection to the target: two {@link Pipe}s, up (client →
 * server) and down (server → client), each shaped by its {@link LinkDirection} or, on a link that adds
 * nothing, written straight through. A side that closes is closed on the other side the same way: a FIN after
 * the queued bytes are released, a reset at once with the queued bytes dropped.
 *
 * <p>Faults: {@link #reset()} (a cut that resets both sides), {@link #drop()} (the server's side is reset, the
 * client's hears nothing more until it gives up), {@link #blackhole(long)} (nothing passes either way, bytes
 * are held, until the blackhole ends or the client gives up).
 *
 * <p>Lives on the relay's selector thread; nothing here is thread-safe. The class is long because both
 * directions, the ways a side ends (FIN, reset, a write that fails) and the three faults act on one state and
 * must be read together: a blackhole holds a FIN, a drop outlives the server's side, a reset drops what is queued.
 */
final class RelayConnection {
    enum State { CONNECTING, OPEN, DROPPED, CLOSED }

    final long id;
    /** The client's port: the accepted socket's remote port, how faults name a connection. */
    final int clientPort;
    private final Relay relay;
    private final Side client;
    private final Side server;
    private State state = State.CONNECTING;
    /** 0: none; {@link Long#MAX_VALUE}: until the client gives up; else when it ends. */
    private long blackholeUntilNanos;
    /** The server's side ended (reset or closed) during a blackhole: the client hears of it when it ends. */
    private boolean serverGoneInBlackhole;

    /** One socket of the connection. */
    final class Side {
        final SocketChannel channel;
        final String name;
        SelectionKey key;
        /** Reads this side. */
        Pipe out;
        /** Writes to this side. */
        Pipe in;
        boolean closed;

        Side(SocketChannel channel, String name) {
            this.channel = channel;
            this.name = name;
        }

        RelayConnection connection() {
            return RelayConnection.this;
        }
    }

    /** One direction: what was read from {@code source} and waits to be written to {@code dest}. */
    final class Pipe implements Relay.Timed {
        final Side source;
        final Side dest;
        /** Null on a link that adds nothing: bytes go straight through. */
        final LinkDirection link;
        /** Bytes a blocked destination has not taken yet (straight through), or bytes a blackhole holds. */
        final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
        long heldBytes;
        /** The source sent its FIN. */
        boolean eof;
        boolean finForwarded;
        /** The destination took part of a write: wait until it is writable. */
        boolean writeBlocked;
        long timerDueNanos = Long.MAX_VALUE;

        Pipe(Side source, Side dest, LinkDirection link) {
            this.source = source;
            this.dest = dest;
            this.link = link;
        }

        long queuedBytes() {
            return heldBytes + (link == null ? 0 : link.queuedBytes());
        }

        boolean drained() {
            return held.isEmpty() && (link == null || link.isEmpty());
        }

        @Override
        public void fire(long dueNanos) {
            if (dueNanos == timerDueNanos) {
                timerDueNanos = Long.MAX_VALUE;
            }
            pump(this);
        }

        void clear() {
            held.clear();
            heldBytes = 0;
            if (link != null) {
                link.clear();
            }
        }
    }

    RelayConnection(Relay relay, long id, SocketChannel clientChannel, SocketChannel serverChannel, LinkShape shape,
                    Random random) throws IOException {
        this.relay = relay;
        this.id = id;
        this.clientPort = ((java.net.InetSocketAddress) clientChannel.getRemoteAddress()).getPort();
        this.client = new Side(clientChannel, "client");
        this.server = new Side(serverChannel, "server");
        LinkDirection up = null;
        LinkDirection down = null;
        if (!shape.passThrough()) {
            LinkStalls stalls = new LinkStalls(shape, relay.nanoTime(), random);
            up = LinkDirection.up(shape, stalls, random, relay::nanoTime);
            up.handshake(relay.nanoTime(), shape.rttNanos());
            down = LinkDirection.down(shape, stalls, random, relay::nanoTime);
        }
        client.out = new Pipe(client, server, up);
        server.in = client.out;
        server.out = new Pipe(server, client, down);
        client.in = server.out;
    }

    Side client() {
        return client;
    }

    Side server() {
        return server;
    }

    State state() {
        return state;
    }

    /** The connection to the target is made: bytes may flow. */
    void established() {
        state = State.OPEN;
        relay.opened(this);
        updateInterest(client);
        updateInterest(server);
    }

    /** The server's side finished connecting, or failed to. */
    void connectable() {
        try {
            if (!server.channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            relay.log("cannot connect to the target for client port " + clientPort + ": " + e.getMessage());
            reset();
            return;
        }
        established();
    }

    void readable(Side side) {
        Pipe pipe = side.out;
        ByteBuffer buffer = relay.readBuffer();
        buffer.clear();
        if (state == State.OPEN) {
            long room = LinkDirection.QUEUE_CAP_BYTES - pipe.queuedBytes();
            if (room <= 0) {
                updateInterest(side); // readiness seen before the queue filled
                return;
            }
            buffer.limit((int) Math.min(buffer.capacity(), room));
        }
        int n;
        try {
            n = side.channel.read(buffer);
        } catch (IOException e) {
            sourceReset(side);
            return;
        }
        if (n < 0) {
            sourceFin(side);
            return;
        }
        if (n == 0 || state != State.OPEN) {
            return; // a dropped connection's client: read and discarded
        }
        buffer.flip();
        if (blackholed()) {
            hold(pipe, buffer);
        } else if (pipe.link == null) {
            if (pipe.held.isEmpty() && !pipe.writeBlocked) {
                try {
                    pipe.dest.channel.write(buffer);
                } catch (IOException e) {
                    sourceReset(pipe.dest);
                    return;
                }
                if (buffer.hasRemaining()) {
                    hold(pipe, buffer);
                    pipe.writeBlocked = true;
                    updateInterest(pipe.dest);
                }
            } else {
                hold(pipe, buffer);
            }
        } else {
            pipe.link.offer(buffer);
            pump(pipe);
        }
        updateInterest(side);
    }

    void writable(Side side) {
        Pipe pipe = side.in;
        pipe.writeBlocked = false;
        pump(pipe);
        updateInterest(side);
    }

    private static void hold(Pipe pipe, ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes).flip();
        pipe.held.addLast(copy);
        pipe.heldBytes += copy.limit();
    }

    /** Writes what is due to the pipe's destination, then forwards its FIN if it was the last thing queued. */
    void pump(Pipe pipe) {
        if (state != State.OPEN || blackholed() || pipe.writeBlocked) {
            return;
        }
        try {
            if (pipe.link == null) {
                while (!pipe.held.isEmpty()) {
                    ByteBuffer head = pipe.held.peekFirst();
                    pipe.dest.channel.write(head);
                    if (head.hasRemaining()) {
                        blocked(pipe);
                        return;
                    }
                    pipe.held.removeFirst();
                    pipe.heldBytes -= head.limit();
                }
            } else {
                for (Segment due; (due = pipe.link.peekDue()) != null; ) {
                    pipe.dest.channel.write(due.payload);
                    if (due.payload.hasRemaining()) {
                        blocked(pipe);
                        return;
                    }
                    pipe.link.removeHead();
                }
                if (!pipe.link.isEmpty()) {
                    long due = pipe.link.nextReleaseNanos();
                    if (due < pipe.timerDueNanos) {
                        pipe.timerDueNanos = due;
                        relay.schedule(pipe, due);
                    }
                }
            }
        } catch (IOException e) {
            sourceReset(pipe.dest);
            return;
        }
        if (pipe.eof && pipe.drained() && !pipe.finForwarded) {
            pipe.finForwarded = true;
            try {
                pipe.dest.channel.shutdownOutput();
            } catch (IOException e) {
                sourceReset(pipe.dest);
                return;
            }
            Pipe other = pipe.dest.out;
            if (other.finForwarded) {
                close();
                return;
            }
        }
        updateInterest(pipe.source);
    }

    private void blocked(Pipe pipe) {
        pipe.writeBlocked = true;
        updateInterest(pipe.dest);
        updateInterest(pipe.source);
    }

    private void sourceFin(Side side) {
        Pipe pipe = side.out;
        pipe.eof = true;
        if (state == State.DROPPED || state == State.CONNECTING) {
            close();
            return;
        }
        if (blackholed()) {
            if (side == client) {
                close(); // the client gave up: the server's side goes at once
                return;
            }
            updateInterest(side); // the server's FIN waits with its bytes for the blackhole's end
            return;
        }
        pump(pipe);
        if (state == State.OPEN) {
            updateInterest(side);
        }
    }

    /** {@code side} was reset (or failed): the other side is reset at once, whatever was queued is dropped. */
    private void sourceReset(Side side) {
        if (state == State.DROPPED) {
            close();
            return;
        }
        if (state == State.OPEN && blackholed() && side == server) {
            serverGoneInBlackhole = true;
            closeQuietly(server, true);
            server.out.clear();
            client.out.clear();
            return;
        }
        reset();
    }

    boolean blackholed() {
        return blackholeUntilNanos != 0;
    }

    /** Fault: RST both ways now, queued bytes dropped. */
    void reset() {
        client.out.clear();
        server.out.clear();
        closeQuietly(client, true);
        closeQuietly(server, true);
        ended();
    }

    /** Fault: the server's side is reset; the client's hears nothing more until it closes. */
    void drop() {
        client.out.clear();
        server.out.clear();
        closeQuietly(server, true);
        state = State.DROPPED;
        relay.leftLive(this);
        updateInterest(client);
    }

    /** Fault: nothing passes either way for {@code durationNanos} (0: until the client gives up). */
    void blackhole(long durationNanos) {
        long until = durationNanos == 0 ? Long.MAX_VALUE : relay.nanoTime() + durationNanos;
        if (until <= blackholeUntilNanos) {
            return;
        }
        blackholeUntilNanos = until;
        if (until != Long.MAX_VALUE) {
            long end = until;
            relay.schedule(due -> blackholeEnded(end), until);
        }
    }

    private void blackholeEnded(long until) {
        if (state != State.OPEN || blackholeUntilNanos != until) {
            return;
        }
        blackholeUntilNanos = 0;
        if (serverGoneInBlackhole) {
            reset();
            return;
        }
        for (Pipe pipe : new Pipe[] {client.out, server.out}) {
            if (pipe.link != null) {
                while (!pipe.held.isEmpty()) {
                    pipe.link.offer(pipe.held.removeFirst());
                }
                pipe.heldBytes = 0;
            }
            pump(pipe);
            if (state != State.OPEN) {
                return;
            }
        }
        updateInterest(client);
        updateInterest(server);
    }

    /** Closes both sides the ordinary way (a FIN where one is still owed). */
    void close() {
        closeQuietly(client, false);
        closeQuietly(server, false);
        ended();
    }

    private void ended() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        relay.closed(this);
    }

    private static void closeQuietly(Side side, boolean reset) {
        if (side.closed) {
            return;
        }
        side.closed = true;
        try {
            if (reset && side.channel.isOpen()) {
                side.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException ignored) {
            // not connected: closing is all there is
        }
        try {
            side.channel.close();
        } catch (IOException ignored) {
            // closed is closed
        }
    }

    /** Reads while there is room and the source has not ended; writes while a write is blocked. */
    void updateInterest(Side side) {
        if (side.closed || side.key == null || !side.key.isValid()) {
            return;
        }
        int ops = 0;
        if (state == State.CONNECTING) {
            ops = side == server ? SelectionKey.OP_CONNECT : 0;
        } else if (state == State.DROPPED) {
            ops = side == client ? SelectionKey.OP_READ : 0;
        } else if (state == State.OPEN) {
            Pipe out = side.out;
            if (!out.eof && out.queuedBytes() < LinkDirection.QUEUE_CAP_BYTES
                    && !(out.link == null && out.writeBlocked && !blackholed())) {
                ops |= SelectionKey.OP_READ;
            }
            if (side.in.writeBlocked) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        if (side.key.interestOps() != ops) {
            side.key.interestOps(ops);
        }
    }
}
