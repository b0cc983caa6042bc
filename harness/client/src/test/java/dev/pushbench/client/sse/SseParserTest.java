package dev.pushbench.client.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pushbench.core.Event;
import dev.pushbench.core.EventFields;
import dev.pushbench.core.PushContext;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WHATWG event-stream rules as a table of streams and what the parser must report for each,
 * checked for every way the bytes can arrive: whole, at an offset, split in two at every byte
 * position, one byte at a time, and as heap, sliced, read-only and direct ByteBuffers.
 */
class SseParserTest {

    /** What a stream made the parser report, in order; every transcript ends with {@link End}. */
    sealed interface Seen permits Ev, Retry, Comment, End {}

    record Ev(String type, String data, String lastEventId) implements Seen {}

    record Retry(long millis) implements Seen {}

    record Comment() implements Seen {}

    /** The parser's state once the stream is fed: the last event ID string and the retry time. */
    record End(String lastEventId, long retryMillis) implements Seen {}

    record Case(String name, byte[] stream, List<Seen> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final byte[] PARTIAL_BOM = {(byte) 0xEF, (byte) 0xBB};
    private static final int ONE_MIB = 1 << 20;
    private static final String PUSH_JSON = "{\"topic\":\"t0\",\"seq\":42,\"intended\":1000,\"sent\":1500,\"data\":\"abc\"}";

    static Stream<Case> cases() {
        return Stream.of(
                c("empty stream", "", end("", -1)),
                c("blank lines only", "\n\r\n\r\n\n", end("", -1)),
                // line ends
                c("LF", "data: a\n\ndata: b\n\n", ev("a"), ev("b"), end("", -1)),
                c("CR", "data: a\r\rdata: b\r\r", ev("a"), ev("b"), end("", -1)),
                c("CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", ev("a"), ev("b"), end("", -1)),
                c("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", ev("a\nb\nc"), end("", -1)),
                c("LF then CR is two line ends", "data: a\n\rdata: b\r\n\n", ev("a"), ev("b"), end("", -1)),
                c("CR CR LF is a blank line", "data: a\r\r\ndata: b\n\n", ev("a"), ev("b"), end("", -1)),
                c("CR at the very end dispatches", "data: a\n\r", ev("a"), end("", -1)),
                // data
                c("multi-line data", "data: a\ndata: b\ndata: c\n\n", ev("a\nb\nc"), end("", -1)),
                c("empty data line dispatches empty data", "data:\n\n", ev(""), end("", -1)),
                c("data without colon dispatches empty data", "data\n\n", ev(""), end("", -1)),
                c("two empty data lines", "data\ndata:\n\n", ev("\n"), end("", -1)),
                c("empty lines inside data", "data: a\ndata:\ndata: b\ndata:\n\n", ev("a\n\nb\n"), end("", -1)),
                c("data with and without the space", "data:a\ndata: b\ndata:  c\ndata:\td\n\n",
                        ev("a\nb\n c\n\td"), end("", -1)),
                c("data of one space is empty", "data: \n\n", ev(""), end("", -1)),
                c("colons inside values", "event: x:y\nid: 1:2\ndata: a:b: c\ndata::\n\n",
                        ev("x:y", "a:b: c\n:", "1:2"), end("1:2", -1)),
                c("NUL inside data is kept", "data: a\0b\n\n", ev("a\0b"), end("", -1)),
                // comments
                c("comments", ":\n: heartbeat\n:no space: and a colon\ndata: a\n:\n\n:\n\n",
                        comment(), comment(), comment(), comment(), ev("a"), comment(), end("", -1)),
                c("comment between data lines", "data: a\n: skip me\ndata: b\n\n",
                        comment(), ev("a\nb"), end("", -1)),
                // id
                c("id persists across events", "id: 1\ndata: a\n\ndata: b\n\n",
                        ev("message", "a", "1"), ev("message", "b", "1"), end("1", -1)),
                c("id with NUL is ignored", "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\nid: \0\ndata: c\n\n",
                        ev("message", "a", "1"), ev("message", "b", "1"), ev("message", "c", "1"), end("1", -1)),
                c("id without data updates the last event id", "id: 41\n\n", end("41", -1)),
                c("id without data, then an event", "id: 41\n\nid: 42\ndata: x\n\n",
                        ev("message", "x", "42"), end("42", -1)),
                c("id without colon clears the last event id", "id: 5\n\nid\n\n", end("", -1)),
                c("empty id clears the last event id", "id: 5\ndata: a\n\nid:\ndata: b\n\n",
                        ev("message", "a", "5"), ev("message", "b", ""), end("", -1)),
                c("id set only at dispatch", "id: 5\ndata: a\n\nid: 6\ndata: b\n",
                        ev("message", "a", "5"), end("5", -1)),
                c("last id line wins", "id: 1\nid: 2\ndata: a\n\n", ev("message", "a", "2"), end("2", -1)),
                c("non-numeric and huge ids", "id: 9223372036854775807\n\nid: 9223372036854775808\n\nid: -1\n\n"
                        + "id:  7\n\nid: 7a\n\nid: \u0664\u0662\n\nid: 007\ndata: a\n\n",
                        ev("message", "a", "007"), end("007", -1)),
                // retry
                c("valid retry", "retry: 1000\n", retry(1000), end("", 1000)),
                c("retry without space, zero, leading zero", "retry:0\nretry: 01500\n",
                        retry(0), retry(1500), end("", 1500)),
                c("invalid retry is ignored",
                        "retry: 10a\nretry: -1\nretry: 1.5\nretry:\nretry\nretry:  1000\nretry: 1000 \n"
                                + "retry: 99999999999999999999\nretry: \u0661\n",
                        end("", -1)),
                c("invalid retry keeps the previous one", "retry: 250\nretry: x\n", retry(250), end("", 250)),
                c("largest retry", "retry: 9223372036854775807\n", retry(Long.MAX_VALUE), end("", Long.MAX_VALUE)),
                // BOM
                c("leading BOM is skipped", "\uFEFFdata: a\n\n", ev("a"), end("", -1)),
                c("only one leading BOM is skipped", "\uFEFF\uFEFFdata: a\n\ndata: b\n\n", ev("b"), end("", -1)),
                c("BOM after the start is content", "data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n",
                        ev("a"), ev("\uFEFFc"), end("", -1)),
                c("partial BOM is content", cat(PARTIAL_BOM, "data: a\n\ndata: b\n\n"), ev("b"), end("", -1)),
                c("partial BOM then line end", cat(new byte[] {(byte) 0xEF}, "\ndata: a\n\n"), ev("a"), end("", -1)),
                c("BOM alone", "\uFEFF", end("", -1)),
                c("BOM then CRLF", "\uFEFF\r\ndata: a\r\n\r\n", ev("a"), end("", -1)),
                // fields
                c("unknown fields are ignored",
                        "foo: bar\ndata: a\nDATA: b\nData: c\ndat: d\ndatas: e\nevents: f\nid2: g\n"
                                + "a-very-long-unknown-field-name: h\n\n",
                        ev("a"), end("", -1)),
                c("unknown fields alone dispatch nothing", "foo: bar\n\n", end("", -1)),
                c("field names without colon", "event\nfoo\nid\ndata\n\n", ev(""), end("", -1)),
                c("field name is cut at the first colon only", "data:data: a\n\n", ev("data: a"), end("", -1)),
                c("space before colon makes another field", "data : a\ndata: b\n\n", ev("b"), end("", -1)),
                // event type
                c("event type", "event: add\ndata: 1\n\n", ev("add", "1", ""), end("", -1)),
                c("event type reset after dispatch", "event: add\ndata: 1\n\ndata: 2\n\n",
                        ev("add", "1", ""), ev("message", "2", ""), end("", -1)),
                c("event type reset by a blank line without data", "event: x\n\ndata: 2\n\n",
                        ev("message", "2", ""), end("", -1)),
                c("last event line wins, empty means message", "event: a\nevent: b\ndata: 1\n\nevent:\ndata: 2\n\n",
                        ev("b", "1", ""), ev("message", "2", ""), end("", -1)),
                // the end of the stream
                c("trailing incomplete event is not dispatched", "data: a\n\nevent: x\nid: 9\ndata: b\n",
                        ev("a"), end("", -1)),
                c("trailing incomplete line is not processed", "data: a\n\nretry: 500", ev("a"), end("", -1)),
                c("trailing comment without line end", ":hello", end("", -1)),
                // UTF-8
                c("multi-byte UTF-8", "event: \u00FCber\nid: \u00E91\ndata: \u65E5\u672C\u8A9E \uD83D\uDE00 \u00E9\n\n",
                        ev("\u00FCber", "\u65E5\u672C\u8A9E \uD83D\uDE00 \u00E9", "\u00E91"), end("\u00E91", -1)),
                c("supplementary event type", "event: \uD83D\uDE80\ndata: x\n\n",
                        ev("\uD83D\uDE80", "x", ""), end("", -1)),
                c("1 MiB data line", "data: " + letters(ONE_MIB) + "\n\ndata: after\n\n",
                        ev(letters(ONE_MIB)), ev("after"), end("", -1)),
                // what the pushbench server sends
                c("pushbench stream", "retry: 1000\nid: 41\n\nid: 42\nevent: push\ndata: " + PUSH_JSON + "\n\n:\n\n",
                        retry(1000), ev("push", PUSH_JSON, "42"), comment(), end("42", 1000)),
                pushbenchStreamFromCore());
    }

    /** The stream as the server writes it, from core's own frame builders. */
    private static Case pushbenchStreamFromCore() {
        Event first = Event.encode(0, 42, 1_000, 1_500, 64);
        Event second = Event.encode(0, 43, 2_000, 2_500, 64);
        byte[] stream = cat("retry: 1000\nid: 41\n\n", first.sseFrame(), PushContext.SSE_HEARTBEAT, second.sseFrame());
        return new Case("pushbench stream from core", stream, List.of(retry(1000),
                ev(Event.SSE_EVENT_NAME, first.jsonText(), "42"), comment(),
                ev(Event.SSE_EVENT_NAME, second.jsonText(), "43"), end("43", 1000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wholeStream(Case c) {
        Recorder recorder = new Recorder();
        recorder.parser.feed(c.stream(), 0, c.stream().length);
        assertEquals(c.expected(), recorder.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void atAnOffsetInsideALargerArray(Case c) {
        // line ends and colons around the stream catch a read past either end
        byte[] framed = cat("\n:\r", c.stream(), "\r\n:");
        Recorder recorder = new Recorder();
        recorder.parser.feed(framed, 3, c.stream().length);
        assertEquals(c.expected(), recorder.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitInTwoAtEveryBytePosition(Case c) {
        byte[] stream = c.stream();
        for (int split : splitPositions(stream.length)) {
            Recorder recorder = new Recorder();
            recorder.parser.feed(stream, 0, split);
            recorder.parser.feed(stream, split, stream.length - split);
            assertEquals(c.expected(), recorder.finish(), () -> "split at byte " + split);

            Recorder direct = new Recorder();
            direct.parser.feed(directBuffer(stream, 0, split));
            direct.parser.feed(directBuffer(stream, split, stream.length - split));
            assertEquals(c.expected(), direct.finish(), () -> "direct buffers split at byte " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneByteAtATime(Case c) {
        Recorder recorder = new Recorder();
        for (int i = 0; i < c.stream().length; i++) {
            recorder.parser.feed(c.stream(), i, 1);
        }
        assertEquals(c.expected(), recorder.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void asByteBuffers(Case c) {
        byte[] framed = cat("\n:\r", c.stream(), "\r\n:");
        int length = c.stream().length;
        ByteBuffer positioned = ByteBuffer.wrap(framed, 3, length);
        ByteBuffer sliced = ByteBuffer.wrap(framed).position(3).slice().limit(length);
        ByteBuffer readOnly = ByteBuffer.wrap(framed, 3, length).asReadOnlyBuffer();
        ByteBuffer direct = directBuffer(c.stream(), 0, length);
        List<ByteBuffer> buffers = List.of(positioned, sliced, readOnly, direct);
        List<String> kinds = List.of("heap buffer at a position", "sliced heap buffer", "read-only buffer", "direct buffer");
        for (int i = 0; i < buffers.size(); i++) {
            ByteBuffer buffer = buffers.get(i);
            String kind = kinds.get(i);
            Recorder recorder = new Recorder();
            recorder.parser.feed(buffer);
            assertEquals(c.expected(), recorder.finish(), kind);
            assertEquals(0, buffer.remaining(), () -> kind + " must be consumed");
        }
    }

    @Test
    void pushbenchPreambleSetsTheCursorBeforeAnyEvent() {
        Event event = Event.encode(0, 42, 1_000, 1_500, 32);
        EventFields fields = new EventFields();
        long[] seen = new long[5]; // events, last seq, comments, retry, cursor from an id without data
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(SseParser e) {
                assertTrue(e.eventTypeIs(Event.SSE_EVENT_NAME));
                assertTrue(fields.parse(e.data(), 0, e.dataLength()));
                assertEquals(e.lastEventIdAsLong(), fields.seq(), "the id line and the JSON agree");
                seen[0]++;
                seen[1] = fields.seq();
            }

            @Override
            public void onComment() {
                seen[2]++;
            }

            @Override
            public void onRetry(long millis) {
                seen[3] = millis;
            }

            @Override
            public void onIdWithoutData(SseParser p) {
                seen[4] = p.lastEventIdAsLong();
            }
        });

        feed(parser, "retry: 1000\nid: 41\n\n");
        assertEquals(0, seen[0], "the preamble dispatches no event");
        assertEquals(41, seen[4], "the preamble's id is announced as it is dispatched");
        assertEquals(1000, seen[3]);
        assertEquals(1000, parser.retryMillis());
        assertEquals("41", parser.lastEventId());
        assertTrue(parser.lastEventIdIsNumber());
        assertEquals(41, parser.lastEventIdAsLong());

        parser.feed(event.sseFrame(), 0, event.sseFrame().length);
        parser.feed(PushContext.SSE_HEARTBEAT, 0, PushContext.SSE_HEARTBEAT.length);
        assertEquals(41, seen[4], "events and comments are not ids without data");
        assertEquals(1, seen[0]);
        assertEquals(42, seen[1]);
        assertEquals(1, seen[2], "one heartbeat comment");
        assertEquals(42, parser.lastEventIdAsLong());
    }

    @Test
    void resetKeepsTheLastEventIdAndClearsTheRest() {
        Recorder recorder = new Recorder();
        SseParser parser = recorder.parser;
        feed(parser, "retry: 700\nid: 5\nevent: x\ndata: a\n\nid: 66\nevent: y\ndata: partial");
        parser.reset();
        assertEquals("5", parser.lastEventId());
        assertEquals(5, parser.lastEventIdAsLong());
        assertEquals(700, parser.retryMillis(), "the reconnection time belongs to the source, not the stream");

        // a new stream: its BOM is skipped again, the partial event is gone, and an event without
        // id: keeps the last event id rather than resetting it to ""
        feed(parser, "\uFEFFdata: b\n\n");
        parser.reset();
        feed(parser, "id: 7\n\n");
        parser.reset();
        feed(parser, "data: c\n\n");
        assertEquals(List.of(retry(700), ev("x", "a", "5"), ev("message", "b", "5"), ev("message", "c", "7"),
                end("7", 700)), recorder.finish());
    }

    @Test
    void resetForgetsAPartialBom() {
        Recorder recorder = new Recorder();
        SseParser parser = recorder.parser;
        parser.feed(PARTIAL_BOM, 0, PARTIAL_BOM.length);
        parser.reset();
        // 0xBF would complete the BOM of the old stream; in the new one it begins an unknown field
        byte[] next = cat(new byte[] {(byte) 0xBF}, "data: a\n\ndata: b\n\n");
        parser.feed(next, 0, next.length);
        assertEquals(List.of(ev("b"), end("", -1)), recorder.finish());
    }

    @Test
    void eventTypeIsComparesWholeTypesWithoutDecoding() {
        List<String> checked = new ArrayList<>();
        SseParser parser = new SseParser(e -> {
            checked.add(e.eventType());
            if (e.eventType().equals("message")) {
                assertTrue(e.eventTypeIs("message"));
                assertFalse(e.eventTypeIs(""));
            } else if (e.eventType().equals("push")) {
                assertTrue(e.eventTypeIs("push"));
                assertFalse(e.eventTypeIs("pus"));
                assertFalse(e.eventTypeIs("pushy"));
                assertFalse(e.eventTypeIs("message"));
            } else {
                assertEquals("\u00FC\u0800\uD83D\uDE80", e.eventType());
                assertTrue(e.eventTypeIs("\u00FC\u0800\uD83D\uDE80"));
                assertFalse(e.eventTypeIs("\u00FC\u0800\uD83D"), "a lone surrogate never matches");
                assertFalse(e.eventTypeIs("\u00FC\u0800\uD83D\uDE81"));
            }
        });
        // comments and retries go to the listener's default methods
        feed(parser, "data: 1\n\n:\nretry: 5\nevent: push\ndata: 2\n\nevent: \u00FC\u0800\uD83D\uDE80\ndata: 3\n\n");
        assertEquals(List.of("message", "push", "\u00FC\u0800\uD83D\uDE80"), checked);
    }

    @Test
    void lastEventIdAsANumber() {
        String[][] idAndNumber = {
            {"0", "0"}, {"42", "42"}, {"007", "7"}, {"9223372036854775807", "9223372036854775807"},
            {"9223372036854775808", "-1"}, {"99999999999999999999", "-1"}, {"-1", "-1"}, {"+1", "-1"},
            {" 1", "-1"}, {"1 ", "-1"}, {"1a", "-1"}, {"1.0", "-1"}, {"", "-1"}, {"\u0664\u0662", "-1"},
        };
        SseParser parser = new SseParser(e -> {});
        for (String[] row : idAndNumber) {
            // "id: " loses one space, so a value's own leading space survives
            feed(parser, "id: " + row[0] + "\n\n");
            long number = Long.parseLong(row[1]);
            assertEquals(row[0], parser.lastEventId());
            assertEquals(number, parser.lastEventIdAsLong(), () -> "lastEventIdAsLong of '" + row[0] + "'");
            assertEquals(number >= 0, parser.lastEventIdIsNumber(), () -> "lastEventIdIsNumber of '" + row[0] + "'");
        }
    }

    @Test
    void aThrowingListenerLeavesTheParserAtTheNextLine() {
        List<String> data = new ArrayList<>();
        SseParser parser = new SseParser(e -> {
            String text = new String(e.data(), 0, e.dataLength(), UTF_8);
            if (text.equals("boom")) {
                throw new IllegalStateException("listener failed");
            }
            data.add(e.eventType() + ":" + text);
        });
        assertThrows(IllegalStateException.class, () -> feed(parser, "event: x\ndata: boom\n\ndata: lost in this chunk\n\n"));
        feed(parser, "data: next\n\n");
        assertEquals(List.of("message:next"), data);
    }

    @Test
    void rejectsBadArgumentsAtTheBoundary() {
        assertEquals("listener", assertThrows(NullPointerException.class, () -> new SseParser(null)).getMessage());
        SseParser parser = new SseParser(e -> {});
        assertEquals("bytes", assertThrows(NullPointerException.class, () -> parser.feed(null, 0, 0)).getMessage());
        assertEquals("buffer", assertThrows(NullPointerException.class, () -> parser.feed((ByteBuffer) null)).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> parser.feed(new byte[4], -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> parser.feed(new byte[4], 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> parser.feed(new byte[4], 0, -1));
        assertEquals("type", assertThrows(NullPointerException.class, () -> parser.eventTypeIs(null)).getMessage());
    }

    /**
     * Once the buffers have grown, a stream of events, heartbeats and ids, split across chunks at
     * arbitrary places, fed as arrays and as a direct buffer, allocates nothing on this thread.
     */
    @Test
    void allocatesNothingPerEventOnceBuffersHaveGrown() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs HotSpot's per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);

        int eventsPerStream = 1_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("retry: 1000\nid: 0\n\n".getBytes(UTF_8));
        for (int seq = 1; seq <= eventsPerStream; seq++) {
            out.writeBytes(Event.encode(0, seq, seq * 1_000L, seq * 1_000L + 5, 200).sseFrame());
            if (seq % 10 == 0) {
                out.writeBytes(PushContext.SSE_HEARTBEAT);
            }
        }
        byte[] stream = out.toByteArray();
        ByteBuffer direct = directBuffer(stream, 0, stream.length);
        EventFields fields = new EventFields();
        long[] seen = new long[3]; // events, sum of seq, comments
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(SseParser e) {
                if (e.eventTypeIs(Event.SSE_EVENT_NAME) && fields.parse(e.data(), 0, e.dataLength())
                        && e.lastEventIdAsLong() == fields.seq()) {
                    seen[0]++;
                    seen[1] += fields.seq();
                }
            }

            @Override
            public void onComment() {
                seen[2]++;
            }
        });

        for (int i = 0; i < 3; i++) {
            feedTwice(parser, stream, direct);
        }
        int passes = 20;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < passes; i++) {
            feedTwice(parser, stream, direct);
        }
        long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;

        long events = 2L * passes * eventsPerStream;
        assertEquals(2L * (3 + passes) * eventsPerStream, seen[0], "every event parsed and matched");
        assertEquals(2L * (3 + passes) * eventsPerStream / 10, seen[2]);
        // one 16-byte object per event would be 16 * events bytes; leave room for the counter itself
        assertTrue(allocatedBytes < 4_096, () -> allocatedBytes + " bytes allocated for " + events + " events");
    }

    @Test
    void buffersGrowByDoubling() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs HotSpot's per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);
        byte[] stream = ("data: " + letters(ONE_MIB) + "\n\n").getBytes(UTF_8);
        int[] events = new int[1];
        SseParser parser = new SseParser(e -> events[0] += e.dataLength() == ONE_MIB ? 1 : 0);

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int at = 0; at < stream.length; at += 4_096) {
            parser.feed(stream, at, Math.min(4_096, stream.length - at));
        }
        long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(1, events[0]);
        // doubling from 256 bytes to 2 MiB allocates under 4 MiB; growing by what each chunk needs, 128 MiB
        assertTrue(allocatedBytes < 8L * ONE_MIB, () -> allocatedBytes + " bytes allocated for one 1 MiB event");
    }

    private static void feedTwice(SseParser parser, byte[] stream, ByteBuffer direct) {
        parser.reset();
        // 1000-byte chunks cut lines, fields and line ends at arbitrary places
        for (int at = 0; at < stream.length; at += 1_000) {
            parser.feed(stream, at, Math.min(1_000, stream.length - at));
        }
        parser.reset();
        direct.limit(direct.capacity()).position(0);
        parser.feed(direct);
    }

    /** Records what the parser reports, checking on the way that the allocation-free accessors agree with the String ones. */
    private static final class Recorder implements SseParser.Listener {
        final SseParser parser = new SseParser(this);
        private final List<Seen> seen = new ArrayList<>();

        @Override
        public void onEvent(SseParser event) {
            assertSame(parser, event);
            String type = event.eventType();
            assertTrue(event.eventTypeIs(type), () -> "eventTypeIs(" + type + ")");
            assertFalse(event.eventTypeIs(type + "x"));
            assertFalse(event.eventTypeIs(type.substring(0, type.length() - 1)));
            checkIdNumber();
            seen.add(new Ev(type, new String(event.data(), 0, event.dataLength(), UTF_8), event.lastEventId()));
        }

        @Override
        public void onRetry(long millis) {
            assertEquals(millis, parser.retryMillis());
            seen.add(new Retry(millis));
        }

        @Override
        public void onComment() {
            seen.add(new Comment());
        }

        List<Seen> finish() {
            checkIdNumber();
            seen.add(new End(parser.lastEventId(), parser.retryMillis()));
            return seen;
        }

        private void checkIdNumber() {
            String id = parser.lastEventId();
            long expected = -1;
            if (id.matches("[0-9]+")) {
                try {
                    expected = Long.parseLong(id);
                } catch (NumberFormatException tooLarge) {
                    expected = -1;
                }
            }
            assertEquals(expected, parser.lastEventIdAsLong(), () -> "lastEventIdAsLong of '" + id + "'");
            assertEquals(expected >= 0, parser.lastEventIdIsNumber(), () -> "lastEventIdIsNumber of '" + id + "'");
        }
    }

    /** Every position for small streams; for large ones every position near either end and a stride between. */
    private static int[] splitPositions(int length) {
        if (length <= 65_536) {
            return IntStream.rangeClosed(0, length).toArray();
        }
        int edge = 300;
        return IntStream.concat(
                IntStream.concat(IntStream.rangeClosed(0, edge), IntStream.iterate(edge + 8_191, p -> p < length - edge, p -> p + 8_191)),
                IntStream.rangeClosed(length - edge, length)).toArray();
    }

    private static ByteBuffer directBuffer(byte[] bytes, int offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        buffer.put(bytes, offset, length).flip();
        return buffer;
    }

    private static void feed(SseParser parser, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        parser.feed(bytes, 0, bytes.length);
    }

    private static Case c(String name, String stream, Seen... expected) {
        return c(name, stream.getBytes(UTF_8), expected);
    }

    private static Case c(String name, byte[] stream, Seen... expected) {
        if (expected.length == 0 || !(expected[expected.length - 1] instanceof End)) {
            throw new IllegalArgumentException("case '" + name + "' must end its expectations with end(...)");
        }
        return new Case(name, stream, List.of(expected));
    }

    /** Strings as UTF-8, byte arrays as they are. */
    private static byte[] cat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] ? (byte[]) part : ((String) part).getBytes(UTF_8));
        }
        return out.toByteArray();
    }

    private static String letters(int count) {
        char[] chars = new char[count];
        for (int i = 0; i < count; i++) {
            chars[i] = (char) ('a' + i % 26);
        }
        return new String(chars);
    }

    private static Ev ev(String data) {
        return new Ev("message", data, "");
    }

    private static Ev ev(String type, String data, String lastEventId) {
        return new Ev(type, data, lastEventId);
    }

    private static Retry retry(long millis) {
        return new Retry(millis);
    }

    private static Comment comment() {
        return new Comment();
    }

    private static End end(String lastEventId, long retryMillis) {
        return new End(lastEventId, retryMillis);
    }
}
