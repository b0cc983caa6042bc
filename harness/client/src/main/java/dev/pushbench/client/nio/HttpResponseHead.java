package dev.pushbench.client.nio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 response's status line and header fields (RFC 9112), read incrementally from bytes
 * that may be split anywhere. Once per connection, so it may allocate: the head is collected, then
 * parsed into strings once its empty line has arrived, and the collected bytes are let go.
 *
 * <pre>
 *   HttpResponseHead head = new HttpResponseHead();
 *   int used = head.feed(bytes, offset, length);    // -1: the head goes on in the next read
 *   if (used &gt;= 0) {
 *       int status = head.status();
 *       String type = head.header("Content-Type");
 *       body.start(head);                          // bytes[offset + used ..] are the body's
 *   }
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
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

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
        for (int i = 0; i < length; i++) {
            byte b = bytes[offset + i];
            append(b);
            if (b == '\n') {
                if (lineBytes == 0) {
                    complete = true;
                    parse();
                    collected = null;
                    return i + 1;
                }
                lineBytes = 0;
            } else if (b != '\r') {
                lineBytes++;
            }
        }
        return -1;
    }

    public boolean isComplete() {
        return complete;
    }

    /** The status code. */
    public int status() {
        requireComplete();
        return status;
    }

    /** The first value of the field {@code name} (case-insensitive), trimmed, or null. */
    public String header(String name) {
        requireComplete();
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(lower)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of the field {@code name}, in order. */
    public List<String> headers(String name) {
        requireComplete();
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(lower)) {
                all.add(values.get(i));
            }
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

    private void requireComplete() {
        if (!complete) {
            throw new IllegalStateException("the response head is not complete yet");
        }
    }

    private void append(byte b) throws ProtocolViolationException {
        if (length == collected.length) {
            if (length == MAX_HEAD_BYTES) {
                throw new ProtocolViolationException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            collected = java.util.Arrays.copyOf(collected, Math.min(MAX_HEAD_BYTES, 2 * length));
        }
        collected[length++] = b;
    }

    private void parse() throws ProtocolViolationException {
        // ISO-8859-1 maps each byte to one char: positions stay byte positions, and no byte is refused
        String text = new String(collected, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        String statusLine = stripCr(lines[0]);
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || !isDigit(statusLine.charAt(7))
                || statusLine.charAt(8) != ' ' || !isDigit(statusLine.charAt(9)) || !isDigit(statusLine.charAt(10))
                || !isDigit(statusLine.charAt(11)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new ProtocolViolationException("not an HTTP/1.x status line: '" + shorten(statusLine) + "'");
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        // the last two entries are the empty line and what follows its LF (nothing)
        for (int i = 1; i < lines.length - 2; i++) {
            String line = stripCr(lines[i]);
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw new ProtocolViolationException("obsolete line folding in the response head: '" + shorten(line) + "'");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolViolationException("a header field without a name and colon: '" + shorten(line) + "'");
            }
            String name = line.substring(0, colon);
            if (name.endsWith(" ") || name.endsWith("\t")) {
                throw new ProtocolViolationException("whitespace between a field name and its colon: '" + shorten(line) + "'");
            }
            names.add(name.toLowerCase(Locale.ROOT));
            values.add(trimOws(line.substring(colon + 1)));
        }
    }

    /** Without the optional whitespace (spaces and tabs) around a field value. */
    private static String trimOws(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
