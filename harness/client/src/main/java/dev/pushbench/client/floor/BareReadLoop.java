package dev.pushbench.client.floor;

import dev.pushbench.core.Clocks;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor a client engine is held to: java.nio selector threads that read every connection's
 * bytes and do nothing with them, not even parse. What it costs per {@code read()} on this machine
 * is what the kernel and the JDK charge any Java client; the nio engine's CPU per delivered message
 * is compared with it at one event per read.
 *
 * <pre>
 *   try (BareReadLoop loop = BareReadLoop.open(server, requests, 2)) {  // one request per connection
 *       Thread.sleep(warmupMillis);
 *       BareReadLoop.Reading start = loop.reading();
 *       Thread.sleep(windowMillis);
 *       BareReadLoop.Reading window = loop.reading().minus(start);
 *       window.cpuNanosPerRead();
 *   }
 * </pre>
 *
 * <p>How: the connections are opened and their requests written with blocking calls before the
 * loop starts (connect cost is not what it measures); then each selector thread reads, one
 * {@code read()} per readiness into its own direct buffer (again only while it comes back full),
 * as the nio engine does. A {@link Reading} pairs the reads and bytes so far with the process's CPU
 * time, so a window's figure includes the JVM's own overhead as the engine's does.
 */
public final class BareReadLoop implements AutoCloseable {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<Selector> selectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder reads = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder closedByServer = new LongAdder();
    private volatile boolean running = true;

    /** Reads, bytes and the process's CPU time at one moment; subtract two for a window. */
    public record Reading(long reads, long bytes, long cpuNanos, long wallNanos) {
        public Reading minus(Reading earlier) {
            return new Reading(reads - earlier.reads, bytes - earlier.bytes, cpuNanos - earlier.cpuNanos,
                    wallNanos - earlier.wallNanos);
        }

        public double cpuNanosPerRead() {
            return reads == 0 ? Double.NaN : (double) cpuNanos / reads;
        }
    }

    private BareReadLoop() {
    }

    /**
     * Opens one connection per request to {@code server}, writes each its request, and starts
     * {@code threads} selector threads reading them all.
     */
    public static BareReadLoop open(InetSocketAddress server, List<byte[]> requests, int threads) throws IOException {
        Objects.requireNonNull(server, "server");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        BareReadLoop loop = new BareReadLoop();
        try {
            for (int i = 0; i < threads; i++) {
                loop.selectors.add(Selector.open());
            }
            for (int i = 0; i < requests.size(); i++) {
                SocketChannel ch = SocketChannel.open(server);
                loop.channels.add(ch);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer request = ByteBuffer.wrap(requests.get(i));
                while (request.hasRemaining()) {
                    ch.write(request);
                }
                ch.configureBlocking(false);
                ch.register(loop.selectors.get(i % threads), SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
        for (int i = 0; i < threads; i++) {
            Selector selector = loop.selectors.get(i);
            Thread t = new Thread(() -> loop.run(selector), "pushbench-bare-read-" + i);
            t.setDaemon(true);
            loop.threads.add(t);
            t.start();
        }
        return loop;
    }

    private void run(Selector selector) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        try {
            while (running) {
                selector.select(key -> {
                    SocketChannel ch = (SocketChannel) key.channel();
                    try {
                        int n;
                        do {
                            buffer.clear();
                            n = ch.read(buffer);
                            if (n > 0) {
                                reads.increment();
                                bytes.add(n);
                            }
                        } while (n == READ_BUFFER_BYTES);
                        if (n < 0) {
                            closedByServer.increment();
                            key.cancel();
                            ch.close();
                        }
                    } catch (IOException e) {
                        closedByServer.increment();
                        key.cancel();
                    }
                }, 100);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(Thread.currentThread().getName() + ": selector failed: " + e);
        }
    }

    /** The counters now. */
    public Reading reading() {
        return new Reading(reads.sum(), bytes.sum(), processCpuNanos(), Clocks.nanoTime());
    }

    /** Connections the server closed (a bare loop never reconnects: a non-zero figure spoils the window). */
    public long closedByServer() {
        return closedByServer.sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public void close() {
        running = false;
        for (Selector s : selectors) {
            s.wakeup();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Selector s : selectors) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
