package dev.pushbench.client.nio;

import dev.pushbench.client.StreamEnd;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An RFC 6455 WebSocket client connection on a {@link NioEngine}: the opening through the
 * connection's {@link HttpCodec} (HTTP/1.1: the upgrade with a fresh {@code Sec-WebSocket-Key}, the
 * {@code 101} and its {@code Sec-WebSocket-Accept} checked; HTTP/2: RFC 8441's extended CONNECT,
 * answered 200 without an accept key; no extension or subprotocol offered), then the server's
 * frames, out of the codec's tunnel, through a {@link WebSocketFrameParser}.
 * Pings are answered with a pong carrying the same bytes; a close frame is answered with one and
 * ends the connection; client frames are masked with a random key. The subclass implements
 * {@link #onText} (reading {@link #receivedNanos()} for the receive time) and {@link #onEnd}.
 *
 * <pre>
 *   final class Socket extends WebSocketStream {
 *       Socket() { super(engine, "/ws/t0?since=41"); }
 *       public void onText(byte[] bytes, int offset, int length) { ... }
 *       protected void onEnd(StreamEnd end, Throwable cause) { ... }
 *   }
 *   new Socket().open();
 * </pre>
 *
 * <p>Ends: a close frame is the protocol's end ({@link StreamEnd#CLEAN_END}), with a cause when its
 * status is not 1000; a refused upgrade, or the connection closing without a close frame is a failure. A
 * {@link #close()} asked by the client sends a close frame (1000) before it lets the socket go.
 *
 * <p>Upstream: {@link #sendText} sends a text message from any thread; over HTTP/2,
 * {@link #sendAlongside} sends another request (a POST) beside the tunnel on the same connection.
 */
public abstract class WebSocketStream extends NioConnection implements WebSocketFrameParser.Listener {
    /** The longest text message accepted, as the Jetty engine's limit. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int NORMAL_CLOSURE = 1000;

    private final String target;
    private final boolean http2;
    private final WebSocketFrameParser frames = new WebSocketFrameParser(this, MAX_MESSAGE_BYTES);
    private final Exchange exchange = new Exchange();
    private HttpCodec codec;
    private String expectedAccept;
    /** Set on the selector thread when the opening was accepted; read by {@link #sendText} from any thread. */
    private volatile boolean upgraded;

    /** @param target the request target, e.g. {@code /ws/t0} or {@code /ws/t0?since=41} */
    protected WebSocketStream(NioEngine engine, String target) {
        super(engine);
        this.target = target;
        this.http2 = engine.config().protocol().isHttp2();
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with (RFC 6455 §4.2.2). */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** A masked client frame (FIN set) carrying {@code payload[offset, offset + length)}, at most 125 bytes. */
    static byte[] maskedFrame(int opcode, byte[] payload, int offset, int length, int mask) {
        if (length > 125) {
            throw new IllegalArgumentException("control frame payload must be at most 125 bytes, got " + length);
        }
        byte[] frame = new byte[6 + length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | length);
        frame[2] = (byte) (mask >>> 24);
        frame[3] = (byte) (mask >>> 16);
        frame[4] = (byte) (mask >>> 8);
        frame[5] = (byte) mask;
        for (int i = 0; i < length; i++) {
            frame[6 + i] = (byte) (payload[offset + i] ^ frame[2 + (i & 3)]);
        }
        return frame;
    }

    /**
     * A masked client data frame (FIN set) of any length carrying {@code payload[offset, offset + length)}
     * (RFC 6455 §5.2: 7-bit, 16-bit or 64-bit length).
     */
    static byte[] maskedMessage(int opcode, byte[] payload, int offset, int length, int mask) {
        int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        int head = 2 + lengthBytes;
        byte[] frame = new byte[head + 4 + length];
        frame[0] = (byte) (0x80 | opcode);
        if (lengthBytes == 0) {
            frame[1] = (byte) (0x80 | length);
        } else if (lengthBytes == 2) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        frame[head] = (byte) (mask >>> 24);
        frame[head + 1] = (byte) (mask >>> 16);
        frame[head + 2] = (byte) (mask >>> 8);
        frame[head + 3] = (byte) mask;
        int at = head + 4;
        for (int i = 0; i < length; i++) {
            frame[at + i] = (byte) (payload[offset + i] ^ frame[head + (i & 3)]);
        }
        return frame;
    }

    /**
     * Sends {@code bytes[offset, offset + length)} (UTF-8 text, not checked) as one masked text frame
     * through the tunnel, over HTTP/1.1 or HTTP/2, from any thread: the frame is made (bytes copied and
     * masked) in the caller's thread, then written by the selector thread, in the order of the calls
     * (from one thread; calls from the selector thread itself are written at once). False when it could
     * not be queued: the WebSocket is not open yet (no answer to its opening) or has ended or was
     * closed. A frame queued just as the connection ends is dropped with it.
     */
    public final boolean sendText(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (!upgraded || isClosed()) {
            return false;
        }
        byte[] frame = maskedMessage(WebSocketFrameParser.OP_TEXT, bytes, offset, length, ThreadLocalRandom.current().nextInt());
        execute(() -> {
            if (isClosed() || frames.isClosed()) {
                return;
            }
            try {
                writeFrame(frame);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        });
        return true;
    }

    @Override
    protected final void onConnected() throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        expectedAccept = http2 ? null : acceptFor(key);
        codec = newCodec();
        codec.start();
        codec.send(HttpRequest.webSocket(target, key), exchange);
    }

    /** HTTP/1.1 (RFC 6455 §4.1): 101 with the upgrade fields and the accept key; HTTP/2 (RFC 8441): 200. */
    private void checkUpgrade(ResponseHead h) throws IOException {
        int expected = http2 ? 200 : 101;
        if (h.status() != expected) {
            // as the Jetty engine's upgrade failure: a failed connect, not a broken frame
            throw new IOException("WebSocket upgrade of " + target + " answered " + h.status() + ", expected " + expected);
        }
        if (!http2) {
            HttpResponseHead h1 = (HttpResponseHead) h;
            if (!"websocket".equalsIgnoreCase(h1.header("Upgrade"))) {
                throw new ProtocolViolationException("101 without Upgrade: websocket, got " + h1.header("Upgrade"));
            }
            if (!h1.headerHasToken("Connection", "upgrade")) {
                throw new ProtocolViolationException("101 without Connection: upgrade, got " + h1.headers("Connection"));
            }
            if (!expectedAccept.equals(h1.header("Sec-WebSocket-Accept"))) {
                throw new ProtocolViolationException("Sec-WebSocket-Accept " + h1.header("Sec-WebSocket-Accept")
                        + " does not answer the key (expected " + expectedAccept + ")");
            }
        }
        // over HTTP/2 a Sec-WebSocket-Accept is not used (RFC 8441 §5) and ignored, as browsers do: HAProxy, turning the
        // server's HTTP/1.1 101 into an HTTP/2 200, passes it on
        String extensions = h.header("Sec-WebSocket-Extensions");
        if (extensions != null && !extensions.isEmpty()) {
            throw new ProtocolViolationException("the server chose extensions that were not offered: " + extensions);
        }
        if (h.header("Sec-WebSocket-Protocol") != null) {
            throw new ProtocolViolationException("the server chose a subprotocol that was not offered: "
                    + h.header("Sec-WebSocket-Protocol"));
        }
    }

    /** The upgrade's answer, then the tunnel's bytes into the frame parser. */
    private final class Exchange implements HttpCodec.Exchange {
        @Override
        public void onHead(ResponseHead head) throws IOException {
            checkUpgrade(head);
            expectedAccept = null;
            upgraded = true;
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) throws IOException {
            frames.feed(bytes, offset, length);
        }

        @Override
        public void onComplete() throws IOException {
            // HTTP/2: the server ended its stream without a close frame
            throw new EOFException("the server ended the WebSocket stream without a close frame");
        }
    }

    @Override
    public final void onPing(byte[] bytes, int offset, int length) throws IOException {
        writeFrame(maskedFrame(WebSocketFrameParser.OP_PONG, bytes, offset, length, ThreadLocalRandom.current().nextInt()));
    }

    @Override
    public final void onClose(int statusCode, String reason) throws IOException {
        byte[] echo = statusCode == WebSocketFrameParser.NO_STATUS
                ? new byte[0]
                : new byte[] {(byte) (statusCode >>> 8), (byte) statusCode};
        writeFrame(maskedFrame(WebSocketFrameParser.OP_CLOSE, echo, 0, echo.length, ThreadLocalRandom.current().nextInt()));
        // a close frame is the protocol's end whatever its status; a status other than 1000 is still worth saying
        end(StreamEnd.CLEAN_END, statusCode == NORMAL_CLOSURE ? null : new IOException("closed by the server: " + statusCode + " " + reason));
    }

    @Override
    protected final void onClosing() throws IOException {
        if (upgraded && !frames.isClosed()) {
            byte[] done = {(byte) (NORMAL_CLOSURE >>> 8), (byte) NORMAL_CLOSURE, 'd', 'o', 'n', 'e'};
            writeFrame(maskedFrame(WebSocketFrameParser.OP_CLOSE, done, 0, done.length, ThreadLocalRandom.current().nextInt()));
        }
        super.onClosing();
    }

    private void writeFrame(byte[] frame) throws IOException {
        codec.writeTunnel(frame, 0, frame.length);
    }
}
