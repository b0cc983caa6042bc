package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PollAnswerTest {
    private TopicRing ring;
    private ServerCounters counters;

    @BeforeEach
    void setUp() {
        ring = new TopicRing(4);
        counters = new ServerCounters();
    }

    private void publishUpTo(long latest) {
        for (long seq = ring.latestSeq() + 1; seq <= latest; seq++) {
            ring.append(Event.encode(2, seq, seq * 10, seq * 10 + 3, 2));
        }
    }

    private static String json(long seq) {
        return "{\"topic\":\"t2\",\"seq\":" + seq + ",\"intended\":" + seq * 10 + ",\"sent\":" + (seq * 10 + 3) + ",\"data\":\"ab\"}";
    }

    private String build(long since, int maxEvents) {
        return new String(PollAnswer.build(ring, 2, since, maxEvents, counters), StandardCharsets.US_ASCII);
    }

    @Test
    void liveAnswerHoldsTheCurrentCursorAndNoEvents() {
        assertEquals("{\"topic\":\"t2\",\"cursor\":0,\"lost\":0,\"events\":[]}", build(Route.LIVE, 10));
        publishUpTo(3);
        assertEquals("{\"topic\":\"t2\",\"cursor\":3,\"lost\":0,\"events\":[]}", build(Route.LIVE, 10));
        assertEquals(2, counters.pollRequests.sum());
        assertEquals(2, counters.emptyPollAnswers.sum());
        assertEquals(0, counters.eventsWritten.sum());
    }

    /** A restarted server's history begins after the events due while none ran (EventFeed.start with a skip). */
    @Test
    void aCursorBelowARestartedHistoryIsToldOfTheGapAndALiveStartBeginsAfterIt() {
        ring.startAfter(20);
        assertEquals("{\"topic\":\"t2\",\"cursor\":20,\"lost\":0,\"events\":[]}", build(Route.LIVE, 10));
        assertTrue(PollAnswer.ready(ring, 12), "a cursor before the history is answered at once");
        assertFalse(PollAnswer.ready(ring, 20));
        assertEquals("{\"topic\":\"t2\",\"cursor\":20,\"lost\":8,\"events\":[]}", build(12, 10),
                "13..20 gone before anything is held: the cursor moves to the history's start");
        publishUpTo(22);
        assertEquals("{\"topic\":\"t2\",\"cursor\":22,\"lost\":8,\"events\":[" + json(21) + "," + json(22) + "]}", build(12, 10));
        assertEquals("{\"topic\":\"t2\",\"cursor\":22,\"lost\":0,\"events\":[" + json(22) + "]}", build(21, 10));
        assertEquals(16, counters.historyMisses.sum());
        assertEquals(4, counters.pollRequests.sum());
    }

    @Test
    void answersTheEventsAfterTheCursor() {
        publishUpTo(3);
        assertEquals("{\"topic\":\"t2\",\"cursor\":3,\"lost\":0,\"events\":[" + json(1) + "," + json(2) + "," + json(3) + "]}", build(0, 10));
        assertEquals("{\"topic\":\"t2\",\"cursor\":3,\"lost\":0,\"events\":[" + json(3) + "]}", build(2, 10));
        assertEquals(2, counters.pollRequests.sum());
        assertEquals(0, counters.emptyPollAnswers.sum());
        assertEquals(4, counters.eventsWritten.sum());
        assertEquals(0, counters.historyMisses.sum());
    }

    @Test
    void emptyAnswerKeepsTheCursor() {
        assertEquals("{\"topic\":\"t2\",\"cursor\":0,\"lost\":0,\"events\":[]}", build(0, 10));
        publishUpTo(3);
        assertEquals("{\"topic\":\"t2\",\"cursor\":3,\"lost\":0,\"events\":[]}", build(3, 10));
        assertEquals(2, counters.pollRequests.sum());
        assertEquals(2, counters.emptyPollAnswers.sum());
        assertEquals(0, counters.eventsWritten.sum());
    }

    @Test
    void maxEventsCapsTheBatchAndTheCursorIsTheLastIncluded() {
        publishUpTo(4);
        assertEquals("{\"topic\":\"t2\",\"cursor\":2,\"lost\":0,\"events\":[" + json(1) + "," + json(2) + "]}", build(0, 2));
        assertEquals("{\"topic\":\"t2\",\"cursor\":3,\"lost\":0,\"events\":[" + json(3) + "]}", build(2, 1));
        assertEquals("{\"topic\":\"t2\",\"cursor\":4,\"lost\":0,\"events\":[" + json(4) + "]}", build(3, 1));
        assertEquals(3, counters.pollRequests.sum());
        assertEquals(4, counters.eventsWritten.sum());
    }

    @Test
    void lostCountsWhatLeftHistory() {
        publishUpTo(10); // ring of 4 holds 7..10
        assertEquals("{\"topic\":\"t2\",\"cursor\":10,\"lost\":4,\"events\":[" + json(7) + "," + json(8) + "," + json(9) + "," + json(10) + "]}",
                build(2, 10));
        assertEquals(4, counters.historyMisses.sum());
        assertEquals("{\"topic\":\"t2\",\"cursor\":8,\"lost\":6,\"events\":[" + json(7) + "," + json(8) + "]}", build(0, 2));
        assertEquals(10, counters.historyMisses.sum());
        assertEquals("{\"topic\":\"t2\",\"cursor\":10,\"lost\":0,\"events\":[" + json(7) + "," + json(8) + "," + json(9) + "," + json(10) + "]}",
                build(6, 10), "the cursor just before the oldest loses nothing");
        assertEquals(10, counters.historyMisses.sum());
        assertEquals(3, counters.pollRequests.sum());
        assertEquals(10, counters.eventsWritten.sum());
    }

    @Test
    void theAnswerParsesEventByEvent() {
        publishUpTo(10);
        byte[] body = PollAnswer.build(ring, 2, 5, 3, counters);
        String text = new String(body, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{\"topic\":\"t2\",\"cursor\":9,\"lost\":1,\"events\":["), text);
        EventFields f = new EventFields();
        int at = text.indexOf('[');
        for (long seq = 7; seq <= 9; seq++) {
            assertTrue(f.parse(body, at, body.length - at));
            assertEquals(seq, f.seq());
            at = f.end();
        }
        assertFalse(f.parse(body, at, body.length - at));
    }

    @Test
    void readyWhenThereIsSomethingToAnswer() {
        assertTrue(PollAnswer.ready(ring, Route.LIVE));
        assertFalse(PollAnswer.ready(ring, 0));
        publishUpTo(2);
        assertTrue(PollAnswer.ready(ring, 0));
        assertTrue(PollAnswer.ready(ring, 1));
        assertFalse(PollAnswer.ready(ring, 2));
    }
}
