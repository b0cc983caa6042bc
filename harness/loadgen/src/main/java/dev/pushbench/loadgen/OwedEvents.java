package dev.pushbench.loadgen;

import dev.pushbench.core.Schedule;

/**
 * Which seqs of a topic a subscriber is owed: those whose intended time falls in the {@link Window}. For a one-way
 * cell that is the feed's {@link Schedule} alone ({@link #of(Schedule)}); for a two-way cell the topic's seqs are
 * shared by the feed and the messages clients published, and the {@link PublishLedger} knows which is which.
 *
 * <pre>
 *   long owed = OwedEvents.of(schedule).count(topic, firstSeq, lastSeq, window);
 * </pre>
 */
interface OwedEvents {

    /** How many seqs of {@code [fromSeq, toSeq]} of {@code topic} have intended times in {@code window}. */
    long count(int topic, long fromSeq, long toSeq, Window window);

    /** True when the intended time of each seq is the schedule's: a mismatch is then the server's error. */
    boolean scheduled();

    /** The feed's events only: seq {@code k} is due at the schedule's time for {@code k}. */
    static OwedEvents of(Schedule schedule) {
        return new OwedEvents() {
            @Override
            public long count(int topic, long fromSeq, long toSeq, Window window) {
                if (!window.isSet() || toSeq < fromSeq) {
                    return 0;
                }
                long first = Math.max(fromSeq, schedule.firstSeqAtOrAfter(topic, window.startNanos()));
                long last = Math.min(toSeq, schedule.firstSeqAtOrAfter(topic, window.endNanos()) - 1);
                return Math.max(0, last - first + 1);
            }

            @Override
            public boolean scheduled() {
                return true;
            }
        };
    }
}
