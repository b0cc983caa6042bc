package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final long[] T0S = {0, 1, 1_234_567_891_011L, -5_000_000_000L};
    private static final int[] TOPICS = {1, 2, 3, 7, 100};
    private static final double[] RATES = {0.2, 1, 3, 7, 10, 1000, 333_333.3};

    private static List<Schedule> schedules() {
        List<Schedule> all = new ArrayList<>();
        for (long t0 : T0S) {
            for (int topics : TOPICS) {
                for (double rate : RATES) {
                    all.add(new Schedule(t0, topics, rate));
                }
            }
        }
        return all;
    }

    @Test
    void intendedTimesAreT0PlusPhasePlusWholePeriods() {
        Schedule s = new Schedule(1000, 4, 2);
        assertEquals(500_000_000.0, s.periodNanos());
        assertEquals(0, s.phaseNanos(0));
        assertEquals(125_000_000, s.phaseNanos(1));
        assertEquals(375_000_000, s.phaseNanos(3));
        assertEquals(1000, s.intendedNanos(0, 1));
        assertEquals(1000 + 125_000_000 + 1_000_000_000, s.intendedNanos(1, 3));

        Schedule third = new Schedule(0, 1, 3);
        assertEquals(333_333_333, third.intendedNanos(0, 2));
        assertEquals(666_666_667, third.intendedNanos(0, 3));
        assertEquals(1_000_000_000, third.intendedNanos(0, 4));

        Schedule seventh = new Schedule(0, 1, 7);
        assertEquals(142_857_143, seventh.intendedNanos(0, 2));
        assertEquals(1_000_000_000, seventh.intendedNanos(0, 8));

        Schedule fifth = new Schedule(42, 2, 0.2);
        assertEquals(42, fifth.intendedNanos(0, 1));
        assertEquals(42 + 2_500_000_000L, fifth.intendedNanos(1, 1));
        assertEquals(42 + 5_000_000_000L, fifth.intendedNanos(0, 2));
    }

    @Test
    void phasesSpreadTopicsOverOnePeriod() {
        for (Schedule s : schedules()) {
            long previous = -1;
            for (int topic = 0; topic < s.topics(); topic++) {
                long phase = s.phaseNanos(topic);
                assertTrue(phase >= 0 && phase < s.periodNanos(), s + " topic " + topic + " phase " + phase);
                assertTrue(phase > previous, s + " phases must grow, topic " + topic);
                previous = phase;
            }
        }
    }

    @Test
    void seqThenTopicOrderIsChronological() {
        for (Schedule s : schedules()) {
            for (long start : new long[] {1, 1_000_000, 1_000_000_000L}) {
                long previous = Long.MIN_VALUE;
                for (long seq = start; seq < start + 20; seq++) {
                    for (int topic = 0; topic < s.topics(); topic++) {
                        long t = s.intendedNanos(topic, seq);
                        assertTrue(t >= previous, s + " (" + seq + ", " + topic + ") at " + t + " is before " + previous);
                        previous = t;
                    }
                }
            }
        }
    }

    @Test
    void firstSeqAtOrAfterAgreesWithBruteForce() {
        SplittableRandom random = new SplittableRandom(7);
        for (Schedule s : schedules()) {
            long period = (long) Math.ceil(s.periodNanos());
            for (int i = 0; i < 200; i++) {
                int topic = random.nextInt(s.topics());
                long nanos = s.t0Nanos() - period + random.nextLong(40 * period);
                assertEquals(bruteFirstSeq(s, topic, nanos), s.firstSeqAtOrAfter(topic, nanos), s + " topic " + topic + " at " + nanos);
            }
            // exactly on, one before and one after intended times
            for (int topic = 0; topic < s.topics(); topic += Math.max(1, s.topics() / 3)) {
                for (long seq = 1; seq <= 12; seq++) {
                    long t = s.intendedNanos(topic, seq);
                    assertEquals(seq, s.firstSeqAtOrAfter(topic, t));
                    assertEquals(seq, s.firstSeqAtOrAfter(topic, t - 1));
                    assertEquals(seq + 1, s.firstSeqAtOrAfter(topic, t + 1));
                }
            }
        }
    }

    @Test
    void firstSeqAtOrAfterHoldsForLargeSeqs() {
        SplittableRandom random = new SplittableRandom(11);
        for (Schedule s : schedules()) {
            for (int i = 0; i < 100; i++) {
                int topic = random.nextInt(s.topics());
                long seq = 1_000_000 + random.nextLong(1_000_000_000L);
                long t = s.intendedNanos(topic, seq);
                for (long nanos : new long[] {t - 1, t, t + 1}) {
                    long first = s.firstSeqAtOrAfter(topic, nanos);
                    // the defining property, which a linear scan would check from seq 1 on
                    assertTrue(s.intendedNanos(topic, first) >= nanos, s + " " + nanos);
                    assertTrue(s.intendedNanos(topic, first - 1) < nanos, s + " " + nanos);
                }
                assertEquals(seq, s.firstSeqAtOrAfter(topic, t));
                assertEquals(seq + 1, s.firstSeqAtOrAfter(topic, t + 1));
            }
        }
    }

    @Test
    void countInWindowAgreesWithBruteForce() {
        SplittableRandom random = new SplittableRandom(13);
        for (Schedule s : schedules()) {
            long period = (long) Math.ceil(s.periodNanos());
            for (int i = 0; i < 200; i++) {
                int topic = random.nextInt(s.topics());
                long from = s.t0Nanos() - period + random.nextLong(20 * period);
                long to = from + random.nextLong(-period, 15 * period);
                long afterSeq = random.nextInt(4) == 0 ? 0 : random.nextLong(25);
                assertEquals(bruteCount(s, topic, afterSeq, from, to), s.countInWindow(topic, afterSeq, from, to),
                        s + " topic " + topic + " after " + afterSeq + " in [" + from + ", " + to + ")");
            }
        }
    }

    @Test
    void countInWindowOfLargeSeqsCountsWholePeriods() {
        for (Schedule s : schedules()) {
            int topic = s.topics() - 1;
            long seq = 987_654_321;
            long from = s.intendedNanos(topic, seq);
            long to = s.intendedNanos(topic, seq + 1000);
            assertEquals(1000, s.countInWindow(topic, 0, from, to), s.toString());
            assertEquals(999, s.countInWindow(topic, 0, from + 1, to), s.toString());
            assertEquals(1000, s.countInWindow(topic, 0, from + 1, to + 1), s.toString());
            assertEquals(9, s.countInWindow(topic, seq + 990, from, to), s.toString());
            assertEquals(0, s.countInWindow(topic, seq + 5000, from, to), s.toString());
        }
    }

    @Test
    void refusesImpossibleSchedules() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0, 1));
        assertTrue(e.getMessage().contains("topics"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, -3));
    }

    @Test
    void aRateOfZeroHasNoEvents() {
        Schedule silent = new Schedule(1_000, 3, 0);
        assertTrue(silent.isSilent());
        assertEquals(Double.POSITIVE_INFINITY, silent.periodNanos());
        for (int topic = 0; topic < 3; topic++) {
            assertEquals(0, silent.phaseNanos(topic));
            assertEquals(Long.MAX_VALUE, silent.intendedNanos(topic, 1));
            assertEquals(Long.MAX_VALUE, silent.intendedNanos(topic, 1_000_000));
            for (long nanos : new long[] {Long.MIN_VALUE, 0, 1_000, 1_001, 5_000_000_000L, Long.MAX_VALUE}) {
                assertEquals(1, silent.firstSeqAtOrAfter(topic, nanos));
                assertEquals(0, silent.countInWindow(topic, 0, Long.MIN_VALUE, nanos));
            }
        }
        assertTrue(!new Schedule(0, 1, 0.001).isSilent());
    }

    private static long bruteFirstSeq(Schedule s, int topic, long nanos) {
        long seq = 1;
        while (s.intendedNanos(topic, seq) < nanos) {
            seq++;
        }
        return seq;
    }

    private static long bruteCount(Schedule s, int topic, long afterSeq, long from, long to) {
        long count = 0;
        for (long seq = 1; s.intendedNanos(topic, seq) < to; seq++) {
            if (seq > afterSeq && s.intendedNanos(topic, seq) >= from) {
                count++;
            }
        }
        return count;
    }
}
