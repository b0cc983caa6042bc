package dev.pushbench.loadgen;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.pushbench.core.Event;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.Transport;
import dev.pushbench.client.nio.NioEngine;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the nio engine's socket-level tests share: one subscriber's context, and the server's bytes. */
final class NioFixtures implements AutoCloseable {
    static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    /** Events are due 1 ms apart from now on, inside the window: every one is counted and recorded. */
    final Schedule schedule = new Schedule(System.nanoTime(), 1, 1000);
    final NioEngine engine;
    final LoadContext context;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nio-test-timer");
        t.setDaemon(true);
        return t;
    });

    NioFixtures(int port, Transport transport, Duration idleTimeout, Duration reconnectDelay) throws Exception {
        this(port, transport, idleTimeout, reconnectDelay, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** With the short-polling interval and the long-polling hold (which sizes the poll timeouts). */
    NioFixtures(int port, Transport transport, Duration idleTimeout, Duration reconnectDelay, Duration shortPollInterval,
                Duration longPollHold) throws Exception {
        this(port, transport, idleTimeout, reconnectDelay, shortPollInterval, longPollHold, Duration.ZERO, false);
    }

    /**
     * With what stands on the path: its idle timeout (zero: none known) and whether a proxy does. The
     * subscriber's whole life counts as "after the ramp" here: its ends are classified from the start.
     * Every transport waits {@code reconnectDelay} before a reconnect (no backoff, no jitter: exact times).
     */
    NioFixtures(int port, Transport transport, Duration idleTimeout, Duration reconnectDelay, Duration shortPollInterval,
                Duration longPollHold, Duration pathIdleTimeout, boolean proxied) throws Exception {
        this(port, transport, idleTimeout, reconnectDelay, shortPollInterval, longPollHold, pathIdleTimeout, proxied,
                ReconnectPolicy.fixed(reconnectDelay), null);
    }

    /** With the backoff and the dead-connection timer (null: twice the 15 s heartbeat). */
    NioFixtures(int port, Transport transport, Duration idleTimeout, Duration reconnectDelay, Duration shortPollInterval,
                Duration longPollHold, Duration pathIdleTimeout, boolean proxied, ReconnectPolicy reconnect,
                Duration deadAfter) throws Exception {
        engine = new NioEngine(dev.pushbench.client.nio.NioEngineConfig.http1(new InetSocketAddress("127.0.0.1", port), idleTimeout, 1));
        LoadSpec spec = new LoadSpec("127.0.0.1", port, Protocol.HTTP_1_1, transport, 1, 1, 0, schedule,
                Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, shortPollInterval, longPollHold,
                Duration.ofSeconds(15), reconnectDelay, Path.of("unused.hlog"), null, ClientEngineKind.NIO, java.util.List.of(),
                pathIdleTimeout, proxied, reconnect, deadAfter);
        Window window = new Window();
        window.set(schedule.t0Nanos() - TimeUnit.SECONDS.toNanos(1), schedule.t0Nanos() + TimeUnit.HOURS.toNanos(1));
        context = new LoadContext("nio-test-", spec, engine, new Recorders(), window, timer);
        context.reconnectLedger.counting = true;
    }

    Subscriber subscriber() {
        switch (context.spec.transport()) {
            case SSE:
                return new NioSseSubscriber(context, 0);
            case WEBSOCKET:
                return new NioWebSocketSubscriber(context, 0);
            default:
                return new NioPollingSubscriber(context, 0);
        }
    }

    /** A poll answer with events {@code first..last} (none if {@code last < first}) and the cursor after them. */
    byte[] pollAnswer(long cursor, long first, long last) {
        StringBuilder json = new StringBuilder("{\"topic\":\"t0\",\"cursor\":").append(cursor).append(",\"lost\":0,\"events\":[");
        for (long seq = first; seq <= last; seq++) {
            json.append(seq == first ? "" : ",").append(event(seq).jsonText());
        }
        return json.append("]}").toString().getBytes(US_ASCII);
    }

    /** The whole HTTP answer: 200, application/json, Content-Length. */
    static byte[] jsonResponse(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    Event event(long seq) {
        return Event.encode(0, seq, schedule.intendedNanos(0, seq), schedule.intendedNanos(0, seq), 64);
    }

    /** SSE: events {@code first..last} as the server writes them, {@code perChunk} frames to a chunk. */
    byte[] sseChunks(long first, long last, int perChunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        for (long seq = first; seq <= last; seq++) {
            chunk.writeBytes(event(seq).sseFrame());
            if ((seq - first + 1) % perChunk == 0 || seq == last) {
                out.writeBytes(chunk(chunk.toByteArray()));
                chunk.reset();
            }
        }
        return out.toByteArray();
    }

    /** WebSocket: events {@code first..last}, one text frame each. */
    byte[] wsFrames(long first, long last) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long seq = first; seq <= last; seq++) {
            out.writeBytes(textFrame(event(seq).jsonText()));
        }
        return out.toByteArray();
    }

    static byte[] chunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(US_ASCII));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(US_ASCII));
        return out.toByteArray();
    }

    static byte[] ssePreamble(long cursor) {
        return chunk(("retry: 1000\nid: " + cursor + "\n\n").getBytes(US_ASCII));
    }

    static byte[] textFrame(String text) {
        return frame(0x81, text.getBytes(US_ASCII));
    }

    /** An unmasked server frame. */
    static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (payload.length <= 125) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The 101 answer to a request head, computed here independently of the engine. */
    static String upgradeAnswer(ScriptedServer.Exchange exchange, String requestHead) throws Exception {
        String key = exchange.header(requestHead, "Sec-WebSocket-Key");
        byte[] digest = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(US_ASCII));
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n";
    }

    static byte[] cursorFrame(long cursor) {
        return textFrame(PushContext.webSocketPreamble(cursor));
    }

    /** Reads one masked client frame with a payload of at most 125 bytes: {opcode, unmasked payload...}. */
    static byte[] readClientFrame(ScriptedServer.Exchange exchange) throws Exception {
        byte[] header = exchange.readFully(2);
        if ((header[1] & 0x80) == 0) {
            throw new AssertionError("a client frame must be masked");
        }
        int length = header[1] & 0x7F;
        byte[] mask = exchange.readFully(4);
        byte[] payload = exchange.readFully(length);
        byte[] frame = new byte[1 + length];
        frame[0] = (byte) (header[0] & 0xFF);
        for (int i = 0; i < length; i++) {
            frame[1 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not the case after 15 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    @Override
    public void close() {
        context.stopping = true;
        engine.close();
        timer.shutdownNow();
    }
}
