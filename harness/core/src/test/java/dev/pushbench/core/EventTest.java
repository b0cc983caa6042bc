package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventTest {

    @Test
    void encodesTheSseFrameAroundTheJson() {
        Event e = Event.encode(3, 42, 1000, 1005, 30);
        String json = "{\"topic\":\"t3\",\"seq\":42,\"intended\":1000,\"sent\":1005,\"data\":\"abcdefghijklmnopqrstuvwxyzabcd\"}";
        String frame = "id: 42\nevent: push\ndata: " + json + "\n\n";
        assertEquals(frame, new String(e.sseFrame(), StandardCharsets.US_ASCII));
        assertEquals("id: 42\nevent: push\ndata: ".length(), e.jsonOffset());
        assertEquals(json.length(), e.jsonLength());
        assertEquals(json, new String(e.sseFrame(), e.jsonOffset(), e.jsonLength(), StandardCharsets.US_ASCII));
        assertEquals(json, e.jsonText());
        assertSame(e.jsonText(), e.jsonText(), "made once");
        assertEquals(3, e.topic());
        assertEquals(42, e.seq());
        assertEquals(1000, e.intendedNanos());
        assertEquals(1005, e.sentNanos());
        assertEquals("Event[t3#42]", e.toString());
    }

    @Test
    void payloadLengthIsExact() {
        for (int payload : new int[] {0, 1, 25, 26, 27, 1000, 65_536}) {
            Event e = Event.encode(0, 1, 2, 3, payload);
            String empty = "{\"topic\":\"t0\",\"seq\":1,\"intended\":2,\"sent\":3,\"data\":\"\"}";
            assertEquals(empty.length() + payload, e.jsonLength(), "payload " + payload);
            assertEquals(e.jsonOffset() + e.jsonLength() + 2, e.sseFrame().length);
            String text = e.jsonText();
            String data = text.substring(text.indexOf("\"data\":\"") + 8, text.length() - 2);
            assertEquals(payload, data.length());
            assertTrue(data.chars().allMatch(c -> c >= 'a' && c <= 'z'), "padding is plain ASCII letters");
        }
    }

    @Test
    void negativeAndLargeTimesAreWrittenAsGiven() {
        Event e = Event.encode(999_999, Long.MAX_VALUE, -7, Long.MIN_VALUE + 1, 0);
        assertEquals("{\"topic\":\"t999999\",\"seq\":" + Long.MAX_VALUE + ",\"intended\":-7,\"sent\":" + (Long.MIN_VALUE + 1)
                + ",\"data\":\"\"}", e.jsonText());
    }

    @Test
    void fieldsParseBackFromTheJsonSlice() {
        EventFields f = new EventFields();
        for (long[] v : new long[][] {{1, 0, 0}, {42, 1000, 1005}, {Long.MAX_VALUE, -7, -9_000_000_000L}, {0, Long.MAX_VALUE, Long.MIN_VALUE + 1}}) {
            Event e = Event.encode(7, v[0], v[1], v[2], 100);
            assertTrue(f.parse(e.sseFrame(), e.jsonOffset(), e.jsonLength()));
            assertEquals(v[0], f.seq());
            assertEquals(v[1], f.intendedNanos());
            assertEquals(v[2], f.sentNanos());
            assertTrue(f.parse(e.jsonText()));
            assertEquals(v[0], f.seq());
            assertEquals(v[1], f.intendedNanos());
            assertEquals(v[2], f.sentNanos());
        }
    }

    @Test
    void parsesEventAfterEventInAPollBatch() {
        TopicRing ring = new TopicRing(8);
        for (long seq = 1; seq <= 3; seq++) {
            ring.append(Event.encode(0, seq, seq * 100, seq * 100 + 1, 5));
        }
        byte[] body = PollAnswer.build(ring, 0, 0, 10, new ServerCounters());
        EventFields f = new EventFields();
        int at = new String(body, StandardCharsets.US_ASCII).indexOf('[');
        for (long seq = 1; seq <= 3; seq++) {
            assertTrue(f.parse(body, at, body.length - at));
            assertEquals(seq, f.seq());
            assertEquals(seq * 100, f.intendedNanos());
            assertEquals(seq * 100 + 1, f.sentNanos());
            assertTrue(f.end() > at);
            at = f.end();
        }
        assertFalse(f.parse(body, at, body.length - at), "no fourth event");
    }

    @Test
    void longTextGrowsTheScratchBuffer() {
        EventFields f = new EventFields();
        Event e = Event.encode(0, 5, 6, 7, 10_000);
        assertTrue(f.parse(e.jsonText()));
        assertEquals(7, f.sentNanos());
        assertTrue(f.parse("{\"seq\":1,\"intended\":2,\"sent\":3}"));
        assertEquals(3, f.sentNanos());
    }

    @Test
    void refusesWhatIsNotAnEvent() {
        EventFields f = new EventFields();
        String[] bad = {
            "",
            "{}",
            "hello",
            "{\"seq\":-1,\"intended\":1,\"sent\":2}",
            "{\"seq\":x,\"intended\":1,\"sent\":2}",
            "{\"seq\":,\"intended\":1,\"sent\":2}",
            "{\"seq\":1,\"sent\":2}",
            "{\"seq\":1,\"intended\":2}",
            "{\"intended\":1,\"sent\":2}",
            "{\"seq\":1,\"intended\":x,\"sent\":2}",
            "{\"seq\":1,\"intended\":-,\"sent\":2}",
            "{\"seq\":1,\"intended\":2,\"sent\":}",
            "{\"seq\":1,\"intended\":2,\"sent\":\"3\"}",
            "{\"seq\":1,\"intended\":2,\"sent\":",
            "{\"seq\":1,\"intended\":2,\"sent\":3",
            "{\"seq\":1,\"intended\":2,\"sent\":3x}",
            "{\"seq\":1,\"intended\":2.5,\"sent\":3}",
            "{\"seq\":99999999999999999999,\"intended\":2,\"sent\":3}",
            "{\"seq\":1,\"intended\":99999999999999999999,\"sent\":3}",
            "{\"seq\":1,\"intended\":2,\"sent\":-99999999999999999999}",
            "{\"seq\":\u0131,\"intended\":2,\"sent\":3}",
            "{\"seq\":1,\"intended\":\u0132\u0130,\"sent\":3}",
        };
        for (String text : bad) {
            assertFalse(f.parse(text), "text: " + text);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertFalse(f.parse(bytes, 0, bytes.length), "bytes: " + text);
        }
    }

    @Test
    void aTruncatedEventIsNeverReadAsAnotherOne() {
        EventFields f = new EventFields();
        Event e = Event.encode(0, 123, 4567, 89012, 8);
        for (int length = 0; length < e.jsonLength(); length++) {
            boolean parsed = f.parse(e.sseFrame(), e.jsonOffset(), length);
            if (parsed) {
                // a cut after the last number is fine; the numbers must be the whole ones
                assertEquals(123, f.seq(), "cut at " + length);
                assertEquals(4567, f.intendedNanos(), "cut at " + length);
                assertEquals(89012, f.sentNanos(), "cut at " + length);
            }
        }
        assertTrue(f.parse(e.sseFrame(), e.jsonOffset(), e.jsonLength()));
    }

    @Test
    void readsOnlyInsideTheGivenRange() {
        EventFields f = new EventFields();
        byte[] bytes = "xx{\"seq\":1,\"intended\":2,\"sent\":3}{\"seq\":4,\"intended\":5,\"sent\":6}".getBytes(StandardCharsets.US_ASCII);
        int second = 2 + "{\"seq\":1,\"intended\":2,\"sent\":3}".length();
        assertTrue(f.parse(bytes, second, bytes.length - second));
        assertEquals(4, f.seq());
        assertFalse(f.parse(bytes, 2, 20), "the range ends before intended");
    }
}
