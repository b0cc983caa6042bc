package dev.pushbench.core;

/**
 * Reads {@code seq}, {@code intended} and {@code sent} out of an event's JSON bytes without
 * allocating: the receive path of the load generator calls it once per delivered event. A message a
 * client published also has {@code from} and {@code n} right after {@code sent} ({@link #from()} and
 * {@link #n()}, -1 for a feed event); they are looked for there only, so a feed event's parse costs
 * one comparison more.
 *
 * <pre>
 *   EventFields f = new EventFields();           // one per thread or per connection
 *   if (f.parse(bytes, offset, length)) record(f.seq(), f.intendedNanos(), f.sentNanos());
 * </pre>
 */
public final class EventFields {
    private static final byte[] SEQ = "\"seq\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] INTENDED = "\"intended\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SENT = "\"sent\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FROM = ",\"from\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] N = ",\"n\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private long seq;
    private long intendedNanos;
    private long sentNanos;
    private int from;
    private long n;
    private int end;
    private long value;

    /** @return false when the bytes are not an event of the pushbench format */
    public boolean parse(byte[] bytes, int offset, int length) {
        int limit = offset + length;
        int at = find(bytes, offset, limit, SEQ);
        if (at < 0 || !number(bytes, at, limit) || value < 0) {
            return false;
        }
        seq = value;
        at = find(bytes, end, limit, INTENDED);
        if (at < 0 || !number(bytes, at, limit)) {
            return false;
        }
        intendedNanos = value;
        at = find(bytes, end, limit, SENT);
        if (at < 0 || !number(bytes, at, limit)) {
            return false;
        }
        sentNanos = value;
        from = -1;
        n = -1;
        if (startsWith(bytes, end, limit, FROM)) {
            if (!number(bytes, end + FROM.length, limit) || value < 0 || value > Integer.MAX_VALUE) {
                return false;
            }
            from = (int) value;
            if (!startsWith(bytes, end, limit, N) || !number(bytes, end + N.length, limit) || value < 0) {
                return false;
            }
            n = value;
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, int at, int limit, byte[] key) {
        if (limit - at < key.length) {
            return false;
        }
        for (int j = 0; j < key.length; j++) {
            if (bytes[at + j] != key[j]) {
                return false;
            }
        }
        return true;
    }

    /** As {@link #parse(byte[], int, int)} for text (WebSocket frames decoded by the client library). */
    public boolean parse(CharSequence text) {
        int n = text.length();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            // a cast alone would fold non-ASCII chars onto ASCII ones ('\u0131' onto '1')
            scratch[i] = c < 0x80 ? (byte) c : (byte) '?';
        }
        return parse(scratch, 0, n);
    }

    private byte[] scratch = new byte[256];

    public long seq() {
        return seq;
    }

    public long intendedNanos() {
        return intendedNanos;
    }

    public long sentNanos() {
        return sentNanos;
    }

    /** The publisher's id of a message a client published; -1 for a feed event. */
    public int from() {
        return from;
    }

    /** The publisher's message number of a message a client published; -1 for a feed event. */
    public long n() {
        return n;
    }

    /** The index just after the last number read; poll batches are scanned event after event with it. */
    public int end() {
        return end;
    }

    /** The index just after {@code key} at or after {@code from}, or -1. */
    static int find(byte[] bytes, int from, int limit, byte[] key) {
        outer:
        for (int i = from; i <= limit - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (bytes[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    /**
     * Reads an optionally signed integer at {@code at} into {@link #value}, and sets {@link #end}.
     * False unless there are digits, they fit a long, and a JSON separator follows (so that a
     * number cut short by the end of the bytes is not taken for a smaller one).
     */
    private boolean number(byte[] bytes, int at, int limit) {
        boolean negative = at < limit && bytes[at] == '-';
        if (negative) {
            at++;
        }
        long magnitude = 0;
        int start = at;
        while (at < limit && bytes[at] >= '0' && bytes[at] <= '9') {
            int digit = bytes[at] - '0';
            if (magnitude > (Long.MAX_VALUE - digit) / 10) {
                return false;
            }
            magnitude = magnitude * 10 + digit;
            at++;
        }
        end = at;
        if (at == start || at == limit || (bytes[at] != ',' && bytes[at] != '}')) {
            return false;
        }
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
