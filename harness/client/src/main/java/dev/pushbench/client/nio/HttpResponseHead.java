package dev.pushbench.client.nio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An HTTP/1.1 response's status line and header fields (RFC 9112), read incrementally from bytes
 * that may be split anywhere. The head's bytes are collected and, once its empty line has arrived,
 * checked and indexed in place: a field's value becomes a String only when asked for, so a
 * keep-alive connection that {@link #reset}s one head per response allocates nothing per response
 * for the lookups the engine makes ({@link #headerStartsWith}, the body's framing).
 *
 * <pre>
 *   HttpResponseHead head = new HttpResponseHead();
 *   int used = head.feed(bytes, offset, length);    // -1: the head goes on in the next read
 *   if (used &gt;= 0) {
 *       int status = head.status();
 *       String type = head.header("Content-Type");
 *       body.start(head);                          // bytes[offset + used ..] are the body's
 *   }
 *   head.reset();                                  // the next response on the connection
 * </pre>
 *
 * <p>Lines may end in CRLF or a bare LF (RFC 9112 §2.2). Obsolete line folding, a field without a
 * colon, whitespace before the colon, a status line that is not {@code HTTP/1.x NNN}, and a head
 * longer than {@value #MAX_HEAD_BYTES} bytes are protocol violations.
 */
public final class HttpResponseHead implements ResponseHead {
    /** Longer heads are refused: the pushbench server's are a few hundred bytes. */
    public static final int MAX_HEAD_BYTES = 64 * 1024;

    private byte[] collected = new byte[256];
    private int length;
    /** Bytes of the current line other than CR: 0 at a line end means the empty line. */
    private int lineBytes;
    private boolean complete;
    private int status;
    /** Per field: name start, name end, value start, value end (trimmed), as offsets into {@code collected}. */
    private int[] fields = new int[4 * 8];
    private int fieldCount;
    /** Where each line of the head ends: the index of its LF in {@code collected}. */
    private int[] lineEnds = new int[16];
    private int lineEndCount;

    /**
     * Takes bytes of the head.
     *
     * @return how many of these bytes the head used, once it is complete (the rest belongs to the
     *         body); -1 if all were used and the head is not complete yet
     * @throws ProtocolViolationException when the head breaks the rules
     */
    public int feed(byte[] bytes, int offset, int length) throws ProtocolViolationException {
        if (complete) {
            throw new IllegalStateException("the head is complete; its bytes are all read");
        }
        int start = this.length;
        int take = Math.min(length, MAX_HEAD_BYTES - start);
        int end = offset + take;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lineEndCount == lineEnds.length) {
                    lineEnds = Arrays.copyOf(lineEnds, 2 * lineEnds.length);
                }
                lineEnds[lineEndCount++] = start + i - offset;
                if (lineBytes == 0) {
                    int used = i + 1 - offset;
                    collect(bytes, offset, used);
                    complete = true;
                    parse();
                    return used;
                }
                lineBytes = 0;
            } else if (b != '\r') {
                lineBytes++;
            }
        }
        collect(bytes, offset, take);
        if (take < length) {
            throw new ProtocolViolationException("response head longer than " + MAX_HEAD_BYTES + " bytes");
        }
        return -1;
    }

    /** Keeps the head's bytes (only the head's: a reused head stays the size of the heads it reads). */
    private void collect(byte[] bytes, int offset, int n) {
        if (length + n > collected.length) {
            collected = Arrays.copyOf(collected, Math.min(MAX_HEAD_BYTES, Math.max(length + n, 2 * collected.length)));
        }
        System.arraycopy(bytes, offset, collected, length, n);
        length += n;
    }

    /** Forgets this head, keeping its buffers, to read the next response of the connection. */
    public void reset() {
        length = 0;
        lineBytes = 0;
        complete = false;
        status = 0;
        fieldCount = 0;
        lineEndCount = 0;
    }

    public boolean isComplete() {
        return complete;
    }

    /** The status code. */
    @Override
    public int status() {
        requireComplete();
        return status;
    }

    /** The first value of the field {@code name} (case-insensitive), trimmed, or null. */
    @Override
    public String header(String name) {
        int i = find(name, 0);
        return i < 0 ? null : value(i);
    }

    /** Whether the first value of field {@code name} starts with {@code prefix} (case-insensitive), without a String. */
    @Override
    public boolean headerStartsWith(String name, String prefix) {
        int i = find(name, 0);
        if (i < 0) {
            return false;
        }
        int start = fields[4 * i + 2];
        if (fields[4 * i + 3] - start < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (lower(collected[start + k]) != lower((byte) prefix.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Every value of the field {@code name}, in order. */
    public List<String> headers(String name) {
        int i = find(name, 0);
        if (i < 0) {
            return List.of();
        }
        List<String> all = new ArrayList<>(2);
        for (; i >= 0; i = find(name, i + 1)) {
            all.add(value(i));
        }
        return all;
    }

    /** Whether a comma-separated field {@code name} lists {@code token} (case-insensitive), e.g. Connection: upgrade. */
    public boolean headerHasToken(String name, String token) {
        for (String value : headers(name)) {
            for (String t : value.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The body's length when the head frames it by one plain {@code Content-Length} field and no
     * {@code Transfer-Encoding}: the common case, read without Strings. -1 for any other framing
     * (the caller then reads the fields themselves).
     */
    long simpleContentLength() {
        if (find("Transfer-Encoding", 0) >= 0) {
            return -1;
        }
        int i = find("Content-Length", 0);
        if (i < 0 || find("Content-Length", i + 1) >= 0) {
            return -1;
        }
        int start = fields[4 * i + 2];
        int end = fields[4 * i + 3];
        if (end == start || end - start > 18) {
            return -1;
        }
        long v = 0;
        for (int k = start; k < end; k++) {
            int digit = collected[k] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            v = v * 10 + digit;
        }
        return v;
    }

    /** The index of the first field named {@code name} (case-insensitive) at or after {@code from}, or -1. */
    private int find(String name, int from) {
        requireComplete();
        int n = name.length();
        outer:
        for (int i = from; i < fieldCount; i++) {
            int start = fields[4 * i];
            if (fields[4 * i + 1] - start != n) {
                continue;
            }
            for (int k = 0; k < n; k++) {
                if (lower(collected[start + k]) != lower((byte) name.charAt(k))) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String value(int i) {
        int start = fields[4 * i + 2];
        return new String(collected, start, fields[4 * i + 3] - start, StandardCharsets.ISO_8859_1);
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private void requireComplete() {
        if (!complete) {
            throw new IllegalStateException("the response head is not complete yet");
        }
    }

    /** Checks the status line and indexes the fields; Strings only for the messages of a broken head. */
    private void parse() throws ProtocolViolationException {
        int lineEnd = lineEnds[0];
        int statusEnd = stripCr(0, lineEnd);
        int n = statusEnd;
        byte[] c = collected;
        if (n < 12 || c[0] != 'H' || c[1] != 'T' || c[2] != 'T' || c[3] != 'P' || c[4] != '/' || c[5] != '1' || c[6] != '.'
                || !isDigit(c[7]) || c[8] != ' ' || !isDigit(c[9]) || !isDigit(c[10]) || !isDigit(c[11])
                || (n > 12 && c[12] != ' ')) {
            throw new ProtocolViolationException("not an HTTP/1.x status line: '" + text(0, statusEnd) + "'");
        }
        status = (c[9] - '0') * 100 + (c[10] - '0') * 10 + (c[11] - '0');
        fieldCount = 0;
        int at = lineEnd + 1;
        for (int line = 1; ; line++) {
            int end = lineEnds[line];
            int stripped = stripCr(at, end);
            if (stripped == at) {
                return; // the empty line
            }
            if (c[at] == ' ' || c[at] == '\t') {
                throw new ProtocolViolationException("obsolete line folding in the response head: '" + text(at, stripped) + "'");
            }
            int colon = at;
            while (colon < stripped && c[colon] != ':') {
                colon++;
            }
            if (colon == stripped || colon == at) {
                throw new ProtocolViolationException("a header field without a name and colon: '" + text(at, stripped) + "'");
            }
            if (c[colon - 1] == ' ' || c[colon - 1] == '\t') {
                throw new ProtocolViolationException("whitespace between a field name and its colon: '" + text(at, stripped) + "'");
            }
            int valueStart = colon + 1;
            int valueEnd = stripped;
            while (valueStart < valueEnd && (c[valueStart] == ' ' || c[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (c[valueEnd - 1] == ' ' || c[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            if (4 * fieldCount + 4 > fields.length) {
                fields = Arrays.copyOf(fields, 2 * fields.length);
            }
            int f = 4 * fieldCount++;
            fields[f] = at;
            fields[f + 1] = colon;
            fields[f + 2] = valueStart;
            fields[f + 3] = valueEnd;
            at = end + 1;
        }
    }

    /** The end of the line {@code [from, lf)} without its CR. */
    private int stripCr(int from, int lf) {
        return lf > from && collected[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private String text(int from, int to) {
        // ISO-8859-1 maps each byte to one char: no byte is refused
        String s = new String(collected, from, to - from, StandardCharsets.ISO_8859_1);
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
