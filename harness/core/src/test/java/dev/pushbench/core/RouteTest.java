package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouteTest {
    private EventFeed feed;

    @BeforeEach
    void feedWithHistory() {
        feed = Fixtures.feed(12, 8);
        Fixtures.publish(feed, 0, 5);
        Fixtures.publish(feed, 11, 20);
    }

    @Test
    void everyTransportHasItsPrefix() throws Exception {
        assertEquals(new Route(Transport.SSE, 0, Route.LIVE), Route.parse(feed, "/sse/t0", null, null));
        assertEquals(new Route(Transport.WEBSOCKET, 11, Route.LIVE), Route.parse(feed, "/ws/t11", "", null));
        assertEquals(new Route(Transport.LONG_POLLING, 0, 3), Route.parse(feed, "/long-poll/t0", "since=3", null));
        assertEquals(new Route(Transport.SHORT_POLLING, 11, 20), Route.parse(feed, "/poll/t11", "since=20", null));
    }

    @Test
    void unknownPathsAre404() {
        for (String path : new String[] {"/", "", "/sse", "/ws", "/poll", "/long-poll", "/SSE/t0", "/events/t0",
                "/long-polling/t0", "sse/t0", "//sse/t0", "/polls/t0"}) {
            PushRequestException e = assertThrows(PushRequestException.class, () -> Route.parse(feed, path, null, null), path);
            assertEquals(404, e.status(), path);
            assertTrue(e.getMessage().contains("no such path: " + path), e.getMessage());
        }
    }

    @Test
    void badTopicsAre400() {
        for (String path : new String[] {"/sse/", "/sse/t12", "/sse/t01", "/ws/x", "/poll/t0/", "/long-poll/t-1", "/poll/t0?since=1"}) {
            PushRequestException e = assertThrows(PushRequestException.class, () -> Route.parse(feed, path, null, null), path);
            assertEquals(400, e.status(), path);
            assertTrue(e.getMessage().startsWith("unknown topic '"), e.getMessage());
            assertTrue(e.getMessage().endsWith("topics are t0 to t11"), e.getMessage());
        }
    }

    @Test
    void cursorsFromZeroToTheNewest() throws Exception {
        assertEquals(0, Route.parse(feed, "/poll/t0", "since=0", null).since());
        assertEquals(5, Route.parse(feed, "/poll/t0", "since=5", null).since());
        assertEquals(1, Route.parse(feed, "/poll/t11", "since=1", null).since(), "a cursor before history is allowed: the answer reports the loss");
    }

    @Test
    void badCursorsAre400() {
        String[] bad = {"since=abc", "since=1a", "since=-1", "since=+1", "since=", "since", "since=1.0", "since=0x1",
            "since=6", "since=9223372036854775807", "since=99999999999999999999999", "since=1000000000000000000", "since=%35", "since= "};
        for (String query : bad) {
            PushRequestException e = assertThrows(PushRequestException.class, () -> Route.parse(feed, "/poll/t0", query, null), query);
            assertEquals(400, e.status(), query);
            assertTrue(e.getMessage().startsWith("bad cursor"), e.getMessage());
        }
        PushRequestException ahead = assertThrows(PushRequestException.class, () -> Route.parse(feed, "/ws/t0", "since=6", null));
        assertEquals("bad cursor 6: the topic's newest event is 5", ahead.getMessage());
        PushRequestException letters = assertThrows(PushRequestException.class, () -> Route.parse(feed, "/sse/t0", null, "abc"));
        assertEquals(400, letters.status());
        assertEquals("bad cursor 'abc': a cursor is the seq of the last event seen, 0 or more", letters.getMessage());
    }

    @Test
    void lastEventIdWinsForSseOnly() throws Exception {
        assertEquals(2, Route.parse(feed, "/sse/t0", "since=4", "2").since());
        assertEquals(4, Route.parse(feed, "/sse/t0", "since=4", null).since());
        assertEquals(3, Route.parse(feed, "/sse/t0", null, " 3 ").since(), "header values may carry spaces");
        assertEquals(4, Route.parse(feed, "/ws/t0", "since=4", "2").since());
        assertEquals(Route.LIVE, Route.parse(feed, "/ws/t0", null, "2").since());
        assertEquals(4, Route.parse(feed, "/long-poll/t0", "since=4", "2").since());
        assertEquals(4, Route.parse(feed, "/poll/t0", "since=4", "abc").since(), "the header is not read outside SSE");
    }

    @Test
    void absentCursorIsLive() throws Exception {
        for (String query : new String[] {null, "", "x=1", "sincere=1", "Since=1", "&&", "=3"}) {
            assertEquals(Route.LIVE, Route.parse(feed, "/long-poll/t0", query, null).since(), String.valueOf(query));
        }
    }

    @Test
    void queryParamFindsTheFirstValue() {
        assertEquals("5", Route.queryParam("since=5", "since"));
        assertEquals("5", Route.queryParam("a=1&since=5&b=2", "since"));
        assertEquals("5", Route.queryParam("since=5&since=6", "since"));
        assertEquals("", Route.queryParam("a=1&since=&b=2", "since"));
        assertEquals("", Route.queryParam("a=1&since&b=2", "since"));
        assertEquals("", Route.queryParam("since", "since"));
        assertEquals("", Route.queryParam("since&since=7", "since"), "a bare name is an empty value, found first");
        assertEquals("3", Route.queryParam("x&since=3", "since"));
        assertEquals("4", Route.queryParam("&&since=4&", "since"));
        assertEquals("a=b", Route.queryParam("since=a=b", "since"), "values are taken as given");
        assertEquals("%31", Route.queryParam("since=%31", "since"));
        assertEquals("1", Route.queryParam("sinceX=9&since=1", "since"));
        assertEquals("2", Route.queryParam("xsince=9&since=2", "since"));
        assertEquals("", Route.queryParam("a=1&since=", "since"));
        assertNull(Route.queryParam(null, "since"));
        assertNull(Route.queryParam("", "since"));
        assertNull(Route.queryParam("a=1&b=2", "since"));
        assertNull(Route.queryParam("=since", "since"));
        assertNull(Route.queryParam("sinc=1", "since"));
        assertNull(Route.queryParam("sincesince", "since"));
        assertNull(Route.queryParam("a=since", "since"));
        assertNull(Route.queryParam("&", "since"));
    }
}
