package dev.pushbench.core;

import java.nio.charset.StandardCharsets;

/**
 * A client's publish, read from the body of {@code POST /publish/{topic}} or a WebSocket text frame:
 * exactly {@code {"from":17,"n":5,"sent":123456789,"data":"…"}}, those four fields in that order and no
 * others, whitespace allowed between tokens. {@code from} is an int >= 0, {@code n} a long >= 0,
 * {@code sent} any long, {@code data} a JSON string whose text (escapes as written) is kept by reference
 * into the parsed bytes, not copied, so that the published event carries it verbatim.
 *
 * <pre>
 *   PublishBody body = new PublishBody();
 *   String reason = body.parse(bytes, 0, bytes.length);   // null when well formed
 *   if (reason != null) answer(400, reason);
 *   else feed.publishFromClient(topic, body);             // before the bytes are reused
 * </pre>
 *
 * <p>Not thread-safe; one per request, or one per connection reused for each message.
 */
public final class PublishBody {
    private static final byte[] FROM = bytes("\"from\"");
    private static final byte[] N = bytes("\"n\"");
    private static final byte[] SENT = bytes("\"sent\"");
    private static final byte[] DATA = bytes("\"data\"");

    private byte[] bytes;
    private int at;
    private int limit;
    private int origin;
    private int from;
    private long n = -1;
    private boolean valid;
    private long sentNanos;
    private int dataOffset;
    private int dataLength;
    private long number;

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a publish body.
     *
     * @return null when the bytes are a well-formed body (then the accessors describe it), else the reason: which
     *         field, what was wrong, and at which byte
     */
    public String parse(byte[] source, int offset, int length) {
        bytes = source;
        at = offset;
        limit = offset + length;
        n = -1;
        valid = false;
        int start = offset;
        origin = offset;
        skipSpace();
        if (!take('{')) {
            return expected("'{' opening the publish body", start);
        }
        String reason = key(FROM, "from", true);
        if (reason != null) {
            return reason;
        }
        int fromAt = at;
        if (!integer() || number < 0 || number > Integer.MAX_VALUE) {
            return field("from", "an integer between 0 and 2147483647", fromAt, start);
        }
        from = (int) number;
        if ((reason = key(N, "n", false)) != null) {
            return reason;
        }
        int nAt = at;
        if (!integer() || number < 0) {
            return field("n", "an integer of 0 or more", nAt, start);
        }
        n = number;
        if ((reason = key(SENT, "sent", false)) != null) {
            return reason;
        }
        int sentAt = at;
        if (!integer()) {
            return field("sent", "an integer (the client's System.nanoTime())", sentAt, start);
        }
        sentNanos = number;
        if ((reason = key(DATA, "data", false)) != null) {
            return reason;
        }
        int dataAt = at;
        if ((reason = string(start)) != null) {
            return "field 'data' " + reason;
        }
        if (dataAt == at) {
            return field("data", "a JSON string", dataAt, start);
        }
        skipSpace();
        if (!take('}')) {
            return at < limit && bytes[at] == ','
                    ? "unexpected field after 'data' at byte " + (at - start) + ": the body has exactly from, n, sent and data"
                    : expected("'}' closing the publish body", start);
        }
        skipSpace();
        if (at != limit) {
            return "unexpected bytes after the publish body at byte " + (at - start);
        }
        valid = true;
        return null;
    }

    /** As {@link #parse(byte[], int, int)} for a WebSocket text frame, encoded to UTF-8 first. */
    public String parse(CharSequence text) {
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        return parse(utf8, 0, utf8.length);
    }

    /** The publisher's id. */
    public int from() {
        return from;
    }

    /** True when the last {@link #parse} found a well-formed body. */
    public boolean isValid() {
        return valid;
    }

    /**
     * The publisher's message number: also read from a malformed body whose fault lies after it (so that a nack can
     * name the message), -1 when the body had none.
     */
    public long n() {
        return n;
    }

    /** The client's send time ({@code System.nanoTime()} of the client process). */
    public long sentNanos() {
        return sentNanos;
    }

    /** The bytes last parsed; {@code data}'s text lies in them at {@link #dataOffset()}. */
    public byte[] source() {
        return bytes;
    }

    /** Where {@code data}'s text (between its quotes, escapes as written) starts in {@link #source()}. */
    public int dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }

    private String key(byte[] key, String name, boolean first) {
        skipSpace();
        if (!first) {
            if (at < limit && bytes[at] == '}') {
                return "missing field '" + name + "' at byte " + (at - origin) + ": the body has from, n, sent and data, in that order";
            }
            if (!take(',')) {
                return expected("',' before field '" + name + "'", origin);
            }
            skipSpace();
        }
        if (!matches(key)) {
            return "missing field '" + name + "' at byte " + (at - origin) + ": the body has from, n, sent and data, in that order";
        }
        at += key.length;
        skipSpace();
        if (!take(':')) {
            return expected("':' after field '" + name + "'", origin);
        }
        skipSpace();
        return null;
    }

    private String field(String name, String what, int valueAt, int start) {
        int end = valueAt;
        while (end < limit && end - valueAt < 24 && bytes[end] != ',' && bytes[end] != '}') {
            end++;
        }
        String got = end == valueAt ? "nothing" : "'" + new String(bytes, valueAt, end - valueAt, StandardCharsets.UTF_8) + "'";
        return "field '" + name + "' must be " + what + ", got " + got + " at byte " + (valueAt - start);
    }

    private String expected(String what, int start) {
        return "expected " + what + " at byte " + (at - start)
                + (at < limit ? ", got '" + (char) (bytes[at] & 0xff) + "'" : ", got the end of the body");
    }

    private boolean matches(byte[] key) {
        if (limit - at < key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (bytes[at + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean take(char c) {
        if (at < limit && bytes[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (at < limit) {
            byte b = bytes[at];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            at++;
        }
    }

    /**
     * A JSON integer (optional minus, no leading zero, no fraction or exponent) that fits a long, into
     * {@link #number}; false otherwise, or when anything but whitespace, ',' or '}' follows it.
     */
    private boolean integer() {
        boolean negative = take('-');
        int digitsAt = at;
        long magnitude = 0;
        while (at < limit && bytes[at] >= '0' && bytes[at] <= '9') {
            int digit = bytes[at] - '0';
            // accumulate negatively so that Long.MIN_VALUE fits
            if (magnitude < (Long.MIN_VALUE + digit) / 10) {
                return false;
            }
            magnitude = magnitude * 10 - digit;
            at++;
        }
        int digits = at - digitsAt;
        if (digits == 0 || (digits > 1 && bytes[digitsAt] == '0')) {
            return false;
        }
        if (at < limit) {
            byte b = bytes[at];
            if (b != ',' && b != '}' && b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        if (!negative && magnitude == Long.MIN_VALUE) {
            return false;
        }
        number = negative ? magnitude : -magnitude;
        return true;
    }

    /** A JSON string at {@link #at}: sets {@link #dataOffset} and {@link #dataLength}; the reason when malformed. */
    private String string(int start) {
        if (!take('"')) {
            return null;
        }
        int textAt = at;
        while (at < limit) {
            int b = bytes[at] & 0xff;
            if (b == '"') {
                dataOffset = textAt;
                dataLength = at - textAt;
                at++;
                return null;
            }
            if (b < 0x20) {
                return "has an unescaped control character (0x" + Integer.toHexString(b) + ") at byte " + (at - start);
            }
            if (b == '\\') {
                if (at + 1 >= limit) {
                    break;
                }
                byte e = bytes[at + 1];
                if (e == 'u') {
                    if (at + 6 > limit || !hex(at + 2) || !hex(at + 3) || !hex(at + 4) || !hex(at + 5)) {
                        return "has a bad \\u escape at byte " + (at - start) + ": four hex digits follow \\u";
                    }
                    at += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    at += 2;
                } else {
                    return "has a bad escape '\\" + (char) (e & 0xff) + "' at byte " + (at - start);
                }
            } else if (b >= 0x80) {
                int length = utf8SequenceLength(at);
                if (length < 0) {
                    return "is not valid UTF-8 at byte " + (at - start);
                }
                at += length;
            } else {
                at++;
            }
        }
        return "is not closed: the body ends inside the string";
    }

    private boolean hex(int i) {
        byte b = bytes[i];
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629: no overlong forms, no surrogates), or -1. */
    private int utf8SequenceLength(int i) {
        int b = bytes[i] & 0xff;
        int length;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            min = 0x10000;
        } else {
            return -1;
        }
        if (i + length > limit) {
            return -1;
        }
        int code = b & (0xff >> (length + 1));
        for (int k = 1; k < length; k++) {
            int c = bytes[i + k] & 0xff;
            if ((c & 0xc0) != 0x80) {
                return -1;
            }
            code = (code << 6) | (c & 0x3f);
        }
        if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            return -1;
        }
        return length;
    }
}
