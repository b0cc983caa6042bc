package dev.pushbench.micro;

/**
 * A minimal RFC 6455 text-frame encoder and header decoder, for the micro-benchmarks only: the bytes
 * a server writes for one event (an unmasked, final text frame: the server never masks, RFC 6455
 * §5.1) and the header a client reads before the payload. No fragmentation, no extensions
 * (pushbench never negotiates compression), no control frames.
 *
 * <pre>
 *   byte[] frame = WebSocketFrames.text(json, offset, length);
 *   WebSocketFrames.Header h = new WebSocketFrames.Header();
 *   if (h.decode(frame, 0, frame.length)) use(frame, h.payloadOffset(), h.payloadLength());
 * </pre>
 */
public final class WebSocketFrames {
    private static final int FIN_TEXT = 0x81;
    private static final int MASK_BIT = 0x80;

    private WebSocketFrames() {
    }

    /** A final, unmasked text frame holding {@code payload[offset, offset+length)}. */
    public static byte[] text(byte[] payload, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, payload.length);
        int headerBytes = headerBytes(length);
        byte[] frame = new byte[headerBytes + length];
        frame[0] = (byte) FIN_TEXT;
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            long n = length;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, offset, frame, headerBytes, length);
        return frame;
    }

    /** 2, 4 or 10: the header of a server frame with this payload length (RFC 6455 §5.2). */
    public static int headerBytes(int payloadLength) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payloadLength must be at least 0, got " + payloadLength);
        }
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** The decoded header of one frame; reusable, one per reading thread. */
    public static final class Header {
        private int payloadOffset;
        private int payloadLength;

        /**
         * Reads the header at {@code bytes[offset]}.
         *
         * @return false unless it is a final, unmasked text frame whose payload lies wholly within
         *         {@code length} bytes
         */
        public boolean decode(byte[] bytes, int offset, int length) {
            if (length < 2 || (bytes[offset] & 0xFF) != FIN_TEXT || (bytes[offset + 1] & MASK_BIT) != 0) {
                return false;
            }
            int code = bytes[offset + 1] & 0x7F;
            long n;
            int header;
            if (code < 126) {
                n = code;
                header = 2;
            } else if (code == 126) {
                if (length < 4) {
                    return false;
                }
                n = ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
                header = 4;
            } else {
                if (length < 10) {
                    return false;
                }
                n = 0;
                for (int i = 0; i < 8; i++) {
                    n = (n << 8) | (bytes[offset + 2 + i] & 0xFF);
                }
                header = 10;
            }
            if (n < 0 || n > length - header) {
                return false;
            }
            payloadOffset = offset + header;
            payloadLength = (int) n;
            return true;
        }

        public int payloadOffset() {
            return payloadOffset;
        }

        public int payloadLength() {
            return payloadLength;
        }
    }
}
