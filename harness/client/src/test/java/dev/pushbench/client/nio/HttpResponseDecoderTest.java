package dev.pushbench.client.nio;

import static dev.pushbench.client.nio.Splits.cat;
import static dev.pushbench.client.nio.Splits.letters;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP/1.1 response head and body framing of the nio engine ({@link HttpResponseHead},
 * {@link HttpBodyDecoder}) as a table of responses and what must be read from each, fed whole, at an
 * offset, split in two at every byte position, and one byte at a time, exactly as {@link SseStream}
 * feeds them: the head first, the rest of the same read to the body.
 */
class HttpResponseDecoderTest {

    /** What a response made the decoders report. */
    sealed interface Read permits Response, Failure {}

    /** @param done  whether the body ended; @param after bytes fed after its end */
    record Response(int status, String contentType, String body, boolean done, int after) implements Read {}

    record Failure(String message) implements Read {}

    record Case(String name, byte[] stream, Read expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    static Stream<Case> cases() {
        String big = letters(70_000);
        return Stream.of(
                // chunked
                c("chunked, ended, bytes after it", SSE_HEAD + "5\r\nhello\r\n1a\r\n" + letters(26) + "\r\nA\r\n0123456789\r\n0\r\n\r\njunk",
                        ok(200, "text/event-stream", "hello" + letters(26) + "0123456789", true, 4)),
                c("chunked, still streaming", SSE_HEAD + "5\r\nhello\r\n3\r\nabc\r\n4\r\nde",
                        ok(200, "text/event-stream", "helloabcde", false, 0)),
                c("chunk extensions are skipped", SSE_HEAD + "5;name=value;q=\"a;b\"\r\nhello\r\n3 ;x\r\nabc\r\n0;last\r\n\r\n",
                        ok(200, "text/event-stream", "helloabc", true, 0)),
                c("upper- and lower-case hex, leading zeros", SSE_HEAD + "00a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n",
                        ok(200, "text/event-stream", "0123456789abcdefghijk", true, 0)),
                c("trailer fields after the last chunk", SSE_HEAD + "2\r\nok\r\n0\r\nX-Trailer: 1\r\nY: two\r\n\r\nz",
                        ok(200, "text/event-stream", "ok", true, 1)),
                c("bare LF line ends", "HTTP/1.1 200 OK\nContent-Type: text/event-stream\nTransfer-Encoding: chunked\n\n"
                        + "3\nabc\n2\nde\n0\n\n", ok(200, "text/event-stream", "abcde", true, 0)),
                c("a chunk of 70,000 bytes", SSE_HEAD + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n",
                        ok(200, "text/event-stream", big, true, 0)),
                c("the pushbench SSE stream", cat(SSE_HEAD, chunk("retry: 1000\nid: 41\n\n"), chunk(Event.encode(0, 42, 1, 2, 64).sseFrame()),
                        chunk(":\n\n")), ok(200, "text/event-stream", "retry: 1000\nid: 41\n\n"
                        + new String(Event.encode(0, 42, 1, 2, 64).sseFrame(), UTF_8) + ":\n\n", false, 0)),
                c("chunked is the last of several codings", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n"
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", ok(200, null, "abc", true, 0)),
                // other framing
                c("Content-Length, bytes after it", "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
                        + "hello worldxyz", ok(404, "text/plain", "hello world", true, 3)),
                c("Content-Length 0", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", ok(204, null, "", true, 0)),
                c("repeated equal Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nokno",
                        ok(200, null, "ok", true, 2)),
                c("no framing: until the connection closes", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: a\n\n",
                        ok(200, "text/event-stream", "data: a\n\n", false, 0)),
                c("last coding not chunked: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc",
                        ok(200, null, "3\r\nabc", false, 0)),
                // the head
                c("field names case-insensitive, values trimmed", "HTTP/1.1 200 OK\r\ncontent-TYPE: \t text/event-stream;charset=utf-8 \t\r\n"
                        + "content-length:1\r\n\r\nx", ok(200, "text/event-stream;charset=utf-8", "x", true, 0)),
                c("reason phrase may be empty or absent", "HTTP/1.0 200\r\nContent-Length: 1\r\n\r\nx", ok(200, null, "x", true, 0)),
                c("no fields at all", "HTTP/1.1 200 \r\n\r\nabc", ok(200, null, "abc", false, 0)),
                // broken heads
                c("HTTP/2 status line", "HTTP/2 200\r\n\r\n", fail("not an HTTP/1.x status line: 'HTTP/2 200'")),
                c("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", fail("not an HTTP/1.x status line: 'HTTP/1.1 20 OK'")),
                c("status line without a space after the code", "HTTP/1.1 200OK\r\n\r\n", fail("not an HTTP/1.x status line: 'HTTP/1.1 200OK'")),
                c("an empty head", "\r\n", fail("not an HTTP/1.x status line: ''")),
                c("obsolete line folding", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", fail("obsolete line folding in the response head: ' b'")),
                c("a field without a colon", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", fail("a header field without a name and colon: 'no colon'")),
                c("whitespace before the colon", "HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\n\r\n",
                        fail("whitespace between a field name and its colon: 'Content-Type : text/plain'")),
                c("a head longer than 64 KiB", "HTTP/1.1 200 OK\r\nX: " + letters(HttpResponseHead.MAX_HEAD_BYTES) + "\r\n\r\n",
                        fail("response head longer than 65536 bytes")),
                c("conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
                        fail("conflicting Content-Length values: [2, 3]")),
                c("Content-Length not a number", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        fail("Content-Length must be a decimal number, got '-1'")),
                // broken chunks
                c("chunk size not hex", SSE_HEAD + "zz\r\n", fail("chunk size expected, got 'z'")),
                c("empty chunk size", SSE_HEAD + "\r\n", fail("chunk size expected, got 0x0D")),
                c("CR without LF after the size", SSE_HEAD + "3\rabc", fail("chunk size line not ended by CRLF, got CR then 'a'")),
                c("chunk longer than its size", SSE_HEAD + "3\r\nabcd\r\n", fail("chunk data not followed by CRLF, got 'd'")),
                c("CR then junk after the data", SSE_HEAD + "3\r\nabc\rX", fail("chunk data not followed by CRLF, got CR then 'X'")),
                c("chunk size of 16 hex digits", SSE_HEAD + "1000000000000000\r\n", fail("chunk size of more than 15 hex digits")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whole(Case c) {
        Reader reader = new Reader();
        reader.feed(c.stream(), 0, c.stream().length);
        assertEquals(c.expected(), reader.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void atAnOffsetInsideALargerArray(Case c) {
        byte[] framed = cat("\r\n0", c.stream(), "\r\n0");
        Reader reader = new Reader();
        reader.feed(framed, 3, c.stream().length);
        assertEquals(c.expected(), reader.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitInTwoAtEveryBytePosition(Case c) {
        byte[] stream = c.stream();
        for (int split : Splits.positions(stream.length)) {
            Reader reader = new Reader();
            reader.feed(stream, 0, split);
            reader.feed(stream, split, stream.length - split);
            assertEquals(c.expected(), reader.finish(), () -> "split at byte " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneByteAtATime(Case c) {
        Reader reader = new Reader();
        for (int i = 0; i < c.stream().length; i++) {
            reader.feed(c.stream(), i, 1);
        }
        assertEquals(c.expected(), reader.finish());
    }

    @Test
    void fieldsAreLookedUpWithoutCaseAndListedInOrder() throws IOException {
        HttpResponseHead head = new HttpResponseHead();
        byte[] bytes = cat("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
                + "X-A: 1\r\nx-a: 2\r\n\r\n", new byte[] {(byte) 0x81});
        assertEquals(bytes.length - 1, head.feed(bytes, 0, bytes.length), "the byte after the head is not the head's");
        assertEquals(101, head.status());
        assertEquals("WebSocket", head.header("upgrade"));
        assertTrue(head.headerHasToken("Connection", "upgrade"));
        assertFalse(head.headerHasToken("Connection", "close"));
        assertEquals(List.of("1", "2"), head.headers("X-A"));
        assertNull(head.header("Sec-WebSocket-Accept"));
    }

    @Test
    void askingBeforeTheHeadIsCompleteIsABug() throws IOException {
        HttpResponseHead head = new HttpResponseHead();
        byte[] bytes = cat("HTTP/1.1 200 OK\r\n");
        assertEquals(-1, head.feed(bytes, 0, bytes.length));
        assertThrows(IllegalStateException.class, head::status);
        assertThrows(IllegalArgumentException.class, () -> new HttpBodyDecoder().contentLength(-1));
        assertThrows(IllegalStateException.class, () -> new HttpBodyDecoder().feed(bytes, 0, 1, (b, o, l) -> { }));
    }

    /** Head, then body, as SseStream drives them; a violation ends the reading. */
    private static final class Reader {
        private final HttpResponseHead head = new HttpResponseHead();
        private final HttpBodyDecoder body = new HttpBodyDecoder();
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private boolean headDone;
        private int after;
        private String failure;

        void feed(byte[] bytes, int offset, int length) {
            if (failure != null) {
                return;
            }
            try {
                int at = offset;
                int end = offset + length;
                if (!headDone) {
                    int used = head.feed(bytes, offset, length);
                    if (used < 0) {
                        return;
                    }
                    headDone = true;
                    at += used;
                    body.start(head);
                }
                int used = body.isDone() ? 0 : body.feed(bytes, at, end - at, content::write);
                after += end - at - used;
            } catch (ProtocolViolationException e) {
                failure = e.getMessage();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Read finish() {
            if (failure != null) {
                return new Failure(failure);
            }
            assertTrue(headDone, "the head is complete");
            return new Response(head.status(), head.header("Content-Type"), content.toString(UTF_8), body.isDone(), after);
        }
    }

    private static byte[] chunk(Object data) {
        byte[] bytes = cat(data);
        return cat(Integer.toHexString(bytes.length) + "\r\n", bytes, "\r\n");
    }

    private static Case c(String name, Object stream, Read expected) {
        return new Case(name, cat(stream), expected);
    }

    private static Response ok(int status, String contentType, String body, boolean done, int after) {
        return new Response(status, contentType, body, done, after);
    }

    private static Failure fail(String message) {
        return new Failure(message);
    }
}
