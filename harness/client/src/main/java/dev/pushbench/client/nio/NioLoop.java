package dev.pushbench.client.nio;

import dev.pushbench.core.Clocks;
import dev.pushbench.core.EventFields;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One selector thread of a {@link NioEngine} and what its connections share: the read buffer, the
 * event-field reader, the byte counters. Only its own thread touches a connection's socket and state;
 * other threads hand it tasks through {@link #submit}.
 */
final class NioLoop implements Runnable {
    static final int READ_BUFFER_BYTES = 64 * 1024;

    final NioEngine engine;
    final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Consumer<SelectionKey> onReady = this::ready;
    private volatile boolean running = true;
    private boolean started;

    /** Every read of this loop lands here; parsers work on it in place and keep nothing of it. */
    final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    /**
     * TLS only (null for cleartext), shared by the loop's connections rather than kept per connection
     * (two 16 KiB+ buffers for each of up to ~19,000 connections): unwrap writes the plaintext it hands
     * to onRead here, wrap the records it sends. The records read land in {@link #readBuffer}, after
     * the connection's leftover partial record.
     */
    final ByteBuffer tlsPlainIn;
    /** {@link #tlsPlainIn} alone: SSLEngine.unwrap(src, dst) would make this array at every call. */
    final ByteBuffer[] tlsPlainInOnly;
    final ByteBuffer tlsRecordsOut;
    /** One per thread rather than per connection: it only holds the fields of the event being read. */
    final EventFields eventFields = new EventFields();
    // written by this loop's thread only, read by anyone
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile long reads;

    NioLoop(NioEngine engine, String name) throws IOException {
        this.engine = engine;
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        NioTls tls = engine.tls;
        if (tls != null) {
            if (READ_BUFFER_BYTES < 2 * tls.packetBytes) {
                // a leftover partial record and at least one whole record must fit one read
                throw new IllegalStateException("the read buffer (" + READ_BUFFER_BYTES + " B) must hold two TLS records of "
                        + tls.packetBytes + " B");
            }
            tlsPlainIn = ByteBuffer.allocate(Math.max(READ_BUFFER_BYTES, tls.applicationBytes));
            tlsPlainInOnly = new ByteBuffer[] {tlsPlainIn};
            tlsRecordsOut = ByteBuffer.allocate(Math.max(READ_BUFFER_BYTES, tls.packetBytes));
        } else {
            tlsPlainIn = null;
            tlsPlainInOnly = null;
            tlsRecordsOut = null;
        }
    }

    void start() {
        started = true;
        thread.start();
    }

    /** False once the engine is closing: no new connection starts. */
    boolean isRunning() {
        return running;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop's thread, soon; one wake-up serves every task queued before the loop looks. */
    void submit(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    long reads() {
        return reads;
    }

    /** One read that brought {@code bytes}. */
    void countIn(int bytes) {
        bytesIn += bytes; // one writer: this thread
        reads++;
    }

    void countOut(int bytes) {
        bytesOut += bytes;
    }

    @Override
    public void run() {
        long nextSweep = Clocks.nanoTime() + engine.sweepNanos();
        try {
            while (running) {
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - Clocks.nanoTime()));
                selector.select(onReady, waitMillis);
                wakeupPending.set(false);
                runTasks();
                long now = Clocks.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + engine.sweepNanos();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the selector itself broke: every connection of this loop is gone
            System.err.println(thread.getName() + ": selector failed, its connections are lost: " + e);
            failAll(e);
        } finally {
            closeAll();
        }
    }

    private void ready(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        NioConnection connection = (NioConnection) key.attachment();
        int ops = key.readyOps();
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            connection.finishConnect();
            return;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            connection.flush();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && key.isValid()) {
            connection.read();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                System.err.println(thread.getName() + ": a task failed: " + e);
            }
        }
    }

    /**
     * Timeouts, about once a second or more often for short per-connection timers ({@link NioEngine#sweepNanos()});
     * the key set only changes in select and register, both on this thread.
     */
    private void sweep(long now) {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                ((NioConnection) key.attachment()).checkTimeouts(now);
            }
        }
    }

    private void failAll(Throwable cause) {
        for (SelectionKey key : selector.keys()) {
            ((NioConnection) key.attachment()).fail(cause);
        }
    }

    private void closeAll() {
        runTasks();
        for (SelectionKey key : selector.keys()) {
            ((NioConnection) key.attachment()).release(false, null);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    void stop() {
        running = false;
        if (started) {
            selector.wakeup();
        } else {
            try {
                selector.close();
            } catch (IOException ignored) {
                // never started: nothing registered
            }
        }
    }

    void join(long millis) {
        if (!started || inLoop()) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
