package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FeedSpecTest {

    @Test
    void acceptsTheBoundaries() {
        new FeedSpec(1, 0.001, 0, 1);
        new FeedSpec(1, 0, 0, 1);
        new FeedSpec(1_000_000, 1_000_000, FeedSpec.MAX_PAYLOAD_BYTES, 1 << 24);
    }

    @Test
    void namesTheBadValue() {
        assertMessage("topics must be between 1 and 1000000, got 0", () -> new FeedSpec(0, 1, 16, 64));
        assertMessage("topics must be between 1 and 1000000, got 1000001", () -> new FeedSpec(1_000_001, 1, 16, 64));
        assertMessage("rate must be between 0/s and 1000000/s per topic, got -2.0/s", () -> new FeedSpec(1, -2, 16, 64));
        assertMessage("rate must be between 0/s and 1000000/s per topic, got NaN/s", () -> new FeedSpec(1, Double.NaN, 16, 64));
        assertMessage("rate must be between 0/s and 1000000/s per topic, got 1000001.0/s", () -> new FeedSpec(1, 1_000_001, 16, 64));
        assertMessage("payload must be between 0B and 16MiB, got -1B", () -> new FeedSpec(1, 1, -1, 64));
        assertMessage("payload must be between 0B and 16MiB, got 16777217B", () -> new FeedSpec(1, 1, FeedSpec.MAX_PAYLOAD_BYTES + 1, 64));
        assertMessage("history must be a power of two between 1 and 16777216 events, got 0", () -> new FeedSpec(1, 1, 16, 0));
        assertMessage("history must be a power of two between 1 and 16777216 events, got 100", () -> new FeedSpec(1, 1, 16, 100));
        assertMessage("history must be a power of two between 1 and 16777216 events, got 33554432", () -> new FeedSpec(1, 1, 16, 1 << 25));
        assertMessage("history must be a power of two between 1 and 16777216 events, got -2147483648", () -> new FeedSpec(1, 1, 16, Integer.MIN_VALUE));
    }

    @Test
    void topicNamesRoundTrip() {
        FeedSpec spec = new FeedSpec(1_000_000, 1, 16, 64);
        for (int topic : new int[] {0, 1, 9, 10, 11, 99, 100, 12345, 999_999}) {
            assertEquals(topic, spec.topicIndex(FeedSpec.topicName(topic)));
        }
        assertEquals("t0", FeedSpec.topicName(0));
        assertEquals("t10", FeedSpec.topicName(10));
    }

    @Test
    void topicIndexRefusesWhatIsNotATopicOfTheFeed() {
        FeedSpec spec = new FeedSpec(11, 1, 16, 64);
        assertEquals(0, spec.topicIndex("t0"));
        assertEquals(10, spec.topicIndex("t10"));
        for (String bad : new String[] {"t11", "t12", "t01", "t00", "t010", "t", "", "0", "10", "T1", "x1", "t-1", "t+1",
                "t1 ", " t1", "t1/", "t1a", "ta", "t١", "t99999999", "t2147483648", "t9999999999999"}) {
            assertEquals(-1, spec.topicIndex(bad), "'" + bad + "'");
        }
        assertEquals(-1, new FeedSpec(1, 1, 16, 64).topicIndex("t1"));
    }

    private static void assertMessage(String expected, Executable bad) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, bad).getMessage());
    }
}
