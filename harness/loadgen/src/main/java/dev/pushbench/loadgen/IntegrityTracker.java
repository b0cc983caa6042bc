package dev.pushbench.loadgen;

import dev.pushbench.core.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber's delivery accounting: which events it was owed and which arrived, lost,
 * duplicated or out of order. What is owed comes from the feed's {@link Schedule} (and, in a two-way cell, the
 * messages the server acknowledged to publishers: {@link OwedEvents}) and the cursor the server said the
 * subscription starts after, never from what arrived.
 *
 * <p>A <em>session</em> is one subscription, from the cursor it starts after ({@code S}) to the last
 * event it wants ({@code E}: {@code S + eventsPerConnection} for short-lived subscriptions, unbounded
 * otherwise). Reconnects that resume (Last-Event-ID, cursor) stay in the session; the subscriber is
 * owed every event of {@code (S, E]} whose intended time falls in the {@link Window}.
 *
 * <p>Across reconnects: {@link #resuming()} marks a resume from the highest seq seen ({@code H}). The
 * first event above {@code H} that arrives after it opens, when it is above {@code H + 1}, a gap the
 * resume caused: what of it the window owed and never arrives is {@code lostAcrossReconnect}, a part
 * of {@code lost}. An event at or below {@code H} seen again after the resume is
 * {@code duplicatedAcrossReconnect}, a part of {@code duplicated} (the resume started before the last
 * event seen).
 *
 * <p>Calls for one subscriber come from one connection at a time; the methods are synchronized so
 * the final read on another thread sees everything (uncontended, so cheap).
 */
public final class IntegrityTracker {
    /** {@link #onEvent} result: a new event of the window, to be recorded. */
    public static final int COUNTED = 0;
    /** A new event outside the window or the session: fine, not recorded. */
    public static final int OUTSIDE = 1;
    /** Seen before. */
    public static final int DUPLICATE = 2;

    private static final int MAX_GAPS = 4096;

    private final Schedule schedule;
    private final OwedEvents owed;
    private final int topic;
    private final Window window;
    private final List<long[]> gaps = new ArrayList<>();
    private long sessionStart = -1;
    private long sessionEnd = Long.MAX_VALUE;
    private long highest;
    private long expected;
    private long delivered;
    private long duplicated;
    private long reordered;
    private long scheduleMismatches;
    private long sessions;
    /** The highest seq seen when the subscriber last resumed; -1 when not resumed in this session. */
    private long resumeHighest = -1;
    /** A resume is waiting for its first event above {@link #resumeHighest}. */
    private boolean resumePending;
    /** Owed events in gaps a resume opened that have not arrived (yet). */
    private long reconnectGapsOwed;
    private long duplicatedAcrossReconnect;

    public IntegrityTracker(Schedule schedule, int topic, Window window) {
        this(schedule, OwedEvents.of(schedule), topic, window);
    }

    IntegrityTracker(Schedule schedule, OwedEvents owed, int topic, Window window) {
        this.schedule = schedule;
        this.owed = owed;
        this.topic = topic;
        this.window = window;
    }

    /** A new subscription, live after {@code startCursor}, wanting {@code eventsWanted} events (0 = unbounded). */
    public synchronized void startSession(long startCursor, int eventsWanted) {
        closeSession();
        sessionStart = startCursor;
        sessionEnd = eventsWanted > 0 ? startCursor + eventsWanted : Long.MAX_VALUE;
        sessions++;
        resumeHighest = -1;
        resumePending = false;
        if (startCursor >= highest) {
            // events up to the start were never owed to this session: they are not gaps
            highest = startCursor;
            gaps.clear();
        }
    }

    /** Ends the current session, adding what it was owed. */
    public synchronized void endSession() {
        closeSession();
    }

    private void closeSession() {
        if (sessionStart < 0) {
            return;
        }
        expected += owedBySession();
        sessionStart = -1;
        sessionEnd = Long.MAX_VALUE;
    }

    /** The window's events the open session is owed. */
    private long owedBySession() {
        if (sessionStart < 0) {
            return 0;
        }
        return owed.count(topic, sessionStart + 1, sessionEnd, window);
    }

    /** True when every event of the window owed so far has arrived (call after the window: the drain may end). */
    public synchronized boolean owesNothing() {
        return delivered >= expected + owedBySession();
    }

    /** True when a bounded session has everything up to its last wanted event (time to close it). */
    public synchronized boolean sessionDone() {
        return sessionStart >= 0 && sessionEnd != Long.MAX_VALUE && highest >= sessionEnd;
    }

    /**
     * The subscriber resumes after a connection it lost, from {@link #resumeCursor()}: what arrives next
     * is compared with it. Call once per reconnect attempt that resumes (again if one fails).
     */
    public synchronized void resuming() {
        resumeHighest = highest;
        resumePending = true;
    }

    /** The cursor to resume from after a lost connection: the highest seq seen. */
    public synchronized long resumeCursor() {
        return highest;
    }

    /** @return {@link #COUNTED}, {@link #OUTSIDE} or {@link #DUPLICATE} */
    public synchronized int onEvent(long seq, long intendedNanos) {
        if (owed.scheduled() && intendedNanos != schedule.intendedNanos(topic, seq)) {
            scheduleMismatches++;
        }
        boolean fresh;
        boolean inReconnectGap = false;
        if (seq == highest + 1) {
            highest = seq;
            fresh = true;
        } else if (seq > highest) {
            if (gaps.size() == MAX_GAPS) {
                gaps.remove(0); // those stay lost; only reorder/duplicate telling gets less exact
            }
            boolean byResume = resumePending && highest == resumeHighest;
            gaps.add(new long[] {highest + 1, seq - 1, byResume ? 1 : 0});
            if (byResume) {
                reconnectGapsOwed += owedOf(highest + 1, seq - 1);
            }
            highest = seq;
            fresh = true;
        } else {
            int filled = fillGap(seq);
            fresh = filled != NOT_IN_A_GAP;
            inReconnectGap = filled == IN_A_RECONNECT_GAP;
            if (fresh) {
                reordered++;
            }
        }
        if (resumePending && seq > resumeHighest) {
            resumePending = false;
        }
        if (!fresh) {
            duplicated++;
            if (seq <= resumeHighest) {
                duplicatedAcrossReconnect++;
            }
            return DUPLICATE;
        }
        if (sessionStart >= 0 && seq > sessionStart && seq <= sessionEnd && window.contains(intendedNanos)) {
            delivered++;
            if (inReconnectGap && reconnectGapsOwed > 0) {
                reconnectGapsOwed--; // late, but it came: not lost
            }
            return COUNTED;
        }
        return OUTSIDE;
    }

    /** How many of the seqs {@code [from, to]} the open session is owed (the window's, within the session). */
    private long owedOf(long from, long to) {
        if (sessionStart < 0) {
            return 0;
        }
        return owed.count(topic, Math.max(from, sessionStart + 1), Math.min(to, sessionEnd), window);
    }

    private static final int NOT_IN_A_GAP = 0;
    private static final int IN_A_GAP = 1;
    private static final int IN_A_RECONNECT_GAP = 2;

    /** Takes {@code seq} out of the gap holding it; {@link #NOT_IN_A_GAP} if none does (a duplicate). */
    private int fillGap(long seq) {
        for (int i = gaps.size() - 1; i >= 0; i--) {
            long[] g = gaps.get(i);
            if (seq >= g[0] && seq <= g[1]) {
                if (g[0] == g[1]) {
                    gaps.remove(i);
                } else if (seq == g[0]) {
                    g[0]++;
                } else if (seq == g[1]) {
                    g[1]--;
                } else {
                    gaps.add(i + 1, new long[] {seq + 1, g[1], g[2]});
                    g[1] = seq - 1;
                }
                return g[2] != 0 ? IN_A_RECONNECT_GAP : IN_A_GAP;
            }
        }
        return NOT_IN_A_GAP;
    }

    /**
     * Closes the open session and returns the totals. Of the owed events that did not arrive, those
     * after the highest seq seen are {@code late} (still in flight, in order, when the drain ended: an
     * overloaded connection), the others {@code lost} (a gap: skipped, never to come).
     */
    public synchronized Delivery finish() {
        long late = pendingInSession();
        closeSession();
        long missing = Math.max(0, expected - delivered);
        late = Math.min(late, missing);
        long lost = missing - late;
        return new Delivery(expected, delivered, lost, late, duplicated, reordered, scheduleMismatches, sessions,
                Math.min(reconnectGapsOwed, lost), duplicatedAcrossReconnect);
    }

    /** The open session's owed events of the window after the highest seq seen. */
    private long pendingInSession() {
        if (sessionStart < 0) {
            return 0;
        }
        return owed.count(topic, Math.max(sessionStart + 1, highest + 1), sessionEnd, window);
    }

    /**
     * One subscriber's (or, summed, a cell's) delivery figures.
     *
     * @param lostAcrossReconnect       of {@code lost}, those in a gap a resume opened
     * @param duplicatedAcrossReconnect of {@code duplicated}, those a resume sent again
     */
    public record Delivery(long expected, long delivered, long lost, long late, long duplicated, long reordered,
                           long scheduleMismatches, long sessions, long lostAcrossReconnect, long duplicatedAcrossReconnect) {

        public static final Delivery NONE = new Delivery(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public Delivery plus(Delivery o) {
            return new Delivery(expected + o.expected, delivered + o.delivered, lost + o.lost, late + o.late,
                    duplicated + o.duplicated, reordered + o.reordered,
                    scheduleMismatches + o.scheduleMismatches, sessions + o.sessions,
                    lostAcrossReconnect + o.lostAcrossReconnect, duplicatedAcrossReconnect + o.duplicatedAcrossReconnect);
        }
    }
}
