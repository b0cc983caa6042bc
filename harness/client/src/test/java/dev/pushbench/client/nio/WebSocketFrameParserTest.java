package dev.pushbench.client.nio;

import static dev.pushbench.client.nio.Splits.cat;
import static dev.pushbench.client.nio.Splits.letters;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pushbench.core.Event;
import dev.pushbench.core.PushContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 server frames as the nio engine's {@link WebSocketFrameParser} must read them: a table of
 * frame streams and what each must report, fed whole, at an offset, split in two at every byte
 * position and one byte at a time. A protocol violation ends the transcript with its message.
 */
class WebSocketFrameParserTest {

    /** What the parser reported, in order. */
    sealed interface Seen permits Text, Ping, Pong, Close, Violation {}

    record Text(String text) implements Seen {}

    record Ping(String payload) implements Seen {}

    record Pong(String payload) implements Seen {}

    record Close(int statusCode, String reason) implements Seen {}

    record Violation(String message) implements Seen {}

    record Case(String name, byte[] stream, List<Seen> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final int FIN = 0x80;
    /** Small enough that a few fragments exceed it. */
    private static final int MAX_MESSAGE = 100_000;

    static Stream<Case> cases() {
        String kib = letters(1024);
        String big = letters(70_000);
        String json = Event.encode(0, 42, 1_000, 1_500, 64).jsonText();
        return Stream.of(
                // whole messages
                c("one text frame", frame(FIN | 1, "hello"), text("hello")),
                c("an empty text frame", frame(FIN | 1, ""), text("")),
                c("texts back to back", cat(frame(FIN | 1, "a"), frame(FIN | 1, "bc"), frame(FIN | 1, "def")),
                        text("a"), text("bc"), text("def")),
                c("125 bytes: the longest 7-bit length", frame(FIN | 1, letters(125)), text(letters(125))),
                c("126 bytes: a 16-bit length", frame(FIN | 1, letters(126)), text(letters(126))),
                c("65535 bytes: the longest 16-bit length", frame(FIN | 1, letters(65_535)), text(letters(65_535))),
                c("70,000 bytes: a 64-bit length", frame(FIN | 1, big), text(big)),
                c("a 16-bit length for 5 bytes", frameWithLength(FIN | 1, "hello", 126), text("hello")),
                c("a 64-bit length for 5 bytes", frameWithLength(FIN | 1, "hello", 127), text("hello")),
                c("the pushbench stream", cat(frame(FIN | 1, PushContext.webSocketPreamble(41)), frame(FIN | 1, json),
                        frame(FIN | 9, ""), frame(FIN | 1, json)),
                        text("{\"cursor\":41}"), text(json), ping(""), text(json)),
                // fragmented messages
                c("three fragments", cat(frame(1, "ab"), frame(0, "cd"), frame(FIN, "ef")), text("abcdef")),
                c("empty fragments", cat(frame(1, ""), frame(0, "x"), frame(0, ""), frame(FIN, "")), text("x")),
                c("a ping between fragments", cat(frame(1, "ab"), frame(FIN | 9, "p"), frame(0, "cd"), frame(FIN | 10, "q"),
                        frame(FIN, "ef")), ping("p"), pong("q"), text("abcdef")),
                c("fragments of 1 KiB and a 16-bit length", cat(frame(1, kib), frame(0, kib), frame(FIN, letters(300))),
                        text(kib + kib + letters(300))),
                c("a fragmented message then a whole one", cat(frame(1, "a"), frame(FIN, "b"), frame(FIN | 1, "c")),
                        text("ab"), text("c")),
                // UTF-8 (RFC 3629), checked on whole messages
                c("two-, three- and four-byte UTF-8", frame(FIN | 1, "\u00e9\u20ac\ud83d\ude00"), text("\u00e9\u20ac\ud83d\ude00")),
                c("a character split across fragments", cat(frame(1, new byte[] {'a', (byte) 0xE2, (byte) 0x82}),
                        frame(FIN, new byte[] {(byte) 0xAC})), text("a\u20ac")),
                c("U+10FFFF, the highest code point", frame(FIN | 1, new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}),
                        text("\udbff\udfff")),
                // control frames
                c("ping and pong payloads", cat(frame(FIN | 9, "heart"), frame(FIN | 10, "beat")), ping("heart"), pong("beat")),
                c("a 125-byte ping", frame(FIN | 9, letters(125)), ping(letters(125))),
                c("close with status and reason, then nothing more",
                        cat(frame(FIN | 8, cat(new byte[] {0x03, (byte) 0xE8}, "bye")), frame(FIN | 1, "after")), close(1000, "bye")),
                c("close without payload", frame(FIN | 8, ""), close(WebSocketFrameParser.NO_STATUS, "")),
                c("close going away, UTF-8 reason", frame(FIN | 8, cat(new byte[] {0x03, (byte) 0xE9}, "\u00e9t\u00e9")),
                        close(1001, "\u00e9t\u00e9")),
                // violations
                c("a masked frame", cat(new byte[] {(byte) (FIN | 1), (byte) 0x85, 1, 2, 3, 4}, "hello"),
                        violation("a masked frame from the server (RFC 6455 §5.1: servers must not mask)")),
                c("RSV1 set", frame(FIN | 0x40 | 1, "x"), violation("a frame with reserved bits set (0xc1) but no extension negotiated")),
                c("a binary frame", cat(frame(FIN | 1, "ok"), frame(FIN | 2, "x")),
                        text("ok"), violation("a binary frame: the pushbench protocol sends text frames only")),
                c("an unknown opcode", frame(FIN | 3, "x"), violation("a frame with the unknown opcode 3")),
                c("a continuation without a message", frame(FIN, "x"), violation("a continuation frame without a message to continue")),
                c("a text frame inside a fragmented message", cat(frame(1, "a"), frame(FIN | 1, "b")),
                        violation("a new text frame inside a fragmented message")),
                c("a fragmented ping", frame(9, "x"), violation("a fragmented control frame (opcode 9)")),
                c("a 126-byte ping", frameWithLength(FIN | 9, letters(126), 126), violation("a control frame (opcode 9) longer than 125 bytes")),
                c("a 64-bit length with its top bit set", cat(new byte[] {(byte) (FIN | 1), 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 5}, "hello"),
                        violation("a 64-bit frame length with its most significant bit set")),
                c("a close frame with one byte", frame(FIN | 8, new byte[] {3}),
                        violation("a close frame with a one-byte payload (a status code has two)")),
                c("an overlong '/'", frame(FIN | 1, new byte[] {'o', 'k', (byte) 0xC0, (byte) 0xAF}),
                        violation("a text message that is not UTF-8 (byte 2 of 4: 0xc0)")),
                c("an overlong three-byte form", frame(FIN | 1, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}),
                        violation("a text message that is not UTF-8 (byte 0 of 3: 0xe0)")),
                c("a surrogate", frame(FIN | 1, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                        violation("a text message that is not UTF-8 (byte 0 of 3: 0xed)")),
                c("above U+10FFFF", frame(FIN | 1, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                        violation("a text message that is not UTF-8 (byte 0 of 4: 0xf4)")),
                c("a lone continuation byte", frame(FIN | 1, new byte[] {'a', (byte) 0x80}),
                        violation("a text message that is not UTF-8 (byte 1 of 2: 0x80)")),
                c("a character cut off by the message's end", cat(frame(1, "ab"), frame(FIN, new byte[] {(byte) 0xE2, (byte) 0x82})),
                        violation("a text message that is not UTF-8 (byte 2 of 4: 0xe2)")),
                c("a close reason that is not UTF-8", frame(FIN | 8, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF}),
                        violation("a close reason that is not UTF-8 (byte 0 of 1: 0xff)")),
                c("a message over the limit", frame(FIN | 1, letters(MAX_MESSAGE + 1)),
                        violation("a text message of more than 100000 bytes")),
                c("fragments over the limit together", cat(frame(1, letters(60_000)), frame(FIN, letters(50_000))),
                        violation("a text message of more than 100000 bytes")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whole(Case c) {
        Recorder recorder = new Recorder();
        recorder.feed(c.stream(), 0, c.stream().length);
        assertEquals(c.expected(), recorder.seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void atAnOffsetInsideALargerArray(Case c) {
        byte[] framed = cat(new byte[] {(byte) 0x81, 0x7F, 0x7F}, c.stream(), new byte[] {(byte) 0x81, 0x7F});
        Recorder recorder = new Recorder();
        recorder.feed(framed, 3, c.stream().length);
        assertEquals(c.expected(), recorder.seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitInTwoAtEveryBytePosition(Case c) {
        byte[] stream = c.stream();
        for (int split : Splits.positions(stream.length)) {
            Recorder recorder = new Recorder();
            recorder.feed(stream, 0, split);
            recorder.feed(stream, split, stream.length - split);
            assertEquals(c.expected(), recorder.seen, () -> "split at byte " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneByteAtATime(Case c) {
        Recorder recorder = new Recorder();
        for (int i = 0; i < c.stream().length; i++) {
            recorder.feed(c.stream(), i, 1);
        }
        assertEquals(c.expected(), recorder.seen);
    }

    @Test
    void clientFramesAreMaskedAndCarryTheirPayload() {
        byte[] payload = cat("heartbeat");
        int mask = 0x1234ABCD;
        byte[] frame = WebSocketStream.maskedFrame(WebSocketFrameParser.OP_PONG, payload, 0, payload.length, mask);
        assertEquals(6 + payload.length, frame.length);
        assertEquals((byte) 0x8A, frame[0], "FIN and the pong opcode");
        assertEquals((byte) (0x80 | payload.length), frame[1], "the mask bit and the length");
        assertArrayEquals(new byte[] {0x12, 0x34, (byte) 0xAB, (byte) 0xCD}, java.util.Arrays.copyOfRange(frame, 2, 6));
        byte[] unmasked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            unmasked[i] = (byte) (frame[6 + i] ^ frame[2 + i % 4]);
        }
        assertArrayEquals(payload, unmasked);
        assertThrows(IllegalArgumentException.class, () -> WebSocketStream.maskedFrame(9, new byte[126], 0, 126, 0));
    }

    @Test
    void theAcceptKeyIsTheRfcExample() {
        // RFC 6455 §1.3
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketStream.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    /** Records what the parser reports; stops at the first violation. */
    private static final class Recorder implements WebSocketFrameParser.Listener {
        final WebSocketFrameParser parser = new WebSocketFrameParser(this, MAX_MESSAGE);
        final List<Seen> seen = new ArrayList<>();
        boolean failed;

        void feed(byte[] bytes, int offset, int length) {
            if (failed) {
                return;
            }
            try {
                parser.feed(bytes, offset, length);
            } catch (ProtocolViolationException e) {
                failed = true;
                seen.add(new Violation(e.getMessage()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void onText(byte[] bytes, int offset, int length) {
            seen.add(new Text(new String(bytes, offset, length, UTF_8)));
        }

        @Override
        public void onPing(byte[] bytes, int offset, int length) {
            seen.add(new Ping(new String(bytes, offset, length, UTF_8)));
        }

        @Override
        public void onPong(byte[] bytes, int offset, int length) {
            seen.add(new Pong(new String(bytes, offset, length, UTF_8)));
        }

        @Override
        public void onClose(int statusCode, String reason) {
            seen.add(new Close(statusCode, reason));
        }
    }

    /** An unmasked server frame with the shortest length form. */
    static byte[] frame(int firstByte, Object payload) {
        byte[] p = cat(payload);
        return frameWithLength(firstByte, p, p.length <= 125 ? 0 : p.length <= 65_535 ? 126 : 127);
    }

    /** An unmasked server frame with the given length form: 0 for 7 bits, 126 for 16, 127 for 64. */
    static byte[] frameWithLength(int firstByte, Object payload, int lengthForm) {
        byte[] p = cat(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (lengthForm == 0) {
            out.write(p.length);
        } else if (lengthForm == 126) {
            out.write(126);
            out.write(p.length >>> 8);
            out.write(p.length);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) p.length >>> shift));
            }
        }
        out.writeBytes(p);
        return out.toByteArray();
    }

    private static Case c(String name, byte[] stream, Seen... expected) {
        return new Case(name, stream, List.of(expected));
    }

    private static Text text(String text) {
        return new Text(text);
    }

    private static Ping ping(String payload) {
        return new Ping(payload);
    }

    private static Pong pong(String payload) {
        return new Pong(payload);
    }

    private static Close close(int code, String reason) {
        return new Close(code, reason);
    }

    private static Violation violation(String message) {
        return new Violation(message);
    }
}
