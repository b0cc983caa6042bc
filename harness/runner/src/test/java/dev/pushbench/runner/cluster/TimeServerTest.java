package dev.pushbench.runner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Clocks;
import dev.pushbench.runner.cluster.ClockSync.Estimate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP carrier of the clock estimate, over real sockets on 127.0.0.1: on one host the offset comes out 0 within
 * its bound; a server (or client) clock skewed by a known amount is found within the bound; a silent or dead peer
 * fails an exchange within its timeout; the server's limits hold.
 */
@Timeout(60)
class TimeServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static Estimate estimate(TimeServer server, LongSupplier clientClock) throws Exception {
        try (TimeClient client = TimeClient.connect("127.0.0.1", server.port(), TIMEOUT, clientClock)) {
            return ClockSync.estimate(client, 200, Duration.ofMillis(1), "tcp");
        }
    }

    @Test
    void onOneHostTheOffsetIsZeroWithinItsErrorBound() throws Exception {
        try (TimeServer server = new TimeServer(LOOPBACK, 0)) {
            Estimate e;
            try (TimeClient client = TimeServer.client("127.0.0.1", server.port(), TIMEOUT)) {
                e = ClockSync.estimate(client, 200, Duration.ofMillis(1), "tcp");
            }
            System.out.printf("same clock over loopback TCP: offset %d ns, error bound %d ns, best round trip %d ns%n",
                    e.offsetNanos(), e.errorNanos(), e.rttNanos());
            assertTrue(Math.abs(e.offsetNanos()) <= e.errorNanos(), e.toString());
            assertTrue(e.errorNanos() < 5_000_000, "a loopback round trip under 10 ms among 200: " + e);
            assertEquals(200, e.samples());
            assertEquals("tcp", e.via());
        }
    }

    @Test
    void aServerClockSkewedAheadOrBehindIsFoundWithinTheErrorBound() throws Exception {
        for (long skewNanos : new long[] {5_000_000_000L, -3_000_000_000L}) {
            try (TimeServer server = new TimeServer(LOOPBACK, 0, () -> Clocks.nanoTime() + skewNanos)) {
                Estimate e = estimate(server, Clocks::nanoTime);
                System.out.printf("server clock skewed %+d ns: offset %d ns, error bound %d ns%n",
                        skewNanos, e.offsetNanos(), e.errorNanos());
                assertTrue(Math.abs(e.offsetNanos() - skewNanos) <= e.errorNanos(), skewNanos + ": " + e);
            }
        }
    }

    @Test
    void aClientClockAheadMakesTheServerReadBehind() throws Exception {
        try (TimeServer server = new TimeServer(LOOPBACK, 0, System::nanoTime)) {
            Estimate e = estimate(server, () -> System.nanoTime() + 2_000_000_000L);
            assertTrue(Math.abs(e.offsetNanos() + 2_000_000_000L) <= e.errorNanos(), e.toString());
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesTheExchangeOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(silent.accept());
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (TimeClient client = TimeClient.connect("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(500))) {
                long start = System.nanoTime();
                TimeoutException e = assertThrows(TimeoutException.class, client::exchange);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis >= 400 && tookMillis < 3_000, "took " + tookMillis + " ms");
                assertTrue(e.getMessage().contains("did not answer within PT0.5S"), e.getMessage());
                IOException after = assertThrows(IOException.class, client::exchange);
                assertTrue(after.getMessage().contains("is closed: no answer within PT0.5S"), after.getMessage());
            } finally {
                acceptor.join(1_000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aPortNobodyListensOnFailsTheConnectAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        IOException e = assertThrows(IOException.class, () -> TimeServer.client("127.0.0.1", port, TIMEOUT));
        assertTrue(e.getMessage().startsWith("cannot connect to time server 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aServerClosedUnderAClientFailsItsNextExchange() throws Exception {
        TimeServer server = new TimeServer(LOOPBACK, 0);
        try (TimeClient client = TimeServer.client("127.0.0.1", server.port(), TIMEOUT)) {
            client.exchange();
            server.close();
            assertThrows(IOException.class, client::exchange);
        } finally {
            server.close();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndASilentOneIsDroppedAfterTheIdleTimeout() throws Exception {
        try (TimeServer server = new TimeServer(LOOPBACK, 0, Clocks::nanoTime, 2, Duration.ofMillis(300));
             TimeClient first = TimeServer.client("127.0.0.1", server.port(), TIMEOUT);
             TimeClient second = TimeServer.client("127.0.0.1", server.port(), TIMEOUT);
             Socket third = new Socket(LOOPBACK, server.port())) {
            first.exchange();
            second.exchange();
            third.setSoTimeout(2_000);
            assertEquals(-1, third.getInputStream().read(), "a third connection over a limit of two is closed");

            try (Socket silent = waitForAFreeSlot(server)) {
                long start = System.nanoTime();
                InputStream in = silent.getInputStream();
                assertEquals(-1, in.read(), "a silent connection is closed by the server");
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis < 2_000, "closed after " + tookMillis + " ms");
            }
        }
    }

    /** The first two clients went idle and were closed after 300 ms, so a new connection is served again. */
    private static Socket waitForAFreeSlot(TimeServer server) throws Exception {
        Thread.sleep(600);
        Socket s = new Socket(LOOPBACK, server.port());
        s.setSoTimeout(2_000);
        s.getOutputStream().write(new byte[8]);
        byte[] answer = s.getInputStream().readNBytes(8);
        assertEquals(8, answer.length, "served once the idle ones were closed");
        return s;
    }
}
