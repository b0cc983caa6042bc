package dev.pushbench.client.nio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The server-to-client half of RFC 6455 framing, incremental and allocation-free once warm: frame
 * headers with 7-, 16- and 64-bit lengths, text messages whole or fragmented into continuation
 * frames (with control frames allowed between the fragments), ping, pong and close. Bytes may be
 * split anywhere.
 *
 * <pre>
 *   WebSocketFrameParser frames = new WebSocketFrameParser(listener, 32 * 1024 * 1024);
 *   frames.feed(bytes, offset, length);   // every read after the 101 head; listener calls happen inside
 * </pre>
 *
 * <p>A text message that arrives whole in one {@code feed} is handed on as a slice of the input,
 * uncopied; one split across reads or fragmented is gathered into a per-connection buffer that
 * starts at 256 bytes and doubles as needed (never shrinks). A whole message, and a close frame's
 * reason, must be UTF-8 (RFC 6455 §8.1; RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), checked once the message is complete, as the Jetty client does when it makes a String.
 *
 * <p>Protocol violations ({@link ProtocolViolationException}): a masked frame (servers must not mask),
 * reserved bits (no extension is negotiated), a binary frame (the pushbench protocol has none), an
 * unknown opcode, a fragmented or over-long control frame, a continuation without a message or a
 * new message inside one, a 64-bit length with its top bit set, a close payload of one byte, a
 * message or close reason that is not UTF-8, and a message longer than the limit. After a close frame the parser ignores whatever follows.
 */
public final class WebSocketFrameParser {

    /** What the frames say; calls happen inside {@link #feed}, byte ranges are valid only during the call. */
    public interface Listener {
        /** A whole text message. */
        void onText(byte[] bytes, int offset, int length) throws IOException;

        /** A ping: answer with a pong carrying the same bytes. */
        void onPing(byte[] bytes, int offset, int length) throws IOException;

        /** A pong (unsolicited ones are allowed). */
        default void onPong(byte[] bytes, int offset, int length) throws IOException {
        }

        /** A close frame: {@code statusCode} is {@link #NO_STATUS} when it carried none. */
        void onClose(int statusCode, String reason) throws IOException;
    }

    /** The status code a close frame without a payload stands for (RFC 6455 §7.1.5). */
    public static final int NO_STATUS = 1005;

    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;

    private static final int FIRST_BYTE = 0;
    private static final int SECOND_BYTE = 1;
    private static final int EXTENDED_LENGTH = 2;
    private static final int PAYLOAD = 3;
    private static final int CLOSED = 4;

    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int FIRST_MESSAGE_BUFFER = 256;
    private static final byte[] EMPTY = new byte[0];

    private final Listener listener;
    private final int maxMessageBytes;

    private int state = FIRST_BYTE;
    private boolean fin;
    private int opcode;
    private int lengthBytesLeft;
    private long payloadLeft;
    /** A fragmented text message has started and its final fragment has not arrived. */
    private boolean inMessage;

    private byte[] message;
    private int messageLength;
    private byte[] control;
    private int controlLength;

    /** @param maxMessageBytes the longest text message accepted, fragments summed */
    public WebSocketFrameParser(Listener listener, int maxMessageBytes) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /** True once a close frame was read. */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /** Parses {@code bytes[offset, offset + length)}; any split is fine. */
    public void feed(byte[] bytes, int offset, int length) throws IOException {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            switch (state) {
                case FIRST_BYTE:
                    firstByte(bytes[at++] & 0xFF);
                    break;
                case SECOND_BYTE:
                    secondByte(bytes[at++] & 0xFF);
                    break;
                case EXTENDED_LENGTH:
                    payloadLeft = payloadLeft << 8 | (bytes[at++] & 0xFF);
                    if (--lengthBytesLeft == 0) {
                        if (payloadLeft < 0) {
                            throw new ProtocolViolationException("a 64-bit frame length with its most significant bit set");
                        }
                        startPayload();
                    }
                    break;
                case PAYLOAD:
                    at = payload(bytes, at, end);
                    break;
                case CLOSED:
                    return;
                default:
                    throw new IllegalStateException("frame parser in state " + state);
            }
        }
    }

    private void firstByte(int b) throws ProtocolViolationException {
        fin = (b & 0x80) != 0;
        if ((b & 0x70) != 0) {
            throw new ProtocolViolationException("a frame with reserved bits set (0x" + Integer.toHexString(b)
                    + ") but no extension negotiated");
        }
        opcode = b & 0x0F;
        switch (opcode) {
            case OP_CONTINUATION:
                if (!inMessage) {
                    throw new ProtocolViolationException("a continuation frame without a message to continue");
                }
                break;
            case OP_TEXT:
                if (inMessage) {
                    throw new ProtocolViolationException("a new text frame inside a fragmented message");
                }
                inMessage = !fin;
                break;
            case OP_BINARY:
                throw new ProtocolViolationException("a binary frame: the pushbench protocol sends text frames only");
            case OP_CLOSE:
            case OP_PING:
            case OP_PONG:
                if (!fin) {
                    throw new ProtocolViolationException("a fragmented control frame (opcode " + opcode + ")");
                }
                break;
            default:
                throw new ProtocolViolationException("a frame with the unknown opcode " + opcode);
        }
        state = SECOND_BYTE;
    }

    private void secondByte(int b) throws IOException {
        if ((b & 0x80) != 0) {
            throw new ProtocolViolationException("a masked frame from the server (RFC 6455 §5.1: servers must not mask)");
        }
        int length7 = b & 0x7F;
        if (isControl() && length7 > MAX_CONTROL_PAYLOAD) {
            throw new ProtocolViolationException("a control frame (opcode " + opcode + ") longer than 125 bytes");
        }
        payloadLeft = 0;
        if (length7 == 126) {
            lengthBytesLeft = 2;
            state = EXTENDED_LENGTH;
        } else if (length7 == 127) {
            lengthBytesLeft = 8;
            state = EXTENDED_LENGTH;
        } else {
            payloadLeft = length7;
            startPayload();
        }
    }

    private void startPayload() throws IOException {
        if (!isControl() && payloadLeft > maxMessageBytes - (long) messageLength) {
            throw new ProtocolViolationException("a text message of more than " + maxMessageBytes + " bytes");
        }
        state = PAYLOAD;
        if (payloadLeft == 0) {
            frameDone(null, 0, 0);
        }
    }

    private int payload(byte[] bytes, int at, int end) throws IOException {
        int available = end - at;
        if (isControl()) {
            if (controlLength == 0 && available >= payloadLeft) {
                int n = (int) payloadLeft;
                payloadLeft = 0;
                frameDone(bytes, at, n);
                return at + n;
            }
            if (control == null) {
                control = new byte[MAX_CONTROL_PAYLOAD];
            }
            int n = (int) Math.min(available, payloadLeft);
            System.arraycopy(bytes, at, control, controlLength, n);
            controlLength += n;
            payloadLeft -= n;
            if (payloadLeft == 0) {
                int length = controlLength;
                controlLength = 0;
                frameDone(control, 0, length);
            }
            return at + n;
        }
        if (fin && opcode == OP_TEXT && messageLength == 0 && available >= payloadLeft) {
            // the common case: a whole unfragmented message in this read, handed on uncopied
            int n = (int) payloadLeft;
            payloadLeft = 0;
            frameDone(bytes, at, n);
            return at + n;
        }
        int n = (int) Math.min(available, payloadLeft);
        ensureMessage(messageLength + n);
        System.arraycopy(bytes, at, message, messageLength, n);
        messageLength += n;
        payloadLeft -= n;
        if (payloadLeft == 0) {
            frameDone(null, 0, 0);
        }
        return at + n;
    }

    /** The frame's payload is complete: {@code bytes} holds it for control frames and uncopied messages, null otherwise. */
    private void frameDone(byte[] bytes, int offset, int length) throws IOException {
        state = FIRST_BYTE;
        byte[] controlBytes = bytes != null ? bytes : control != null ? control : EMPTY;
        switch (opcode) {
            case OP_PING:
                listener.onPing(controlBytes, offset, length);
                break;
            case OP_PONG:
                listener.onPong(controlBytes, offset, length);
                break;
            case OP_CLOSE:
                state = CLOSED;
                closeFrame(controlBytes, offset, length);
                break;
            default:
                if (!fin) {
                    return; // more fragments to come
                }
                inMessage = false;
                if (bytes != null) {
                    requireUtf8(bytes, offset, length, "a text message");
                    listener.onText(bytes, offset, length);
                } else {
                    int n = messageLength;
                    messageLength = 0;
                    byte[] whole = message == null ? EMPTY : message;
                    requireUtf8(whole, 0, n, "a text message");
                    listener.onText(whole, 0, n);
                }
        }
    }

    private void closeFrame(byte[] bytes, int offset, int length) throws IOException {
        if (length == 1) {
            throw new ProtocolViolationException("a close frame with a one-byte payload (a status code has two)");
        }
        if (length == 0) {
            listener.onClose(NO_STATUS, "");
            return;
        }
        int code = (bytes[offset] & 0xFF) << 8 | (bytes[offset + 1] & 0xFF);
        requireUtf8(bytes, offset + 2, length - 2, "a close reason");
        listener.onClose(code, new String(bytes, offset + 2, length - 2, StandardCharsets.UTF_8));
    }

    private static void requireUtf8(byte[] bytes, int offset, int length, String what) throws ProtocolViolationException {
        int bad = invalidUtf8At(bytes, offset, length);
        if (bad >= 0) {
            throw new ProtocolViolationException(what + " that is not UTF-8 (byte " + (bad - offset) + " of " + length
                    + ": 0x" + Integer.toHexString(bytes[bad] & 0xFF) + ")");
        }
    }

    /**
     * Where {@code bytes[offset, offset + length)} stops being UTF-8 as RFC 3629 defines it: the
     * index of the first byte of the first bad or cut-off sequence, or -1 when all of it is. The
     * second byte's range rules out overlong forms (E0, F0), surrogates (ED) and code points above
     * U+10FFFF (F4); C0, C1 and F5-FF never start a sequence.
     */
    static int invalidUtf8At(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int more;
            int low = 0x80;
            int high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                more = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                more = 2;
                low = b == 0xE0 ? 0xA0 : 0x80;
                high = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                more = 3;
                low = b == 0xF0 ? 0x90 : 0x80;
                high = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i;
            }
            if (end - i <= more) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k <= more; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += more + 1;
        }
        return -1;
    }

    private boolean isControl() {
        return opcode >= OP_CLOSE;
    }

    private void ensureMessage(int required) {
        if (message == null) {
            message = new byte[Math.max(FIRST_MESSAGE_BUFFER, required)];
        } else if (message.length < required) {
            message = java.util.Arrays.copyOf(message, (int) Math.min(maxMessageBytes, Math.max(required, 2L * message.length)));
        }
    }
}
