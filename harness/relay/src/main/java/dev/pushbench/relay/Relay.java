package dev.pushbench.relay;

import dev.pushbench.model.control.ControlMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A user-space TCP relay that emulates a link: it accepts on {@code listenHost:listenPort}, connects each
 * accepted connection to {@code targetHost:targetPort}, and shapes both directions of each as its
 * {@link LinkShape} says (see {@link LinkDirection} for the model); on command it cuts or blackholes a share
 * of the live connections.
 *
 * <pre>
 *   try (Relay relay = Relay.start(config, System.err::println)) {
 *       int port = relay.port();                      // the load generator connects here
 *       ControlMessage.FaultApplied hit = relay.apply(new ControlMessage.ApplyFault("cut", "reset", 0.5, 0),
 *               Duration.ofSeconds(5));
 *   }
 * </pre>
 *
 * <p>One selector thread does all the work: accepting, connecting, reading, writing, and the timers of due
 * releases (a priority queue; it selects with a timeout until the next one and parks for the last
 * sub-millisecond). On a link that adds nothing, bytes read are written at once, in the same pass. Faults
 * are handed to that thread through a queue and take effect there; {@link #apply} waits for the answer.
 * {@link #close()} stops the thread and closes every socket.
 *
 * <p>Each connection costs two file descriptors. When the process has none left, an incoming connection is
 * accepted into a spare descriptor and closed at once, with one line in the log, so the relay neither spins
 * nor leaves the client waiting.
 *
 * <p>The class is long because everything the selector thread does (accepting and connecting, the timer queue,
 * the hand-over of faults, the shortage of descriptors) shares its state and is easiest checked in one place;
 * what happens on one connection is in {@link RelayConnection}.
 */
public final class Relay implements AutoCloseable {
    /** What fires on the selector thread when its time comes. */
    interface Timed {
        void fire(long dueNanos);
    }

    private record Timer(long dueNanos, long sequence, Timed action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(dueNanos, o.dueNanos);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private static final long PARK_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final InetSocketAddress target;
    private final LinkShape shape;
    private final long seed;
    private final Random faultRandom;
    private final Consumer<String> log;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<Long, RelayConnection> live = new LinkedHashMap<>();
    private final Map<Long, RelayConnection> all = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int liveCount;
    private long nextId;
    private long timerSequence;
    private FileChannel spare;
    private long lastFilesLogNanos = Long.MIN_VALUE;
    private long filesRefused;

    private Relay(RelayConfig config, Consumer<String> log) throws IOException {
        this.shape = config.shape();
        this.seed = config.seed();
        this.faultRandom = new Random(config.seed());
        this.log = log;
        this.target = new InetSocketAddress(config.targetHost(), config.targetPort());
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.bind(new InetSocketAddress(config.listenHost(), config.listenPort()), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            spare = FileChannel.open(Path.of("/dev/null"));
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw new IOException("cannot listen on " + config.listenHost() + ":" + config.listenPort() + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::run, "pushbench-relay");
    }

    /**
     * Listens and starts the selector thread.
     *
     * @param log where the relay says what went wrong (a refused target, no descriptors left)
     */
    public static Relay start(RelayConfig config, Consumer<String> log) throws IOException {
        Relay relay = new Relay(config, log);
        relay.thread.start();
        return relay;
    }

    /** The port it listens on. */
    public int port() {
        return listener.socket().getLocalPort();
    }

    /** Connections connected to the target and not cut, as of the selector thread's last change. */
    public int liveConnections() {
        return liveCount;
    }

    /**
     * Hits a share of the live connections that pass bytes (a blackholed one does not) with a fault, on the selector
     * thread, and says which (by the client's port), when it took effect ({@code System.nanoTime()} as it began) and
     * of how many such connections just before.
     *
     * @throws IllegalArgumentException naming the bad field of {@code fault}
     * @throws TimeoutException         when the selector thread did not answer within {@code timeout}
     */
    public ControlMessage.FaultApplied apply(ControlMessage.ApplyFault fault, Duration timeout)
            throws InterruptedException, TimeoutException {
        check(fault);
        CompletableFuture<ControlMessage.FaultApplied> answer = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                answer.complete(applyNow(fault));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the relay could not apply " + fault.fault() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** @throws IllegalArgumentException naming the bad field */
    static void check(ControlMessage.ApplyFault fault) {
        if (!(fault.share() > 0 && fault.share() <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + fault.share());
        }
        if ("cut".equals(fault.fault())) {
            if (!"reset".equals(fault.mode()) && !"drop".equals(fault.mode())) {
                throw new IllegalArgumentException("a cut's mode must be reset or drop, got " + fault.mode());
            }
        } else if ("blackhole".equals(fault.fault())) {
            if (fault.durationNanos() < 0) {
                throw new IllegalArgumentException("a blackhole's durationNanos must not be negative, got " + fault.durationNanos());
            }
        } else {
            throw new IllegalArgumentException("the relay applies cut and blackhole, got fault " + fault.fault());
        }
    }

    private ControlMessage.FaultApplied applyNow(ControlMessage.ApplyFault fault) {
        long atNanos = System.nanoTime();
        // a blackholed connection passes nothing already: hitting it again would count a fault that changed nothing
        List<RelayConnection> pool = new ArrayList<>();
        for (RelayConnection connection : live.values()) {
            if (!connection.blackholed()) {
                pool.add(connection);
            }
        }
        int hit = pool.isEmpty() ? 0 : (int) Math.min(pool.size(), Math.max(1, Math.ceil(fault.share() * pool.size() - 1e-9)));
        Collections.shuffle(pool, faultRandom);
        List<Integer> ports = new ArrayList<>(hit);
        for (RelayConnection connection : pool.subList(0, hit)) {
            ports.add(connection.clientPort);
            if ("blackhole".equals(fault.fault())) {
                connection.blackhole(fault.durationNanos());
            } else if ("drop".equals(fault.mode())) {
                connection.drop();
            } else {
                connection.reset();
            }
        }
        return new ControlMessage.FaultApplied(fault.fault(), atNanos, ports, pool.size());
    }

    private void run() {
        try {
            while (running) {
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                fireDueTimers();
                Timer next = timers.peek();
                if (next == null) {
                    selector.select();
                } else {
                    long waitNanos = next.dueNanos - System.nanoTime();
                    if (waitNanos >= PARK_BELOW_NANOS) {
                        selector.select(waitNanos / 1_000_000);
                    } else if (selector.selectNow() == 0 && waitNanos > 0) {
                        LockSupport.parkNanos(waitNanos);
                    }
                }
                handleSelected();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                log("the relay stopped: " + e);
            }
        } finally {
            for (RelayConnection connection : new ArrayList<>(all.values())) {
                connection.close();
            }
            closeQuietly(listener);
            closeQuietly(selector);
            closeQuietly(spare);
        }
    }

    private void fireDueTimers() {
        for (Timer t; (t = timers.peek()) != null && t.dueNanos - System.nanoTime() <= 0; ) {
            timers.poll();
            t.action.fire(t.dueNanos);
        }
    }

    private void handleSelected() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key.attachment() == null) {
                accept();
                continue;
            }
            RelayConnection.Side side = (RelayConnection.Side) key.attachment();
            RelayConnection connection = side.connection();
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                connection.connectable();
            }
            if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
                connection.writable(side);
            }
            if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
                connection.readable(side);
            }
        }
    }

    private void accept() {
        for (;;) {
            SocketChannel accepted;
            try {
                accepted = listener.accept();
            } catch (IOException e) {
                if (tooManyOpenFiles(e)) {
                    refuseOne();
                } else {
                    log("cannot accept a connection: " + e.getMessage());
                }
                return;
            }
            if (accepted == null) {
                return;
            }
            open(accepted);
        }
    }

    private void open(SocketChannel accepted) {
        SocketChannel server;
        try {
            server = SocketChannel.open();
        } catch (IOException e) {
            if (tooManyOpenFiles(e)) {
                filesExhausted();
            } else {
                log("cannot open a socket to the target: " + e.getMessage());
            }
            resetQuietly(accepted);
            return;
        }
        RelayConnection connection;
        try {
            accepted.configureBlocking(false);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.configureBlocking(false);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            long id = nextId++;
            connection = new RelayConnection(this, id, accepted, server, shape, new Random(seed * 0x9E3779B97F4A7C15L + id));
            connection.client().key = accepted.register(selector, 0, connection.client());
            connection.server().key = server.register(selector, 0, connection.server());
            all.put(id, connection);
            if (server.connect(target)) {
                connection.established();
            } else {
                connection.updateInterest(connection.server());
            }
        } catch (IOException e) {
            log("cannot connect to the target " + target + ": " + e.getMessage());
            resetQuietly(accepted);
            closeQuietly(server);
        }
    }

    /** Accepts one waiting connection into the spare descriptor and closes it: the client is told, the relay does not spin. */
    private void refuseOne() {
        filesExhausted();
        try {
            spare.close();
            SocketChannel refused = listener.accept();
            if (refused != null) {
                resetQuietly(refused);
            }
        } catch (IOException e) {
            // nothing more to do: the next readiness tries again
        } finally {
            try {
                spare = FileChannel.open(Path.of("/dev/null"));
            } catch (IOException e) {
                spare = null;
                log("cannot reopen the spare descriptor: " + e.getMessage());
            }
        }
    }

    private void filesExhausted() {
        filesRefused++;
        long now = System.nanoTime();
        if (lastFilesLogNanos == Long.MIN_VALUE || now - lastFilesLogNanos >= LOG_EVERY_NANOS) {
            lastFilesLogNanos = now;
            log("too many open files: closed an incoming connection (" + filesRefused + " so far, " + all.size()
                    + " open, two descriptors each); raise the limit with ulimit -n");
        }
    }

    private static boolean tooManyOpenFiles(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Too many open files");
    }

    void opened(RelayConnection connection) {
        live.put(connection.id, connection);
        liveCount = live.size();
    }

    void leftLive(RelayConnection connection) {
        live.remove(connection.id);
        liveCount = live.size();
    }

    void closed(RelayConnection connection) {
        live.remove(connection.id);
        all.remove(connection.id);
        liveCount = live.size();
    }

    void schedule(Timed action, long dueNanos) {
        timers.add(new Timer(dueNanos, timerSequence++, action));
    }

    long nanoTime() {
        return System.nanoTime();
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    void log(String message) {
        log.accept("relay: " + message);
    }

    private static void resetQuietly(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // closing is all there is
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closed is closed
        }
    }

    /** Stops the selector thread and closes every connection and the listening socket. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
