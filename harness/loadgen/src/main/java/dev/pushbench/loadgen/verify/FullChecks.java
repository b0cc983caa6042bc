package dev.pushbench.loadgen.verify;

import static dev.pushbench.loadgen.verify.CheckSupport.AT_ONCE_MILLIS;
import static dev.pushbench.loadgen.verify.CheckSupport.TOPIC;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The delivery checks: they read live events, so they need a feed that publishes (at least 20
 * events/s per topic keeps them to seconds). Checks whose premise the target's configuration rules
 * out (a heartbeat interval longer than the gap between events, say) are skipped with the reason.
 *
 * <p>{@code long-poll.hold} compares an event's {@code sent} time with the client's clock: server and
 * load generator share one host and one monotonic clock (DESIGN §4), as all latency figures assume.
 */
final class FullChecks {
    /** Events read per stream: enough to see framing and order repeat, few enough to stay quick. */
    private static final int EVENTS = 5;
    /** The longest heartbeat interval a check waits for. */
    private static final Duration MAX_HEARTBEAT_WAIT = Duration.ofSeconds(5);
    /** The longest a check waits for history to overflow. */
    private static final long MAX_OVERFLOW_WAIT_MILLIS = 15_000;

    private FullChecks() {
    }

    static String sseFraming(Probe probe) throws CheckFailure, InterruptedException {
        try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/" + TOPIC, Map.of())) {
            QuickChecks.expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
            long cursor = QuickChecks.preambleCursor(sse);
            long last = readSseEvents(probe, sse, cursor, EVENTS);
            return "events " + (cursor + 1) + ".." + last + " framed as id:, event: push, data: <event JSON>";
        }
    }

    /** Reads {@code count} event blocks that must follow {@code after} without gaps; returns the last seq. */
    private static long readSseEvents(Probe probe, SseProbeStream sse, long after, int count) throws CheckFailure, InterruptedException {
        long expected = after + 1;
        long waitMillis = CheckSupport.eventWaitMillis(probe.target, count);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (int i = 0; i < count; i++) {
            long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            SseProbeStream.Block block = sse.nextFields(left, "event " + expected);
            String id = block.field("id");
            String name = block.field("event");
            String data = block.field("data");
            if (id == null || !"push".equals(name) || data == null || block.count("data") != 1) {
                throw new CheckFailure(sse.label() + ": an event must be id: <seq>, event: push and one data: line, got " + block);
            }
            EventJson event = EventJson.parse(data, probe.target.feed(), sse.label() + " data");
            if (!id.equals(String.valueOf(event.seq()))) {
                throw new CheckFailure(sse.label() + ": id: " + id + " differs from the event's seq " + event.seq());
            }
            if (!TOPIC.equals(event.topic())) {
                throw new CheckFailure(sse.label() + ": an event of topic " + event.topic() + " on the stream of " + TOPIC);
            }
            if (event.seq() != expected) {
                throw new CheckFailure(sse.label() + ": expected event " + expected + " (the one after " + (expected - 1)
                        + "), got " + event.seq());
            }
            expected++;
        }
        return expected - 1;
    }

    static String sseHeartbeat(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        Duration interval = heartbeatPremise(probe);
        long waitMillis = Math.max(AT_ONCE_MILLIS, 20 * interval.toMillis());
        try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/" + TOPIC, Map.of())) {
            QuickChecks.expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
            QuickChecks.preambleCursor(sse);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            int events = 0;
            for (;;) {
                long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                SseProbeStream.Block block = sse.next(left, "a comment heartbeat (interval " + interval.toMillis() + " ms, "
                        + events + " events so far)");
                if (block.isCommentOnly()) {
                    return "comment heartbeat " + block + " after " + events + " events (interval " + interval.toMillis() + " ms)";
                }
                events++;
            }
        }
    }

    /** Heartbeats go out after an interval without writes: there must be such gaps between events, and a wait we can afford. */
    private static Duration heartbeatPremise(Probe probe) throws CheckSkipped {
        Duration interval = probe.target.heartbeatInterval();
        if (interval == null) {
            throw new CheckSkipped("the server's heartbeat interval was not given");
        }
        long periodMillis = TimeUnit.NANOSECONDS.toMillis(probe.target.periodNanos());
        long latestHeartbeatMillis = interval.toMillis() + Math.max(10, interval.toMillis() / 4);
        if (latestHeartbeatMillis >= periodMillis) {
            throw new CheckSkipped("events every " + periodMillis + " ms leave no idle gap of the heartbeat interval "
                    + interval.toMillis() + " ms");
        }
        if (interval.compareTo(MAX_HEARTBEAT_WAIT) > 0) {
            throw new CheckSkipped("the heartbeat interval " + interval.toMillis() + " ms is too long to wait for in a check");
        }
        return interval;
    }

    static String sseResume(Probe probe) throws CheckFailure, InterruptedException {
        StringBuilder seen = new StringBuilder();
        for (int variant = 0; variant < 3; variant++) {
            long from = resumePoint(probe);
            String path = "/sse/" + TOPIC;
            Map<String, String> headers = Map.of("Last-Event-ID", String.valueOf(from));
            if (variant == 1) {
                path += "?since=0"; // Last-Event-ID wins over ?since=
            } else if (variant == 2) {
                path += "?since=" + from;
                headers = Map.of();
            }
            try (SseProbeStream sse = SseProbeStream.open(probe, path, headers)) {
                QuickChecks.expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
                long cursor = QuickChecks.preambleCursor(sse);
                if (cursor != from) {
                    throw new CheckFailure(sse.label() + ": resuming after " + from + " (Last-Event-ID wins over ?since=) must "
                            + "start after it, got preamble id: " + cursor);
                }
                long last = readSseEvents(probe, sse, from, EVENTS);
                seen.append(seen.length() == 0 ? "" : "; ").append(sse.label()).append(" → ").append(from + 1).append("..").append(last);
            }
        }
        return "resumed exactly after the cursor: " + seen;
    }

    /** A cursor a few events behind the newest, still well inside history. */
    private static long resumePoint(Probe probe) throws CheckFailure, InterruptedException {
        int history = probe.target.feed().historyEvents();
        long behind = Math.max(1, Math.min(EVENTS, history / 4));
        long latest = CheckSupport.awaitLatest(probe, TOPIC, behind + 1, CheckSupport.eventWaitMillis(probe.target, (int) behind + 1));
        return latest - behind;
    }

    static String webSocketEvents(Probe probe) throws CheckFailure, InterruptedException {
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + TOPIC, AT_ONCE_MILLIS)) {
            QuickChecks.expectUpgraded(probe, ws);
            long cursor = QuickChecks.cursorFrame(ws);
            long last = readWebSocketEvents(probe, ws, cursor, EVENTS);
            return "events " + (cursor + 1) + ".." + last + ", one text frame each";
        }
    }

    private static long readWebSocketEvents(Probe probe, WebSocketProbeStream ws, long after, int count) throws CheckFailure, InterruptedException {
        long expected = after + 1;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CheckSupport.eventWaitMillis(probe.target, count));
        for (int i = 0; i < count; i++) {
            long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            String text = ws.nextText(left, "event " + expected);
            EventJson event = EventJson.parse(text, probe.target.feed(), ws.label() + " frame");
            if (!TOPIC.equals(event.topic()) || event.seq() != expected) {
                throw new CheckFailure(ws.label() + ": expected event " + TOPIC + "#" + expected + ", got " + event.topic() + "#" + event.seq());
            }
            expected++;
        }
        return expected - 1;
    }

    static String webSocketResume(Probe probe) throws CheckFailure, InterruptedException {
        long from = resumePoint(probe);
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + TOPIC + "?since=" + from, AT_ONCE_MILLIS)) {
            QuickChecks.expectUpgraded(probe, ws);
            long cursor = QuickChecks.cursorFrame(ws);
            if (cursor != from) {
                throw new CheckFailure(ws.label() + ": the cursor frame must carry " + from + ", got " + cursor);
            }
            long last = readWebSocketEvents(probe, ws, from, EVENTS);
            return "?since=" + from + " delivered " + (from + 1) + ".." + last;
        }
    }

    static String webSocketPing(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        Duration interval = heartbeatPremise(probe);
        long waitMillis = Math.max(AT_ONCE_MILLIS, 20 * interval.toMillis());
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + TOPIC, AT_ONCE_MILLIS)) {
            QuickChecks.expectUpgraded(probe, ws);
            QuickChecks.cursorFrame(ws);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            int frames = 0;
            for (;;) {
                long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                WebSocketProbeStream.Item item = ws.next(left, "a ping heartbeat (interval " + interval.toMillis() + " ms, " + frames + " frames so far)");
                if (item.kind() == WebSocketProbeStream.Kind.PING) {
                    return "ping after " + frames + " events (interval " + interval.toMillis() + " ms)";
                }
                frames++;
            }
        }
    }

    static String longPollHold(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        Duration hold = holdPremise(probe);
        long periodNanos = probe.target.periodNanos();
        if (hold.toNanos() < periodNanos / 5) {
            throw new CheckSkipped("a hold of " + hold.toMillis() + " ms rarely sees one of the events every "
                    + TimeUnit.NANOSECONDS.toMillis(periodNanos) + " ms");
        }
        long timeoutMillis = hold.toMillis() + AT_ONCE_MILLIS;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(5_000, 40 * TimeUnit.NANOSECONDS.toMillis(periodNanos)));
        long since = CheckSupport.latest(probe, TOPIC);
        int attempts = 0;
        int empty = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            HttpAnswer answer = probe.get("/long-poll/" + TOPIC + "?since=" + since, timeoutMillis);
            PollBody body = CheckSupport.pollBody(probe, answer);
            if (body.events().isEmpty()) {
                expectEmptyAfterHold(answer, body, since, hold);
                empty++;
                continue;
            }
            if (body.firstSeq() != since + 1 || body.lost() != 0) {
                throw new CheckFailure(answer.request() + ": expected events from " + (since + 1) + " with nothing lost, got " + body);
            }
            EventJson first = body.events().get(0);
            if (first.sentNanos() >= answer.startNanos()) {
                return "held " + answer.elapsedMillis() + " ms until event " + first.seq() + " was published, then answered "
                        + body + " (" + attempts + " polls, " + empty + " empty after the hold)";
            }
            since = body.cursor(); // the event existed before the poll was sent: try again from the newest
        }
        throw new CheckFailure("in " + attempts + " long polls at the newest cursor, none was held and then answered with an event "
                + "published during the hold (" + empty + " ended empty after the hold of " + hold.toMillis() + " ms)");
    }

    static String longPollTimeout(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        Duration hold = holdPremise(probe);
        long periodNanos = probe.target.periodNanos();
        if (hold.toNanos() * 10 >= periodNanos * 6) {
            throw new CheckSkipped("events every " + TimeUnit.NANOSECONDS.toMillis(periodNanos) + " ms come before a hold of "
                    + hold.toMillis() + " ms ends, so no long poll ends empty");
        }
        long timeoutMillis = hold.toMillis() + AT_ONCE_MILLIS;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(5_000, 40 * TimeUnit.NANOSECONDS.toMillis(periodNanos)));
        long since = CheckSupport.latest(probe, TOPIC);
        int answered = 0;
        while (System.nanoTime() < deadline) {
            // an answer with events comes just after a publication: the next poll then starts a whole gap before the next event
            HttpAnswer answer = probe.get("/long-poll/" + TOPIC + "?since=" + since, timeoutMillis);
            PollBody body = CheckSupport.pollBody(probe, answer);
            if (body.events().isEmpty()) {
                expectEmptyAfterHold(answer, body, since, hold);
                return "empty answer " + body + " after " + answer.elapsedMillis() + " ms (hold " + hold.toMillis() + " ms, "
                        + answered + " answers with events before)";
            }
            if (body.firstSeq() != since + 1 || body.lost() != 0) {
                throw new CheckFailure(answer.request() + ": expected events from " + (since + 1) + " with nothing lost, got " + body);
            }
            answered++;
            since = body.cursor();
        }
        throw new CheckFailure(answered + " long polls were all answered with events; none ended empty after the hold of "
                + hold.toMillis() + " ms although events come every " + TimeUnit.NANOSECONDS.toMillis(periodNanos) + " ms");
    }

    private static Duration holdPremise(Probe probe) throws CheckSkipped {
        Duration hold = probe.target.longPollHold();
        if (hold == null) {
            throw new CheckSkipped("the server's long-poll hold was not given");
        }
        if (hold.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new CheckSkipped("the long-poll hold " + hold.toMillis() + " ms is too long to wait for in a check");
        }
        return hold;
    }

    /** An empty long-poll answer: not before the hold, the cursor unchanged, nothing lost. */
    private static void expectEmptyAfterHold(HttpAnswer answer, PollBody body, long since, Duration hold) throws CheckFailure {
        if (answer.elapsedMillis() < hold.toMillis()) {
            throw new CheckFailure(answer.request() + ": answered empty after " + answer.elapsedMillis()
                    + " ms, before the hold of " + hold.toMillis() + " ms ended");
        }
        if (body.cursor() != since || body.lost() != 0) {
            throw new CheckFailure(answer.request() + ": an empty answer must keep the cursor " + since + " and lose nothing, got " + body);
        }
    }

    static String shortPollCursor(Probe probe) throws CheckFailure, InterruptedException {
        long latest = CheckSupport.awaitLatest(probe, TOPIC, 3, CheckSupport.eventWaitMillis(probe.target, 3));
        long since = latest - 2;
        PollBody first = CheckSupport.poll(probe, "/poll/" + TOPIC + "?since=" + since, AT_ONCE_MILLIS);
        if (first.events().isEmpty() || first.firstSeq() != since + 1 || first.lost() != 0) {
            throw new CheckFailure("GET /poll/" + TOPIC + "?since=" + since + ": expected events from " + (since + 1)
                    + " with nothing lost, got " + first);
        }
        // follow the cursor until EVENTS more events have come: no gap, no duplicate, empty answers keep the cursor
        long cursor = first.cursor();
        long target = cursor + EVENTS;
        int polls = 1;
        int emptyPolls = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CheckSupport.eventWaitMillis(probe.target, EVENTS));
        long sleepMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.target.periodNanos()) / 2);
        while (cursor < target) {
            if (System.nanoTime() > deadline) {
                throw new CheckFailure("following the cursor from " + first.cursor() + " reached only " + cursor + " in "
                        + polls + " polls");
            }
            PollBody next = CheckSupport.poll(probe, "/poll/" + TOPIC + "?since=" + cursor, AT_ONCE_MILLIS);
            polls++;
            if (next.events().isEmpty()) {
                if (next.cursor() != cursor) {
                    throw new CheckFailure("GET /poll/" + TOPIC + "?since=" + cursor + ": an empty answer must keep the cursor, got " + next);
                }
                emptyPolls++;
                Thread.sleep(sleepMillis);
                continue;
            }
            if (next.firstSeq() != cursor + 1 || next.lost() != 0) {
                throw new CheckFailure("GET /poll/" + TOPIC + "?since=" + cursor + ": expected events from " + (cursor + 1)
                        + ", got " + next);
            }
            cursor = next.cursor();
        }
        return "since=" + since + " gave " + first + "; following the cursor gave every event to " + cursor + " in " + polls
                + " polls (" + emptyPolls + " empty, cursor kept)";
    }

    static String shortPollLost(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        return lost(probe, "/poll/");
    }

    static String longPollLost(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        return lost(probe, "/long-poll/");
    }

    /** A cursor whose next events have left history: the answer reports how many, and goes on from the oldest held. */
    private static String lost(Probe probe, String prefix) throws CheckFailure, CheckSkipped, InterruptedException {
        int history = probe.target.feed().historyEvents();
        double overflowMillis = (history + 2) * 1000.0 / probe.target.feed().ratePerSecond();
        if (overflowMillis > MAX_OVERFLOW_WAIT_MILLIS) {
            throw new CheckSkipped("a history of " + history + " events at " + probe.target.feed().ratePerSecond()
                    + "/s takes " + Math.round(overflowMillis / 1000) + " s to overflow");
        }
        CheckSupport.awaitLatest(probe, TOPIC, history + 2, Math.round(overflowMillis) + CheckSupport.eventWaitMillis(probe.target, 2));
        HttpAnswer answer = probe.get(prefix + TOPIC + "?since=0", AT_ONCE_MILLIS);
        PollBody body = CheckSupport.pollBody(probe, answer);
        if (body.events().isEmpty()) {
            throw new CheckFailure(answer.request() + ": events after the cursor exist and must be answered at once, got " + body);
        }
        long skipped = body.firstSeq() - 1;
        if (skipped < 1 || body.lost() != skipped) {
            throw new CheckFailure(answer.request() + ": history holds " + history + " events, so the answer must start at the "
                    + "oldest held and report the ones skipped as lost (first seq - 1), got " + body);
        }
        return answer.request() + " → " + body + ": " + body.lost() + " events reported lost";
    }
}
