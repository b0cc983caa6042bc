package dev.pushbench.client.nio;

import java.io.IOException;
import java.util.List;

/**
 * An HTTP/1.1 response body, framed as its head says (RFC 9112 §6.3): chunked transfer coding,
 * a {@code Content-Length}, or everything until the server closes. Hands the body's bytes on as
 * slices of the bytes fed in, without copying or allocating; any split of the input is fine (a chunk
 * size line, a CRLF, a trailer may end anywhere).
 *
 * <pre>
 *   HttpBodyDecoder body = new HttpBodyDecoder();
 *   body.start(head);                                          // once the head is complete
 *   int used = body.feed(bytes, offset, length, parser::feed);  // every read
 *   if (body.isDone()) ... the response ended (bytes after it are not the body's) ...
 * </pre>
 */
public final class HttpBodyDecoder {

    /** Receives the body's bytes: {@code bytes[offset, offset + length)}, valid only during the call. */
    @FunctionalInterface
    public interface Sink {
        void content(byte[] bytes, int offset, int length) throws IOException;
    }

    private static final int UNSET = 0;
    private static final int CHUNKED = 1;
    private static final int LENGTH = 2;
    private static final int UNTIL_CLOSE = 3;

    // chunked states
    private static final int SIZE_START = 0;
    private static final int SIZE = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER = 7;
    private static final int DONE = 8;

    /** More hex digits than this cannot be a chunk anyone sends (and would overflow a long). */
    private static final int MAX_SIZE_DIGITS = 15;

    private int framing = UNSET;
    private int state;
    /** Chunked: the chunk size being read, then the chunk's bytes still to come; length: the body's. */
    private long remaining;
    private int sizeDigits;
    /** Trailer: bytes of the current field line other than CR. */
    private int lineBytes;

    /** Frames the body as {@code head} says. */
    public void start(HttpResponseHead head) throws ProtocolViolationException {
        long simple = head.simpleContentLength();
        if (simple >= 0) {
            contentLength(simple); // a keep-alive connection's usual answer, read without Strings
            return;
        }
        List<String> codings = head.headers("Transfer-Encoding");
        if (!codings.isEmpty()) {
            String last = codings.get(codings.size() - 1);
            int comma = last.lastIndexOf(',');
            String coding = (comma < 0 ? last : last.substring(comma + 1)).trim();
            if (coding.equalsIgnoreCase("chunked")) {
                chunked();
            } else {
                untilClose(); // a response whose last coding is not chunked ends when the connection does
            }
            return;
        }
        List<String> lengths = head.headers("Content-Length");
        if (!lengths.isEmpty()) {
            long length = -1;
            for (String value : lengths) {
                for (String one : value.split(",")) {
                    long parsed = contentLength(one.trim());
                    if (length >= 0 && parsed != length) {
                        throw new ProtocolViolationException("conflicting Content-Length values: " + lengths);
                    }
                    length = parsed;
                }
            }
            contentLength(length);
            return;
        }
        untilClose();
    }

    public void chunked() {
        framing = CHUNKED;
        state = SIZE_START;
        remaining = 0;
        sizeDigits = 0;
    }

    public void contentLength(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("Content-Length must be 0 or more, got " + bytes);
        }
        framing = LENGTH;
        remaining = bytes;
        state = bytes == 0 ? DONE : DATA;
    }

    public void untilClose() {
        framing = UNTIL_CLOSE;
        state = DATA;
    }

    /** True when the body has ended (the last chunk and trailer, or all Content-Length bytes). */
    public boolean isDone() {
        return state == DONE;
    }

    /** True when only the end of the connection ends the body, so an EOF is its normal end. */
    public boolean endsAtClose() {
        return framing == UNTIL_CLOSE;
    }

    /**
     * Decodes {@code bytes[offset, offset + length)}.
     *
     * @return how many bytes belong to the body: all of them, unless it ended inside them
     */
    public int feed(byte[] bytes, int offset, int length, Sink sink) throws IOException {
        switch (framing) {
            case CHUNKED:
                return chunks(bytes, offset, offset + length, sink);
            case LENGTH: {
                if (state == DONE) {
                    return 0;
                }
                int n = (int) Math.min(length, remaining);
                remaining -= n;
                if (remaining == 0) {
                    state = DONE;
                }
                if (n > 0) {
                    sink.content(bytes, offset, n);
                }
                return n;
            }
            case UNTIL_CLOSE:
                if (length > 0) {
                    sink.content(bytes, offset, length);
                }
                return length;
            default:
                throw new IllegalStateException("start the body first: its framing is not known yet");
        }
    }

    private int chunks(byte[] bytes, int offset, int end, Sink sink) throws IOException {
        int at = offset;
        while (at < end) {
            if (state == DATA) {
                int n = (int) Math.min(end - at, remaining);
                remaining -= n;
                if (remaining == 0) {
                    state = DATA_CR;
                }
                sink.content(bytes, at, n);
                at += n;
                continue;
            }
            if (state == DONE) {
                return at - offset;
            }
            byte b = bytes[at++];
            switch (state) {
                case SIZE_START:
                case SIZE: {
                    int digit = hexValue(b);
                    if (digit >= 0) {
                        if (++sizeDigits > MAX_SIZE_DIGITS) {
                            throw new ProtocolViolationException("chunk size of more than " + MAX_SIZE_DIGITS + " hex digits");
                        }
                        remaining = remaining << 4 | digit;
                        state = SIZE;
                    } else if (state == SIZE && (b == ';' || b == ' ' || b == '\t')) {
                        state = EXTENSION;
                    } else if (state == SIZE && b == '\r') {
                        state = SIZE_LF;
                    } else if (state == SIZE && b == '\n') {
                        sizeLineDone();
                    } else {
                        throw new ProtocolViolationException("chunk size expected, got " + shown(b));
                    }
                    break;
                }
                case EXTENSION:
                    if (b == '\n') {
                        sizeLineDone();
                    }
                    break;
                case SIZE_LF:
                    if (b != '\n') {
                        throw new ProtocolViolationException("chunk size line not ended by CRLF, got CR then " + shown(b));
                    }
                    sizeLineDone();
                    break;
                case DATA_CR:
                    if (b == '\r') {
                        state = DATA_LF;
                    } else if (b == '\n') {
                        nextChunk();
                    } else {
                        throw new ProtocolViolationException("chunk data not followed by CRLF, got " + shown(b));
                    }
                    break;
                case DATA_LF:
                    if (b != '\n') {
                        throw new ProtocolViolationException("chunk data not followed by CRLF, got CR then " + shown(b));
                    }
                    nextChunk();
                    break;
                case TRAILER:
                    if (b == '\n') {
                        if (lineBytes == 0) {
                            state = DONE;
                        }
                        lineBytes = 0;
                    } else if (b != '\r') {
                        lineBytes++;
                    }
                    break;
                default:
                    throw new IllegalStateException("chunk decoder in state " + state);
            }
        }
        return at - offset;
    }

    private void sizeLineDone() {
        if (remaining == 0) {
            state = TRAILER; // the last chunk: a trailer section, then an empty line
            lineBytes = 0;
        } else {
            state = DATA;
        }
    }

    private void nextChunk() {
        state = SIZE_START;
        remaining = 0;
        sizeDigits = 0;
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static long contentLength(String value) throws ProtocolViolationException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolViolationException("Content-Length must be a decimal number, got '" + value + "'");
        }
        return Long.parseLong(value);
    }

    private static String shown(byte b) {
        return b >= 0x21 && b < 0x7F ? "'" + (char) b + "'" : String.format("0x%02X", b & 0xFF);
    }
}
