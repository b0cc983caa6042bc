package dev.pushbench.core;

/**
 * What the {@link EventFeed} publishes: {@code topics} topics named {@code t0 … t(n-1)}, each at
 * {@code ratePerSecond}, every event carrying {@code payloadBytes} of padding in its {@code data}
 * field, and the last {@code historyEvents} events of each topic kept for polling and resume. A
 * scenario's {@code feed} section reads into one, so a scenario the feed would refuse cannot be built.
 *
 * <pre>
 *   FeedSpec feed = new FeedSpec(10, 2.0, 512, 1024);   // 10 topics, 2 events/s each, 512-byte data, 1024 kept
 * </pre>
 *
 * @param ratePerSecond events per second, per topic; 0 for no feed events (only clients publish)
 * @param payloadBytes  size of each event's {@code data} field
 * @param historyEvents events kept per topic for polling and resume, a power of two
 */
public record FeedSpec(int topics, double ratePerSecond, int payloadBytes, int historyEvents) {

    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    public FeedSpec {
        if (topics < 1 || topics > 1_000_000) {
            throw new IllegalArgumentException("topics must be between 1 and 1000000, got " + topics);
        }
        if (!(ratePerSecond >= 0) || ratePerSecond > 1_000_000) {
            throw new IllegalArgumentException("rate must be between 0/s and 1000000/s per topic, got " + ratePerSecond + "/s");
        }
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload must be between 0B and 16MiB, got " + payloadBytes + "B");
        }
        if (historyEvents < 1 || Integer.bitCount(historyEvents) != 1 || historyEvents > (1 << 24)) {
            throw new IllegalArgumentException("history must be a power of two between 1 and 16777216 events, got " + historyEvents);
        }
    }

    /** Events per second over all topics. */
    public double totalRatePerSecond() {
        return topics * ratePerSecond;
    }

    public static String topicName(int topicIndex) {
        return "t" + topicIndex;
    }

    /**
     * The index of a topic name, or -1 when {@code name} is not {@code t<n>} for a topic of this feed.
     */
    public int topicIndex(CharSequence name) {
        int n = name.length();
        if (n < 2 || n > 8 || name.charAt(0) != 't') {
            return -1;
        }
        int index = 0;
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || (i == 1 && c == '0' && n > 2)) {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return index < topics ? index : -1;
    }
}
