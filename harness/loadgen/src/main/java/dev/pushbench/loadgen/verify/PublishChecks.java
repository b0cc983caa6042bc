package dev.pushbench.loadgen.verify;

import static dev.pushbench.loadgen.verify.CheckSupport.AT_ONCE_MILLIS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.core.FeedSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The checks of client publishing (issue 13): {@code POST /publish/{topic}} answered with the seq, refused with 400,
 * 404, 405 and 413 as the contract says, and WebSocket in-band publishing acknowledged in-band; a published message
 * reaches every subscriber of its topic (SSE streams and WebSockets) exactly once, at the seq answered, with the
 * publisher's {@code from}, {@code n}, {@code sent} (as {@code intended}) and {@code data} as sent.
 *
 * <p>They publish into the feed's last topic ({@link #topic}), never into {@code t0} whose seqs the other checks
 * follow, and run at the full level only: a quick run before a measured cell must not add messages to its topics.
 *
 * <p>This class is long because a fan-out check reads SSE streams and WebSockets alike through one small
 * {@code Subscriber} view (contiguous seqs, each message once, acks set aside), which the checks share.
 */
final class PublishChecks {
    /** The publisher id the checks publish as: far above any load generator's subscriber index. */
    private static final int FROM = 2_000_000_000;
    /** How long a published message may take to reach a subscriber before the check fails. */
    private static final long DELIVERY_MILLIS = 5_000;

    private PublishChecks() {
    }

    static String topic(ConformanceTarget target) {
        return FeedSpec.topicName(target.feed().topics() - 1);
    }

    private static long messageNumber() {
        // distinct across checks and runs against one server, so a message is never taken for another's
        return System.nanoTime() & Long.MAX_VALUE;
    }

    static String body(long n, long sentNanos, String data) {
        return "{\"from\":" + FROM + ",\"n\":" + n + ",\"sent\":" + sentNanos + ",\"data\":\"" + data + "\"}";
    }

    /** POSTs a valid body and expects 200 {@code {"seq":…}}; returns the seq. */
    static long postAccepted(Probe probe, String topic, String body) throws CheckFailure, InterruptedException {
        HttpAnswer answer = probe.post("/publish/" + topic, body.getBytes(StandardCharsets.UTF_8), AT_ONCE_MILLIS);
        answer.expectStatus(200)
                .expectVersion(probe.expectedVersion())
                .expectHeaderStartsWith("Content-Type", "application/json");
        JsonNode seq;
        try {
            JsonNode node = EventJson.JSON.readTree(answer.body());
            seq = node.get("seq");
            if (node.size() != 1 || seq == null || !seq.isIntegralNumber() || seq.asLong() < 1) {
                throw new CheckFailure(answer.request() + ": expected {\"seq\":<seq >= 1>}, got " + HttpAnswer.snippet(answer.body()));
            }
        } catch (CheckFailure e) {
            throw e;
        } catch (Exception e) {
            throw new CheckFailure(answer.request() + ": expected {\"seq\":<n>}, got " + HttpAnswer.snippet(answer.body()));
        }
        return seq.asLong();
    }

    static String post(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        long n = messageNumber();
        long sent = System.nanoTime();
        String data = "hello \\\"there\\\" \\u00e9 é";
        long seq = postAccepted(probe, topic, body(n, sent, data));
        PollBody poll = CheckSupport.poll(probe, "/poll/" + topic + "?since=" + (seq - 1), AT_ONCE_MILLIS);
        if (poll.events().isEmpty()) {
            throw new CheckFailure("/poll/" + topic + "?since=" + (seq - 1) + ": the published message (seq " + seq + ") is not in history");
        }
        expectMessage(poll.events().get(0), seq, n, sent, data, "/poll/" + topic + "?since=" + (seq - 1));
        return "POST /publish/" + topic + " answered {\"seq\":" + seq + "}; history holds it with from, n, intended = sent, data verbatim";
    }

    static String refusals(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        String path = "/publish/" + topic;
        String[] malformed = {
                "",
                "not json",
                "{\"from\":1,\"n\":2,\"sent\":3}",
                "{\"from\":\"1\",\"n\":2,\"sent\":3,\"data\":\"x\"}",
                "{\"from\":-1,\"n\":2,\"sent\":3,\"data\":\"x\"}",
                "{\"n\":2,\"from\":1,\"sent\":3,\"data\":\"x\"}",
                "{\"from\":1,\"n\":2.5,\"sent\":3,\"data\":\"x\"}",
                "{\"from\":1,\"n\":2,\"sent\":3,\"data\":7}",
                "{\"from\":1,\"n\":2,\"sent\":3,\"data\":\"x\",\"more\":1}",
                "{\"from\":1,\"n\":2,\"sent\":3,\"data\":\"x\\q\"}",
        };
        long before = CheckSupport.latest(probe, topic);
        for (String body : malformed) {
            HttpAnswer answer = probe.post(path, body.getBytes(StandardCharsets.UTF_8), AT_ONCE_MILLIS);
            expectRefused(probe, answer, 400, "malformed body " + HttpAnswer.snippet(body));
        }
        expectRefused(probe, probe.post("/publish/t" + probe.target.feed().topics(), body(1, 1, "x").getBytes(StandardCharsets.UTF_8),
                AT_ONCE_MILLIS), 404, "an unknown topic");
        HttpAnswer get = probe.get(path, AT_ONCE_MILLIS);
        expectRefused(probe, get, 405, "GET");
        if (!HttpAnswer.hasToken(get.headers().get("Allow"), "POST")) {
            throw new CheckFailure(get.request() + ": a 405 must name the allowed method, Allow: POST, got " + get.headers().get("Allow"));
        }
        // nothing refused took a seq: the feed's events since are contiguous and none is ours
        PollBody poll = CheckSupport.poll(probe, "/poll/" + topic + "?since=" + before, AT_ONCE_MILLIS);
        for (EventJson event : poll.events()) {
            if (event.from() == 1) {
                throw new CheckFailure(path + ": a refused publish was sequenced as seq " + event.seq());
            }
        }
        return malformed.length + " malformed bodies refused with 400 and a reason, an unknown topic with 404, GET with 405";
    }

    private static void expectRefused(Probe probe, HttpAnswer answer, int status, String what) throws CheckFailure {
        answer.expectStatus(status).expectVersion(probe.expectedVersion()).expectHeaderStartsWith("Content-Type", "text/plain");
        if (answer.body().isBlank()) {
            throw new CheckFailure(answer.request() + " (" + what + "): a " + status + " must say why in its body, got an empty body");
        }
    }

    /** A body of exactly the limit is taken; one byte more is refused with 413 and nothing is sequenced. */
    static String tooLarge(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        int max = probe.target.maxPublishBytes();
        long n = messageNumber();
        long sent = System.nanoTime();
        int padding = max - body(n, sent, "").length();
        String exact = body(n, sent, "y".repeat(padding));
        long seq = postAccepted(probe, topic, exact);
        String over = body(n + 1, sent, "y".repeat(padding + 1));
        HttpAnswer answer = probe.post("/publish/" + topic, over.getBytes(StandardCharsets.UTF_8), AT_ONCE_MILLIS);
        expectRefused(probe, answer, 413, "a body of " + (max + 1) + " bytes");
        PollBody poll = CheckSupport.poll(probe, "/poll/" + topic + "?since=" + seq, AT_ONCE_MILLIS);
        for (EventJson event : poll.events()) {
            if (event.from() == FROM && event.n() == n + 1) {
                throw new CheckFailure("a body refused with 413 was sequenced as seq " + event.seq());
            }
        }
        return "a body of " + max + " bytes taken as seq " + seq + ", one of " + (max + 1) + " refused with 413";
    }

    /**
     * Over HTTP/1.1, bodies without a Content-Length (chunked, in several chunks) are read to their end: a valid one
     * is taken, one a byte above the limit is refused with 413 once that byte has come.
     */
    static String chunked(Probe probe) throws CheckFailure, CheckSkipped, InterruptedException {
        if (probe.target.protocol().isHttp2()) {
            throw new CheckSkipped("chunked transfer coding is HTTP/1.1's; over HTTP/2 a body without a length comes in DATA frames, "
                    + "as publish.too-large sends it");
        }
        String topic = topic(probe.target);
        int max = probe.target.maxPublishBytes();
        long n = messageNumber();
        String valid = body(n, System.nanoTime(), "in chunks");
        RawResponse taken = rawChunkedPost(probe, topic, valid);
        if (taken.status() != 200 || !taken.body().matches("\\{\"seq\":[1-9][0-9]*\\}")) {
            throw new CheckFailure("a chunked POST of a valid body: expected 200 {\"seq\":n}, got " + taken);
        }
        String over = body(n + 1, 1, "c".repeat(max + 1 - body(n + 1, 1, "").length()));
        RawResponse refused = rawChunkedPost(probe, topic, over);
        if (refused.status() != 413 || refused.body().isBlank()) {
            throw new CheckFailure("a chunked POST of " + (max + 1) + " bytes: expected 413 with a reason, got " + refused);
        }
        return "chunked bodies: " + valid.length() + " bytes taken (" + taken.body() + "), " + (max + 1) + " bytes refused with 413";
    }

    private static RawResponse rawChunkedPost(Probe probe, String topic, String body) throws CheckFailure {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder("POST /publish/" + topic + " HTTP/1.1\r\nHost: " + probe.target.base().getHost()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        int chunk = Math.max(1, bytes.length / 3);
        for (int at = 0; at < bytes.length; at += chunk) {
            int length = Math.min(chunk, bytes.length - at);
            request.append(Integer.toHexString(length)).append("\r\n")
                    .append(new String(bytes, at, length, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        request.append("0\r\n\r\n");
        try (RawConnection raw = RawConnection.open(probe.target, "http/1.1", AT_ONCE_MILLIS)) {
            raw.send(request.toString());
            return raw.readResponse(false, AT_ONCE_MILLIS);
        }
    }

    /**
     * Two SSE streams on the topic, then one POST: each stream gets the message once, at the answered seq, between
     * the feed's events with no seq missing or repeated.
     */
    static String sseFanOut(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        try (SseProbeStream a = SseProbeStream.open(probe, "/sse/" + topic, Map.of());
             SseProbeStream b = SseProbeStream.open(probe, "/sse/" + topic, Map.of())) {
            List<Subscriber> subscribers = List.of(new SseSubscriber(probe, a), new SseSubscriber(probe, b));
            long n = messageNumber();
            long sent = System.nanoTime();
            long seq = postAccepted(probe, topic, body(n, sent, "fan-out"));
            for (Subscriber s : subscribers) {
                Map<Long, EventJson> got = s.readThrough(seq);
                expectOnce(s, got, seq, n, sent, "fan-out");
            }
            return "one POST reached both SSE streams once, as seq " + seq;
        }
    }

    /**
     * Two SSE streams and one WebSocket on the topic; a POST, then a publish in-band on the WebSocket, acknowledged in
     * a frame of its own: every subscriber, the publishing WebSocket too, gets both once, at the seqs answered.
     */
    static String webSocketInBand(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        try (SseProbeStream a = SseProbeStream.open(probe, "/sse/" + topic, Map.of());
             SseProbeStream b = SseProbeStream.open(probe, "/sse/" + topic, Map.of());
             WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + topic, AT_ONCE_MILLIS)) {
            WebSocketSubscriber wsSubscriber = new WebSocketSubscriber(probe, ws);
            List<Subscriber> subscribers = List.of(new SseSubscriber(probe, a), new SseSubscriber(probe, b), wsSubscriber);
            long postN = messageNumber();
            long postSent = System.nanoTime();
            long postSeq = postAccepted(probe, topic, body(postN, postSent, "by POST"));
            long wsN = postN + 1;
            long wsSent = System.nanoTime();
            ws.sendText(body(wsN, wsSent, "in-band"), AT_ONCE_MILLIS);
            long wsSeq = wsSubscriber.awaitAck(wsN);
            if (wsSeq <= postSeq) {
                throw new CheckFailure(ws.label() + ": the in-band publish sent after the POST's answer (seq " + postSeq
                        + ") was acknowledged with an earlier seq " + wsSeq);
            }
            for (Subscriber s : subscribers) {
                Map<Long, EventJson> got = s.readThrough(wsSeq);
                expectOnce(s, got, postSeq, postN, postSent, "by POST");
                expectOnce(s, got, wsSeq, wsN, wsSent, "in-band");
            }
            return "a POST (seq " + postSeq + ") and an in-band publish acknowledged {\"ack\":" + wsN + ",\"seq\":" + wsSeq
                    + "} reached two SSE streams and the WebSocket once each";
        }
    }

    /** A malformed frame and one above the limit are refused in-band (400 with the n, 413), and the session goes on. */
    static String webSocketNack(Probe probe) throws CheckFailure, InterruptedException {
        String topic = topic(probe.target);
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + topic, AT_ONCE_MILLIS)) {
            WebSocketSubscriber subscriber = new WebSocketSubscriber(probe, ws);
            long n = messageNumber();
            ws.sendText("{\"from\":" + FROM + ",\"n\":" + n + ",\"sent\":1,\"data\":5}", AT_ONCE_MILLIS);
            JsonNode nack = subscriber.awaitNack();
            expectNack(ws, nack, n, 400);
            ws.sendText("not json", AT_ONCE_MILLIS);
            expectNack(ws, subscriber.awaitNack(), -1, 400);
            int max = probe.target.maxPublishBytes();
            String over = body(n + 1, 1, "z".repeat(max + 1 - body(n + 1, 1, "").length()));
            ws.sendText(over, AT_ONCE_MILLIS);
            expectNack(ws, subscriber.awaitNack(), -1, 413);
            ws.sendText(body(n + 2, System.nanoTime(), "after the nacks"), AT_ONCE_MILLIS);
            long seq = subscriber.awaitAck(n + 2);
            return "400 nacks for a malformed frame (with its n) and for an unreadable one (n -1), 413 for " + (max + 1)
                    + " bytes, then an ack (seq " + seq + ") on the same session";
        }
    }

    private static void expectNack(WebSocketProbeStream ws, JsonNode nack, long n, int status) throws CheckFailure {
        JsonNode error = nack.get("error");
        if (nack.get("nack").asLong() != n || nack.get("status") == null || nack.get("status").asInt() != status
                || error == null || !error.isTextual() || error.asText().isBlank()) {
            throw new CheckFailure(ws.label() + ": expected {\"nack\":" + n + ",\"status\":" + status + ",\"error\":\"<why>\"}, got "
                    + HttpAnswer.snippet(nack.toString()));
        }
    }

    private static void expectOnce(Subscriber s, Map<Long, EventJson> got, long seq, long n, long sent, String data) throws CheckFailure {
        EventJson m = got.get(seq);
        if (m == null) {
            throw new CheckFailure(s.label() + ": the published message (seq " + seq + ") did not arrive, got messages at seqs "
                    + new TreeSet<>(got.keySet()));
        }
        expectMessage(m, seq, n, sent, data, s.label());
    }

    /**
     * {@code event} must be the message published: {@code seq}, {@link #FROM}, {@code n}, {@code intended} = the client's
     * {@code sent}, and the data as the client wrote it ({@code dataJson}, escapes included) once decoded.
     */
    private static void expectMessage(EventJson event, long seq, long n, long sentNanos, String dataJson, String where)
            throws CheckFailure {
        String expectedData;
        try {
            expectedData = EventJson.JSON.readTree("\"" + dataJson + "\"").asText();
        } catch (Exception e) {
            throw new IllegalStateException("the check's own data is not a JSON string: " + dataJson, e);
        }
        if (event.seq() != seq || event.from() != FROM || event.n() != n || event.intendedNanos() != sentNanos
                || !event.data().equals(expectedData)) {
            throw new CheckFailure(where + ": expected the message seq " + seq + ", from " + FROM + ", n " + n + ", intended "
                    + sentNanos + " (the client's sent), data " + HttpAnswer.snippet(expectedData) + "; got seq " + event.seq()
                    + ", from " + event.from() + ", n " + event.n() + ", intended " + event.intendedNanos() + ", data "
                    + HttpAnswer.snippet(event.data()));
        }
    }

    /** A subscription the fan-out checks read: events by seq, contiguous, none twice. */
    private abstract static class Subscriber {
        final Probe probe;
        final Map<Long, EventJson> messages = new HashMap<>();
        final Set<String> publishers = new java.util.HashSet<>();
        long cursor = -1;

        Subscriber(Probe probe) {
            this.probe = probe;
        }

        abstract String label();

        /** The next event's JSON (acks and heartbeats passed over), within the deadline. */
        abstract String nextEvent(long timeoutMillis) throws CheckFailure, InterruptedException;

        abstract long preamble() throws CheckFailure, InterruptedException;

        /** Reads from the start cursor through {@code seq}, checking that seqs follow one another. */
        Map<Long, EventJson> readThrough(long seq) throws CheckFailure, InterruptedException {
            if (cursor < 0) {
                cursor = preamble();
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELIVERY_MILLIS);
            while (cursor < seq) {
                long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                String text = nextEvent(left);
                JsonNode node;
                try {
                    node = EventJson.JSON.readTree(text);
                } catch (Exception e) {
                    throw new CheckFailure(label() + ": not JSON: " + HttpAnswer.snippet(text));
                }
                EventJson m = EventJson.of(node, probe.target.feed(), label());
                long got = m.seq();
                if (got != cursor + 1) {
                    throw new CheckFailure(label() + ": expected event " + (cursor + 1) + " (the one after " + cursor + "), got " + got);
                }
                cursor = got;
                if (m.isMessage()) {
                    if (!publishers.add(m.from() + "/" + m.n())) {
                        throw new CheckFailure(label() + ": message from " + m.from() + " n " + m.n() + " arrived twice, again as seq " + got);
                    }
                    messages.put(got, m);
                }
            }
            return messages;
        }
    }

    private static final class SseSubscriber extends Subscriber {
        private final SseProbeStream sse;

        SseSubscriber(Probe probe, SseProbeStream sse) throws CheckFailure, InterruptedException {
            super(probe);
            this.sse = sse;
            QuickChecks.expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
            cursor = QuickChecks.preambleCursor(sse);
        }

        @Override
        String label() {
            return sse.label();
        }

        @Override
        long preamble() {
            return cursor;
        }

        @Override
        String nextEvent(long timeoutMillis) throws CheckFailure, InterruptedException {
            SseProbeStream.Block block = sse.nextFields(timeoutMillis, "event " + (cursor + 1));
            String data = block.field("data");
            String id = block.field("id");
            if (data == null || id == null || !"push".equals(block.field("event"))) {
                throw new CheckFailure(sse.label() + ": an event must be id: <seq>, event: push and one data: line, got " + block);
            }
            if (!data.contains("\"seq\":" + id + ",")) {
                throw new CheckFailure(sse.label() + ": id: " + id + " differs from the event's seq in " + HttpAnswer.snippet(data));
            }
            return data;
        }
    }

    /** A WebSocket subscription: event frames in order, acks and nacks set aside as they come. */
    private static final class WebSocketSubscriber extends Subscriber {
        private final WebSocketProbeStream ws;
        private final List<JsonNode> answers = new ArrayList<>();
        private final List<String> events = new ArrayList<>();

        WebSocketSubscriber(Probe probe, WebSocketProbeStream ws) throws CheckFailure, InterruptedException {
            super(probe);
            this.ws = ws;
            QuickChecks.expectUpgraded(probe, ws);
            cursor = QuickChecks.cursorFrame(ws);
        }

        @Override
        String label() {
            return ws.label();
        }

        @Override
        long preamble() {
            return cursor;
        }

        /** Reads one frame: an ack or nack goes to {@link #answers}, an event to {@link #events}. */
        private void readFrame(long timeoutMillis, String waitingFor) throws CheckFailure, InterruptedException {
            String text = ws.nextText(timeoutMillis, waitingFor);
            if (text.startsWith("{\"ack\":") || text.startsWith("{\"nack\":")) {
                try {
                    answers.add(EventJson.JSON.readTree(text));
                } catch (Exception e) {
                    throw new CheckFailure(ws.label() + ": an ack or nack that is not JSON: " + HttpAnswer.snippet(text));
                }
            } else {
                events.add(text);
            }
        }

        @Override
        String nextEvent(long timeoutMillis) throws CheckFailure, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (events.isEmpty()) {
                readFrame(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), "event " + (cursor + 1));
            }
            return events.remove(0);
        }

        /** The seq of the ack for message {@code n}; a nack or another ack first fails the check. */
        long awaitAck(long n) throws CheckFailure, InterruptedException {
            JsonNode answer = awaitAnswer("the ack of message " + n);
            JsonNode seq = answer.get("seq");
            if (!answer.has("ack") || answer.get("ack").asLong() != n || seq == null || !seq.isIntegralNumber() || answer.size() != 2) {
                throw new CheckFailure(ws.label() + ": expected {\"ack\":" + n + ",\"seq\":<seq>}, got " + HttpAnswer.snippet(answer.toString()));
            }
            return seq.asLong();
        }

        JsonNode awaitNack() throws CheckFailure, InterruptedException {
            JsonNode answer = awaitAnswer("a nack");
            if (!answer.has("nack")) {
                throw new CheckFailure(ws.label() + ": expected a nack, got " + HttpAnswer.snippet(answer.toString()));
            }
            return answer;
        }

        private JsonNode awaitAnswer(String waitingFor) throws CheckFailure, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AT_ONCE_MILLIS);
            while (answers.isEmpty()) {
                readFrame(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), waitingFor);
            }
            return answers.remove(0);
        }
    }
}
