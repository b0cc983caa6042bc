package dev.pushbench.loadgen;

import static dev.pushbench.loadgen.NioFixtures.SSE_HEAD;
import static dev.pushbench.loadgen.NioFixtures.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.Recorders.Metric;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nio engine under its subscribers, over real loopback sockets against a {@link ScriptedServer}:
 * events delivered and recorded, every byte counted at the socket, pings answered, quiet and unasked
 * ends told apart, resumption after the server ends a stream, the idle timeout, refused connects and
 * broken answers.
 */
@Timeout(60)
class NioEngineTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration IDLE = Duration.ofSeconds(60);

    @Test
    void sseEventsArriveAndEveryByteIsCountedAtTheSocket() throws Exception {
        int events = 100;
        byte[][] sent = new byte[1][];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.readRequestHead();
            byte[] bytes = sent[0];
            // cut where the bytes fall: inside chunk sizes, CRLFs, frames
            for (int at = 0; at < bytes.length; at += 37) {
                exchange.write(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 37)));
            }
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.SSE, IDLE, NEVER)) {
            sent[0] = concat(SSE_HEAD.getBytes(US_ASCII), NioFixtures.ssePreamble(0), f.sseChunks(1, events, 3),
                    NioFixtures.chunk(":\n\n".getBytes(US_ASCII)));
            List<Long> tcpConnects = new CopyOnWriteArrayList<>();
            f.engine.onTcpConnect(tcpConnects::add);
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == events, "all events read");
            await(() -> f.engine.bytesIn() == server.bytesWritten.get(), "bytes in = bytes the server wrote");
            await(() -> f.engine.bytesOut() == server.bytesRead.get(), "bytes out = bytes the server read");

            assertEquals(events, f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount(), "events recorded");
            assertEquals(1, f.context.everLive.sum());
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
            assertEquals(1, tcpConnects.size(), "one TCP connect timed");
            assertTrue(tcpConnects.get(0) > 0);
            assertEquals(1, f.engine.connectionsOpened());
            String request = server.requestHeads.get(0);
            assertTrue(request.startsWith("GET /sse/t0 HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nAccept: text/event-stream\r\n") && request.contains("\r\nCache-Control: no-cache\r\n"), request);
            assertTrue(!request.contains("Last-Event-ID"), request);

            s.stop();
            await(() -> server.connectionsEnded.get() == 1, "the server sees the close");
            await(() -> f.engine.connectionsClosed() == 1, "the close is counted");
            assertEquals(0, f.context.disconnects.sum() + f.context.connectFailures.sum(), "a close the client asked for is not a loss");
            assertEquals(List.of(), server.scriptFailures);
        }
    }

    @Test
    void webSocketEventsArrivePingsAreAnsweredAndACloseSaysGoodbye() throws Exception {
        int events = 100;
        List<byte[]> clientFrames = new CopyOnWriteArrayList<>();
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            String head = exchange.readRequestHead();
            byte[] bytes = concat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII), NioFixtures.cursorFrame(0),
                    fixtures[0].wsFrames(1, events / 2), NioFixtures.frame(0x89, "hb".getBytes(US_ASCII)),
                    // a fragmented event with a ping in its middle
                    fragmented(fixtures[0].event(events / 2 + 1).jsonText()),
                    fixtures[0].wsFrames(events / 2 + 2, events));
            for (int at = 0; at < bytes.length; at += 53) {
                exchange.write(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 53)));
            }
            clientFrames.add(NioFixtures.readClientFrame(exchange));
            clientFrames.add(NioFixtures.readClientFrame(exchange));
            clientFrames.add(NioFixtures.readClientFrame(exchange));
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.WEBSOCKET, IDLE, NEVER)) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == events, "all events read");
            await(() -> clientFrames.size() == 2, "two pongs");
            assertArrayEquals(new byte[] {(byte) 0x8A, 'h', 'b'}, clientFrames.get(0), "a pong with the ping's bytes");
            assertArrayEquals(new byte[] {(byte) 0x8A, 'm', 'i', 'd'}, clientFrames.get(1));
            assertEquals(events, f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount());
            assertEquals(0, f.context.protocolErrors.sum(), () -> "protocol errors; last error " + f.context.lastError);
            String request = server.requestHeads.get(0);
            assertTrue(request.startsWith("GET /ws/t0 HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nUpgrade: websocket\r\n") && request.contains("\r\nSec-WebSocket-Version: 13\r\n"), request);

            s.stop();
            await(() -> server.connectionsEnded.get() == 1, "the server sees the close");
            assertArrayEquals(new byte[] {(byte) 0x88, 0x03, (byte) 0xE8, 'd', 'o', 'n', 'e'}, clientFrames.get(2),
                    "a close frame, 1000 done");
            await(() -> f.engine.bytesIn() == server.bytesWritten.get(), "bytes in = bytes the server wrote");
            assertEquals(server.bytesRead.get(), f.engine.bytesOut(), "bytes out = bytes the server read");
            assertEquals(0, f.context.disconnects.sum() + f.context.connectFailures.sum());
            assertEquals(List.of(), server.scriptFailures);
        }
    }

    @Test
    void anSseStreamTheServerEndsIsLostAndResumedFromTheLastEvent() throws Exception {
        AtomicLong connection = new AtomicLong();
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.readRequestHead();
            if (connection.incrementAndGet() == 1) {
                exchange.write(concat(SSE_HEAD.getBytes(US_ASCII), NioFixtures.ssePreamble(0), fixtures[0].sseChunks(1, 5, 2),
                        "0\r\n\r\n".getBytes(US_ASCII)));
                exchange.readToEnd();
            } else {
                exchange.write(concat(SSE_HEAD.getBytes(US_ASCII), NioFixtures.ssePreamble(5), fixtures[0].sseChunks(6, 10, 2)));
                exchange.readToEnd();
            }
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.SSE, IDLE, Duration.ofMillis(10))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == 10, "events of both connections read");
            assertTrue(server.requestHeads.get(1).contains("\r\nLast-Event-ID: 5\r\n"), server.requestHeads.get(1));
            assertEquals(1, f.context.disconnects.sum(), "the end of the stream is a lost connection");
            assertEquals(1, f.context.reconnects.sum());
            assertEquals(1, f.context.everLive.sum(), "one session, resumed");
            assertEquals(10, f.context.recorders.collectInterval().get(Metric.LATENCY).getTotalCount());
            assertEquals(2, f.engine.connectionsOpened());
            await(() -> f.engine.connectionsClosed() == 1, "the first connection is closed");
            s.stop();
        }
    }

    @Test
    void aWebSocketTheServerClosesIsLostAndResumedSinceTheLastEvent() throws Exception {
        AtomicLong connection = new AtomicLong();
        List<byte[]> closeReplies = new CopyOnWriteArrayList<>();
        NioFixtures[] fixtures = new NioFixtures[1];
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            String head = exchange.readRequestHead();
            if (connection.incrementAndGet() == 1) {
                exchange.write(concat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII), NioFixtures.cursorFrame(0),
                        fixtures[0].wsFrames(1, 5), NioFixtures.frame(0x88, new byte[] {0x03, (byte) 0xE9})));
                closeReplies.add(NioFixtures.readClientFrame(exchange));
                exchange.readToEnd();
            } else {
                exchange.write(concat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII), NioFixtures.cursorFrame(5),
                        fixtures[0].wsFrames(6, 10)));
                exchange.readToEnd();
            }
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.WEBSOCKET, IDLE, Duration.ofMillis(10))) {
            fixtures[0] = f;
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> s.integrity.resumeCursor() == 10, "events of both connections read");
            assertTrue(server.requestHeads.get(1).startsWith("GET /ws/t0?since=5 HTTP/1.1\r\n"), server.requestHeads.get(1));
            assertArrayEquals(new byte[] {(byte) 0x88, 0x03, (byte) 0xE9}, closeReplies.get(0), "the close is echoed");
            assertEquals(1, f.context.disconnects.sum());
            assertTrue(f.context.lastError.contains("closed by the server: 1001"), f.context.lastError);
            assertEquals(1, f.context.everLive.sum(), "one session, resumed");
            s.stop();
        }
    }

    @Test
    void aSilentConnectionTimesOut() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.readRequestHead();
            exchange.write(concat(SSE_HEAD.getBytes(US_ASCII), NioFixtures.ssePreamble(0)));
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.SSE, Duration.ofSeconds(1), NEVER)) {
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            await(() -> f.context.everLive.sum() == 1, "live");
            await(() -> f.context.disconnects.sum() == 1, "the idle timeout ends the connection");
            assertTrue(f.context.lastError.contains("idle timeout"), f.context.lastError);
            await(() -> server.connectionsEnded.get() == 1, "the server sees it closed");
        }
    }

    @Test
    void anSseAnswerThatIsNotAnEventStreamIsAProtocolError() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.readRequestHead();
            exchange.write("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nno topic.");
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.SSE, IDLE, NEVER)) {
            f.subscriber().start(System.nanoTime());
            await(() -> f.context.connectFailures.sum() == 1, "a failed subscription");
            assertEquals(1, f.context.protocolErrors.sum());
            assertTrue(f.context.lastError.contains("SSE answer 404 text/plain"), f.context.lastError);
        }
    }

    @Test
    void aRefusedUpgradeIsAFailedConnectAndABinaryFrameAProtocolError() throws Exception {
        AtomicLong connection = new AtomicLong();
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            String head = exchange.readRequestHead();
            if (connection.incrementAndGet() == 1) {
                exchange.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            } else {
                exchange.write(concat(NioFixtures.upgradeAnswer(exchange, head).getBytes(US_ASCII), NioFixtures.cursorFrame(0),
                        NioFixtures.frame(0x82, new byte[] {1, 2, 3})));
            }
            exchange.readToEnd();
        });
             NioFixtures f = new NioFixtures(server.port(), Transport.WEBSOCKET, IDLE, Duration.ofMillis(10))) {
            Subscriber s = f.subscriber();
            s.start(System.nanoTime());
            // counts go up before the error text is written: wait for the text too, or a busy machine reads
            // the first connection's refusal
            await(() -> f.context.disconnects.sum() == 1 && f.context.protocolErrors.sum() == 1
                    && String.valueOf(f.context.lastError).contains("binary frame"), "the second connection is lost on its binary frame");
            assertEquals(1, f.context.connectFailures.sum(), "the refused upgrade");
            assertEquals(1, f.context.protocolErrors.sum(), "the binary frame; a refused upgrade is not a protocol error");
            assertTrue(f.context.lastError.contains("binary frame"), f.context.lastError);
            f.context.stopping = true;
            s.stop();
        }
    }

    @Test
    void aRefusedConnectIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        try (NioFixtures f = new NioFixtures(port, Transport.SSE, IDLE, NEVER)) {
            f.subscriber().start(System.nanoTime());
            await(() -> f.context.connectFailures.sum() == 1 && f.context.lastError != null, "the connect fails");
            assertTrue(f.context.lastError.contains("Connection refused"), f.context.lastError);
            assertEquals(0, f.engine.connectionsOpened());
        }
    }

    /** A text message in three fragments, with a ping ("mid") between the first two. */
    private static byte[] fragmented(String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        int third = bytes.length / 3;
        return concat(NioFixtures.frame(0x01, Arrays.copyOfRange(bytes, 0, third)),
                NioFixtures.frame(0x89, "mid".getBytes(US_ASCII)),
                NioFixtures.frame(0x00, Arrays.copyOfRange(bytes, third, 2 * third)),
                NioFixtures.frame(0x80, Arrays.copyOfRange(bytes, 2 * third, bytes.length)));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
