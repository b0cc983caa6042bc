package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishBodyTest {

    private static String data(PublishBody body) {
        return new String(body.source(), body.dataOffset(), body.dataLength(), StandardCharsets.UTF_8);
    }

    private static PublishBody parsed(String json) {
        PublishBody body = new PublishBody();
        assertNull(body.parse(json), json);
        assertTrue(body.isValid());
        return body;
    }

    @Test
    void readsTheFourFields() {
        PublishBody body = parsed("{\"from\":17,\"n\":5,\"sent\":123456789,\"data\":\"abc\"}");
        assertEquals(17, body.from());
        assertEquals(5, body.n());
        assertEquals(123456789, body.sentNanos());
        assertEquals("abc", data(body));
    }

    @Test
    void takesWhitespaceBetweenTokensAndTheExtremes() {
        PublishBody body = parsed(" \r\n{ \"from\" : 2147483647 ,\t\"n\":9223372036854775807, \"sent\" : -9223372036854775808 , \"data\" : \"\" } \n");
        assertEquals(Integer.MAX_VALUE, body.from());
        assertEquals(Long.MAX_VALUE, body.n());
        assertEquals(Long.MIN_VALUE, body.sentNanos());
        assertEquals("", data(body));
        assertEquals(0, parsed("{\"from\":0,\"n\":0,\"sent\":0,\"data\":\"x\"}").from());
    }

    @Test
    void keepsTheDataTextVerbatimWithItsEscapes() {
        String text = "a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00 é 😀 中";
        PublishBody body = parsed("{\"from\":1,\"n\":2,\"sent\":3,\"data\":\"" + text + "\"}");
        assertEquals(text, data(body));
    }

    @Test
    void parsesOnlyTheGivenRange() {
        byte[] padded = "xx{\"from\":1,\"n\":2,\"sent\":3,\"data\":\"q\"}yy".getBytes(StandardCharsets.US_ASCII);
        PublishBody body = new PublishBody();
        assertNull(body.parse(padded, 2, padded.length - 4));
        assertEquals("q", data(body));
        assertNotNull(body.parse(padded, 2, padded.length - 3), "the trailing y is outside the body");
    }

    /** Every malformed shape has a reason naming what was wrong (the stacks answer 400 with it). */
    @Test
    void everyMalformedShapeHasItsReason() {
        Map<String, String> reasons = Map.ofEntries(
                Map.entry("", "expected '{' opening the publish body at byte 0, got the end of the body"),
                Map.entry("[]", "expected '{' opening the publish body at byte 0, got '['"),
                Map.entry("{}", "missing field 'from' at byte 1"),
                Map.entry("{\"n\":5,\"from\":1,\"sent\":3,\"data\":\"x\"}", "missing field 'from' at byte 1"),
                Map.entry("{\"from\":1}", "missing field 'n' at byte 9"),
                Map.entry("{\"from\":1,\"sent\":3,\"n\":5,\"data\":\"x\"}", "missing field 'n' at byte 10"),
                Map.entry("{\"from\":1,\"n\":5,\"data\":\"x\"}", "missing field 'sent' at byte 16"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3}", "missing field 'data' at byte 24"),
                Map.entry("{\"from\":1 \"n\":5,\"sent\":3,\"data\":\"x\"}", "expected ',' before field 'n' at byte 10, got '\"'"),
                Map.entry("{\"from\" 1,\"n\":5,\"sent\":3,\"data\":\"x\"}", "expected ':' after field 'from' at byte 8, got '1'"),
                Map.entry("{\"from\":\"1\",\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got '\"1\"' at byte 8"),
                Map.entry("{\"from\":-1,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got '-1' at byte 8"),
                Map.entry("{\"from\":2147483648,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got '2147483648'"),
                Map.entry("{\"from\":1.5,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got '1.5'"),
                Map.entry("{\"from\":01,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got '01'"),
                Map.entry("{\"from\":null,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer"),
                Map.entry("{\"from\":,\"n\":5,\"sent\":3,\"data\":\"x\"}", "field 'from' must be an integer between 0 and 2147483647, got nothing at byte 8"),
                Map.entry("{\"from\":1,\"n\":-5,\"sent\":3,\"data\":\"x\"}", "field 'n' must be an integer of 0 or more, got '-5'"),
                Map.entry("{\"from\":1,\"n\":9223372036854775808,\"sent\":3,\"data\":\"x\"}", "field 'n' must be an integer of 0 or more"),
                Map.entry("{\"from\":1,\"n\":1e3,\"sent\":3,\"data\":\"x\"}", "field 'n' must be an integer of 0 or more, got '1e3'"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":\"3\",\"data\":\"x\"}", "field 'sent' must be an integer (the client's System.nanoTime()), got '\"3\"'"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":-,\"data\":\"x\"}", "field 'sent' must be an integer"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":5}", "field 'data' must be a JSON string, got '5'"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":null}", "field 'data' must be a JSON string, got 'null'"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x}", "field 'data' is not closed: the body ends inside the string"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x\\", "field 'data' is not closed"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"a\nb\"}", "field 'data' has an unescaped control character (0xa) at byte 34"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"\\x\"}", "field 'data' has a bad escape '\\x' at byte 33"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"\\u12g4\"}", "field 'data' has a bad \\u escape at byte 33"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"\\u12\"}", "field 'data' has a bad \\u escape"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x\"", "expected '}' closing the publish body at byte 35, got the end of the body"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x\",\"extra\":1}", "unexpected field after 'data' at byte 35"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x\"}}", "unexpected bytes after the publish body at byte 36"),
                Map.entry("{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"x\"} x", "unexpected bytes after the publish body at byte 37"));
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            PublishBody body = new PublishBody();
            String reason = body.parse(e.getKey());
            assertNotNull(reason, e.getKey());
            assertTrue(reason.startsWith(e.getValue()), () -> e.getKey() + " gave: " + reason + "; expected: " + e.getValue());
            assertFalse(body.isValid(), e.getKey());
        }
    }

    @Test
    void refusesMalformedUtf8InData() {
        byte[][] bad = {
                {(byte) 0xc0, (byte) 0x80},                          // overlong NUL
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80},             // a surrogate
                {(byte) 0xe2, (byte) 0x82},                          // cut short
                {(byte) 0x80},                                       // a lone continuation byte
                {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] b : bad) {
            byte[] head = "{\"from\":1,\"n\":5,\"sent\":3,\"data\":\"".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + b.length + 2];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(b, 0, body, head.length, b.length);
            body[body.length - 2] = '"';
            body[body.length - 1] = '}';
            String reason = new PublishBody().parse(body, 0, body.length);
            assertNotNull(reason);
            assertTrue(reason.startsWith("field 'data' is not valid UTF-8 at byte 33"), reason);
        }
    }

    /** A nack names the message whenever the body got as far as its n. */
    @Test
    void theMessageNumberIsKnownWhenTheFaultLiesAfterIt() {
        PublishBody body = new PublishBody();
        assertNotNull(body.parse("{\"from\":1,\"n\":5,\"sent\":3,\"data\":7}"));
        assertEquals(5, body.n());
        assertNotNull(body.parse("{\"from\":1,\"n\":x,\"sent\":3,\"data\":\"x\"}"));
        assertEquals(-1, body.n());
    }

    /** Every cut of a valid body short of its end is refused, and never read as a shorter valid one. */
    @Test
    void everyTruncationIsRefused() {
        byte[] whole = "{\"from\":12,\"n\":345,\"sent\":-678,\"data\":\"ab\\u00e9c\"}".getBytes(StandardCharsets.US_ASCII);
        PublishBody body = new PublishBody();
        for (int cut = 0; cut < whole.length; cut++) {
            assertNotNull(body.parse(whole, 0, cut), "cut at " + cut);
            assertFalse(body.isValid());
        }
        assertNull(body.parse(whole, 0, whole.length));
        assertEquals(-678, body.sentNanos());
    }
}
