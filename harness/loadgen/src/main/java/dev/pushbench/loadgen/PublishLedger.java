package dev.pushbench.loadgen;

import dev.pushbench.core.Schedule;
import java.util.Arrays;

/**
 * A two-way cell's record of what each topic carried: every message the server acknowledged to a publisher (its
 * seq and the intended send time it carries), and so, by elimination, which seqs were the feed's. Subscribers'
 * {@link IntegrityTracker}s count what they are owed through it ({@link OwedEvents}): the published messages of
 * their session whose intended send time falls in the window, and the feed's events due in the window.
 *
 * <pre>
 *   PublishLedger ledger = new PublishLedger(schedule);
 *   ledger.acknowledged(topic, seq, intendedSendNanos);       // any thread, at each ack
 *   long owed = ledger.count(topic, firstSeq, lastSeq, window);
 * </pre>
 *
 * <p>The feed's events in a topic are the seqs no publisher was acknowledged: the {@code j}-th of them is the feed's
 * {@code j}-th event, due at the {@link Schedule}'s time. A message the server sequenced whose acknowledgement never
 * arrived (its connection ended meanwhile) is counted as failed by its publisher and would be taken for a feed event
 * here; {@code upstream.failed} says when that can have happened.
 */
final class PublishLedger implements OwedEvents {
    private final Schedule schedule;
    private final Topic[] topics;

    PublishLedger(Schedule schedule) {
        this.schedule = schedule;
        this.topics = new Topic[schedule.topics()];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = new Topic();
        }
    }

    /** The server answered a publish to {@code topic} with {@code seq}; the message was due to be sent at {@code intendedNanos}. */
    void acknowledged(int topic, long seq, long intendedNanos) {
        topics[topic].add(seq, intendedNanos);
    }

    @Override
    public long count(int topic, long fromSeq, long toSeq, Window window) {
        if (!window.isSet() || toSeq < fromSeq) {
            return 0;
        }
        Sorted sorted = topics[topic].sorted(window);
        long published = sorted.inWindowUpTo(toSeq) - sorted.inWindowUpTo(fromSeq - 1);
        // feed seqs up to x: x - (published seqs up to x); the j-th feed seq is the feed's event j
        long firstFeed = (fromSeq - 1) - sorted.upTo(fromSeq - 1) + 1;
        long lastFeed = toSeq == Long.MAX_VALUE ? Long.MAX_VALUE : toSeq - sorted.upTo(toSeq);
        long dueFrom = schedule.firstSeqAtOrAfter(topic, window.startNanos());
        long dueTo = schedule.firstSeqAtOrAfter(topic, window.endNanos()) - 1;
        long feed = Math.max(0, Math.min(lastFeed, dueTo) - Math.max(firstFeed, dueFrom) + 1);
        return published + feed;
    }

    @Override
    public boolean scheduled() {
        return false;
    }

    /** One topic's acknowledged messages, in the order their acks came. */
    private static final class Topic {
        private long[] seqs = new long[64];
        private long[] intended = new long[64];
        private int size;
        private Sorted sorted;

        synchronized void add(long seq, long intendedNanos) {
            if (size == seqs.length) {
                seqs = Arrays.copyOf(seqs, size * 2);
                intended = Arrays.copyOf(intended, size * 2);
            }
            seqs[size] = seq;
            intended[size] = intendedNanos;
            size++;
            sorted = null;
        }

        /** By seq, with running counts of those in {@code window}; made again after an add or for another window. */
        synchronized Sorted sorted(Window window) {
            Sorted s = sorted;
            if (s == null || s.windowStart != window.startNanos() || s.windowEnd != window.endNanos()) {
                s = new Sorted(seqs, intended, size, window);
                sorted = s;
            }
            return s;
        }
    }

    /** A topic's acknowledged seqs in order, and how many up to each were intended in the window. */
    private static final class Sorted {
        final long windowStart;
        final long windowEnd;
        final long[] seqs;
        /** {@code inWindow[i]}: of {@code seqs[0..i)}, those intended in the window. */
        final int[] inWindow;

        Sorted(long[] bySeqs, long[] byIntended, int size, Window window) {
            windowStart = window.startNanos();
            windowEnd = window.endNanos();
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(bySeqs[a], bySeqs[b]));
            seqs = new long[size];
            inWindow = new int[size + 1];
            for (int i = 0; i < size; i++) {
                seqs[i] = bySeqs[order[i]];
                inWindow[i + 1] = inWindow[i] + (window.contains(byIntended[order[i]]) ? 1 : 0);
            }
        }

        /** How many acknowledged seqs are at or below {@code seq}. */
        long upTo(long seq) {
            int at = Arrays.binarySearch(seqs, seq);
            return at >= 0 ? at + 1 : -at - 1;
        }

        long inWindowUpTo(long seq) {
            return inWindow[(int) upTo(seq)];
        }
    }
}
