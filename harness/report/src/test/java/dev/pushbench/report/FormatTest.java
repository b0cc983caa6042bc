package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FormatTest {
    @Test
    void microsecondsReadAsMicrosMillisOrSecondsWithThreeDigits() {
        assertEquals("0 µs", Format.micros(0));
        assertEquals("1 µs", Format.micros(1));
        assertEquals("0.5 µs", Format.micros(0.5));
        assertEquals("700 µs", Format.micros(700));
        assertEquals("813 µs", Format.micros(812.5));
        assertEquals("999 µs", Format.micros(999));
        assertEquals("1.00 ms", Format.micros(999.7), "rounding decides the unit");
        assertEquals("1.10 ms", Format.micros(1100));
        assertEquals("12.3 ms", Format.micros(12_345));
        assertEquals("123 ms", Format.micros(123_456));
        assertEquals("1.00 s", Format.micros(999_999));
        assertEquals("60.0 s", Format.micros(60_000_000));
        assertEquals("1500 s", Format.micros(1_500_000_000));
        assertEquals("-2.50 ms", Format.micros(-2_500));
        assertEquals("—", Format.micros((Double) null));
    }

    @Test
    void countsGroupThousandsAndKeepFractionsAsStored() {
        assertEquals("5,000", Format.count(5000));
        assertEquals("0", Format.count(0));
        assertEquals("2.5", Format.count(2.5));
        assertEquals("—", Format.count(null));
    }

    @Test
    void bytesUseBinaryUnits() {
        assertEquals("512 B", Format.bytes(512));
        assertEquals("4.0 KiB", Format.bytes(4096));
        assertEquals("7.8 GiB", Format.bytes(8_321_499_136L));
    }

    @Test
    void jsonForAScriptElementCannotCloseItOrOpenAComment() {
        String json = Html.scriptJson(java.util.Map.of("label", "</script><script>alert(1)</script><!-- & \u2028")).text();

        assertEquals("{\"label\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
                + "\\u003c!-- \\u0026 \\u2028\"}", json);
    }

    @Test
    void linkSegmentsArePercentEncoded() {
        assertEquals("jetty-sse-http1.1", Html.pathSegment("jetty-sse-http1.1"));
        assertEquals("a%2Fb%20c%3A%3Cd%3E%C2%B5", Html.pathSegment("a/b c:<d>µ"));
        assertEquals("cells/x/summary.json", Html.relativeLink("cells", "x", "summary.json"));
    }
}
