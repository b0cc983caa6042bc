package dev.pushbench.runner.scenario;

import dev.pushbench.core.FeedSpec;

/**
 * What the server's event feed publishes, as the scenario states it; {@link #toFeedSpec()} hands it
 * to the server. The limits are {@link FeedSpec}'s: a scenario the feed would refuse cannot be built.
 *
 * <pre>
 *   Feed feed = new Feed(10, 2.0, 512, 1024);   // 10 topics, 2 events/s each, 512-byte data, 1024 kept
 *   FeedSpec spec = feed.toFeedSpec();
 * </pre>
 *
 * @param ratePerSecond  events per second, per topic
 * @param payloadBytes   size of each event's {@code data} field
 * @param historyEvents  events kept per topic for polling and resume, a power of two
 */
public record Feed(int topics, double ratePerSecond, int payloadBytes, int historyEvents) {

    public Feed {
        new FeedSpec(topics, ratePerSecond, payloadBytes, historyEvents); // throws, naming the field
    }

    public FeedSpec toFeedSpec() {
        return new FeedSpec(topics, ratePerSecond, payloadBytes, historyEvents);
    }

    /** Events per second over all topics. */
    public double totalRatePerSecond() {
        return topics * ratePerSecond;
    }
}
