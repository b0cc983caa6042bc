package dev.pushbench.client.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The nio engine binds each new socket to the next of its source addresses, round-robin, and reports
 * the time inside each connect call apart from the time after it; the server's accepted sockets show
 * where the connections came from.
 */
class SourceAddressesTest {

    /** A connection that only connects: nothing is written or read. */
    private static final class Bare extends NioConnection {
        private final CountDownLatch connected;

        Bare(NioEngine engine, CountDownLatch connected) {
            super(engine);
            this.connected = connected;
        }

        @Override
        protected void onConnected() {
            connected.countDown();
        }

        @Override
        protected void onRead(byte[] bytes, int offset, int length) {
        }

        @Override
        protected void onEnd(dev.pushbench.client.StreamEnd end, Throwable cause) {
        }
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text); // literals only: nothing is looked up
    }

    @Test
    void connectionsComeFromEachSourceAddressInTurn() throws Exception {
        int n = 6;
        try (ServerSocket server = new ServerSocket(0, 50, ip("127.0.0.1"))) {
            NioEngineConfig config = new NioEngineConfig(new InetSocketAddress(ip("127.0.0.1"), server.getLocalPort()),
                    dev.pushbench.core.Protocol.HTTP_1_1, null, Duration.ofSeconds(30), 2,
                    List.of(ip("127.0.0.2"), ip("127.0.0.3")));
            List<Long> callNanos = new CopyOnWriteArrayList<>();
            List<Long> tcpNanos = new CopyOnWriteArrayList<>();
            List<Socket> accepted = new ArrayList<>();
            try (NioEngine engine = new NioEngine(config)) {
                engine.onConnectCall(callNanos::add);
                engine.onTcpConnect(tcpNanos::add);
                CountDownLatch connected = new CountDownLatch(n);
                List<Bare> connections = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Bare c = new Bare(engine, connected);
                    connections.add(c);
                    c.open();
                }
                Map<String, AtomicInteger> bySource = new TreeMap<>();
                server.setSoTimeout(10_000);
                for (int i = 0; i < n; i++) {
                    Socket s = server.accept();
                    accepted.add(s);
                    bySource.computeIfAbsent(s.getInetAddress().getHostAddress(), k -> new AtomicInteger()).incrementAndGet();
                }
                assertTrue(connected.await(10, TimeUnit.SECONDS), "all connected");
                assertEquals("{127.0.0.2=3, 127.0.0.3=3}", bySource.toString(), "round-robin over the two addresses");
                assertEquals(n, callNanos.size(), "one connect call timed per connection");
                assertEquals(n, tcpNanos.size(), "one TCP connect timed per connection");
                callNanos.forEach(v -> assertTrue(v >= 0, "a duration, got " + v));
                tcpNanos.forEach(v -> assertTrue(v >= 0, "a duration, got " + v));
                connections.forEach(NioConnection::close);
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void withoutSourceAddressesTheKernelPicks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, ip("127.0.0.1"));
             NioEngine engine = new NioEngine(NioEngineConfig.http1(
                     new InetSocketAddress(ip("127.0.0.1"), server.getLocalPort()), Duration.ofSeconds(30), 1))) {
            CountDownLatch connected = new CountDownLatch(1);
            Bare c = new Bare(engine, connected);
            c.open();
            server.setSoTimeout(10_000);
            try (Socket s = server.accept()) {
                assertNotNull(s.getInetAddress());
                assertEquals("127.0.0.1", s.getInetAddress().getHostAddress(), "the route's source for a loopback server");
                assertTrue(connected.await(10, TimeUnit.SECONDS));
            }
            c.close();
        }
    }
}
