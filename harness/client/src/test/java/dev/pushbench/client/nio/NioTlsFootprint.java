package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What TLS costs the nio engine, against HTTP/1.1 cleartext on the same server: heap retained per
 * idle connection, and selector-thread CPU per received message of paced streams. The server
 * (Jetty 12, {@link TlsTestServer}) runs in a child JVM, so the heap measured is the client's alone.
 * A measurement program, not a test: it prints figures and asserts nothing.
 *
 * <pre>
 *   ./mvnw -B -o -q -pl harness/client -am test-compile
 *   # the test class path: property "surefire.test.class.path" in harness/client/target/surefire-reports/TEST-*.xml
 *   java -XX:+UseSerialGC -Xmx1g -cp harness/client/target/test-classes:harness/client/target/classes:$(cat /tmp/cp.txt) \
 *       dev.pushbench.client.nio.NioTlsFootprint heap 2000          # connections
 *   java ... NioTlsFootprint cpu 100 200 20 200                     # connections, messages/s each, seconds, message bytes
 * </pre>
 *
 * <p>Heap: the used heap after a full GC (the least of five) with {@code connections} idle
 * connections open, less the same before them, over {@code connections}; 20 connections opened first
 * warm the loops (their shared buffers, the TLS session cache, classes). CPU: the selector thread's
 * CPU time and allocated bytes over the middle of the streams, over the messages that arrived in it.
 */
public final class NioTlsFootprint {
    private NioTlsFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            serve();
            return;
        }
        if (args.length == 0 || !(args[0].equals("heap") || args[0].equals("cpu"))) {
            System.err.println("usage: NioTlsFootprint heap CONNECTIONS | cpu CONNECTIONS RATE_PER_SECOND SECONDS MESSAGE_BYTES");
            System.exit(2);
        }
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), NioTlsFootprint.class.getName(), "server")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), US_ASCII));
            String[] ports = lines.readLine().split(" ");
            String pem = new String(Base64.getDecoder().decode(lines.readLine()), US_ASCII);
            int tlsPort = Integer.parseInt(ports[0]);
            int clearPort = Integer.parseInt(ports[1]);
            if (args[0].equals("heap")) {
                int connections = Integer.parseInt(args[1]);
                for (int round = 0; round < 2; round++) {
                    heap(Protocol.HTTP_1_1, clearPort, null, connections);
                    heap(Protocol.HTTPS_1_1, tlsPort, pem, connections);
                }
                sequentialHandshakes(tlsPort, pem, 300);
            } else {
                int connections = Integer.parseInt(args[1]);
                int ratePerSecond = Integer.parseInt(args[2]);
                int seconds = Integer.parseInt(args[3]);
                int messageBytes = Integer.parseInt(args[4]);
                for (int round = 0; round < 2; round++) {
                    cpu(Protocol.HTTP_1_1, clearPort, null, connections, ratePerSecond, seconds, messageBytes);
                    cpu(Protocol.HTTPS_1_1, tlsPort, pem, connections, ratePerSecond, seconds, messageBytes);
                }
            }
        } finally {
            server.getOutputStream().close();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroy();
        }
    }

    /** Child JVM: the server's ports and certificate on stdout, until stdin closes. */
    private static void serve() throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned("127.0.0.1");
        try (TlsTestServer server = TlsTestServer.start(tls, "http/1.1")) {
            System.out.println(server.port() + " " + server.cleartextPort());
            System.out.println(Base64.getEncoder().encodeToString(tls.certificatePem().getBytes(US_ASCII)));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
        }
    }

    private static void heap(Protocol protocol, int port, String pem, int connections) throws Exception {
        try (NioEngine engine = engine(protocol, port, pem, 2)) {
            Counters counters = new Counters();
            List<Long> handshakeNanos = java.util.Collections.synchronizedList(new ArrayList<>());
            engine.onTlsHandshake(handshakeNanos::add);
            List<Idle> open = new ArrayList<>();
            openBatch(engine, counters, open, 20);
            long before = usedHeapAfterGc();
            for (int opened = 0; opened < connections; opened += 100) {
                openBatch(engine, counters, open, Math.min(100, connections - opened));
            }
            Thread.sleep(1000); // TLS 1.3 session tickets arrive after the handshake
            long after = usedHeapAfterGc();
            if (System.getenv("NIO_FOOTPRINT_HISTOGRAM") != null) {
                histogram();
            }
            System.out.printf("heap %-9s %d idle connections: %,d B before, %,d B after: %,.0f B per connection (%d lost)%n",
                    protocol.id(), connections, before, after, (after - before) / (double) connections, counters.ends.get());
            if (!handshakeNanos.isEmpty()) {
                long[] sorted = handshakeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("     %d TLS handshakes (TCP established to finished, batches of 100): median %.2f ms,"
                                + " 99th percentile %.2f ms, first %.2f ms%n", sorted.length, sorted[sorted.length / 2] / 1e6,
                        sorted[(int) (sorted.length * 0.99)] / 1e6, handshakeNanos.get(0) / 1e6);
            }
            for (Idle connection : open) {
                connection.close();
            }
        }
    }

    /** The classes holding most of the heap now (jcmd GC.class_histogram), to see where a connection's bytes go. */
    private static void histogram() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(jcmd.getInputStream(), US_ASCII))) {
            lines.lines().limit(40).forEach(System.out::println);
        }
        jcmd.waitFor();
    }

    /** One connection at a time: a handshake's own duration, without the queueing of a batch. */
    private static void sequentialHandshakes(int port, String pem, int count) throws Exception {
        try (NioEngine engine = engine(Protocol.HTTPS_1_1, port, pem, 1)) {
            List<Long> handshakeNanos = java.util.Collections.synchronizedList(new ArrayList<>());
            engine.onTlsHandshake(handshakeNanos::add);
            Counters counters = new Counters();
            for (int i = 0; i < count; i++) {
                List<Idle> open = new ArrayList<>();
                openBatch(engine, counters, open, 1);
                open.get(0).close();
            }
            long[] sorted = handshakeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("     %d sequential TLS handshakes: median %.2f ms, 90th percentile %.2f ms, first %.2f ms%n",
                    sorted.length, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.9)] / 1e6,
                    handshakeNanos.get(0) / 1e6);
        }
    }

    private static void openBatch(NioEngine engine, Counters counters, List<Idle> open, int count) throws InterruptedException {
        int target = counters.connected.get() + count;
        for (int i = 0; i < count; i++) {
            Idle connection = new Idle(engine, counters, null);
            open.add(connection);
            connection.open();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counters.connected.get() < target) {
            if (System.nanoTime() > deadline || counters.ends.get() > 0) {
                throw new IllegalStateException("only " + counters.connected.get() + " of " + target + " connected, "
                        + counters.ends.get() + " lost");
            }
            Thread.sleep(5);
        }
    }

    private static void cpu(Protocol protocol, int port, String pem, int connections, int ratePerSecond, int seconds,
                            int messageBytes) throws Exception {
        int count = ratePerSecond * seconds;
        byte[] request = NioTlsTest.get("/body?bytes=" + (long) count * messageBytes + "&chunk=" + messageBytes
                + "&intervalMicros=" + (1_000_000 / ratePerSecond));
        try (NioEngine engine = engine(protocol, port, pem, 1)) {
            Counters counters = new Counters();
            List<Idle> open = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Idle connection = new Idle(engine, counters, request);
                open.add(connection);
                connection.open();
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(2));
            long cpuStart = selectorCpuNanos();
            long allocatedStart = selectorAllocatedBytes();
            long bytesStart = counters.plainBytes.get();
            long socketStart = engine.bytesIn();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds - 4));
            long cpu = selectorCpuNanos() - cpuStart;
            long allocated = selectorAllocatedBytes() - allocatedStart;
            long plain = counters.plainBytes.get() - bytesStart;
            long socket = engine.bytesIn() - socketStart;
            long messages = plain / messageBytes;
            System.out.printf("cpu  %-9s %d streams x %d msg/s x %d B: %,d messages in %d s, selector CPU %,d ms:"
                            + " %.2f µs per message; %.1f socket bytes and %.1f bytes allocated per message (%d lost)%n",
                    protocol.id(), connections, ratePerSecond, messageBytes, messages, seconds - 4, cpu / 1_000_000,
                    cpu / 1000.0 / messages, socket / (double) messages, allocated / (double) messages, counters.ends.get());
            for (Idle connection : open) {
                connection.close();
            }
        }
    }

    private static long selectorCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("pushbench-nio-")) {
                sum += threads.getThreadCpuTime(thread.getId());
            }
        }
        return sum;
    }

    private static long selectorAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("pushbench-nio-")) {
                sum += threads.getThreadAllocatedBytes(thread.getId());
            }
        }
        return sum;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long[] used = new long[5];
        for (int i = 0; i < used.length; i++) {
            System.gc();
            Thread.sleep(200);
            used[i] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        return Arrays.stream(used).min().orElseThrow();
    }

    private static NioEngine engine(Protocol protocol, int port, String pem, int selectorThreads) throws IOException {
        return new NioEngine(new NioEngineConfig(new InetSocketAddress("127.0.0.1", port), protocol, pem,
                Duration.ofMinutes(5), selectorThreads, List.of()));
    }

    private static final class Counters {
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();
        final AtomicLong plainBytes = new AtomicLong();
    }

    /** Writes {@code request} (null: nothing) once connected and counts what it reads. */
    private static final class Idle extends NioConnection {
        private final Counters counters;
        private final byte[] request;

        Idle(NioEngine engine, Counters counters, byte[] request) {
            super(engine);
            this.counters = counters;
            this.request = request;
        }

        @Override
        protected void onConnected() throws IOException {
            counters.connected.incrementAndGet();
            if (request != null) {
                write(request);
            }
        }

        @Override
        protected void onRead(byte[] bytes, int offset, int length) {
            counters.plainBytes.addAndGet(length);
        }

        @Override
        protected void onEnd(dev.pushbench.client.StreamEnd end, Throwable cause) {
            if (counters.ends.getAndIncrement() == 0) {
                System.err.println("a connection ended: " + cause);
            }
        }
    }
}
