package dev.pushbench.loadgen.verify;

import static dev.pushbench.loadgen.verify.CheckSupport.AT_ONCE_MILLIS;
import static dev.pushbench.loadgen.verify.CheckSupport.TOPIC;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.client.ClientTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The structural checks: nothing here waits for the feed, so they pass in about a second even
 * against a feed that has published nothing. Each returns what it saw, or throws {@link CheckFailure}.
 */
final class QuickChecks {
    private QuickChecks() {
    }

    static String protocolVersion(Probe probe) throws CheckFailure, InterruptedException {
        HttpAnswer answer = probe.get("/poll/" + TOPIC, AT_ONCE_MILLIS).expectStatus(200);
        if (answer.version() != probe.expectedVersion()) {
            throw new CheckFailure(answer.request() + " was answered over " + answer.version() + " under the "
                    + probe.target.protocol() + " label, expected " + probe.expectedVersion());
        }
        if (!probe.target.protocol().isTls()) {
            return answer.request() + " answered over " + answer.version();
        }
        // the client offers only the cell's protocol, so any other result (or none) means the server ignored ALPN
        String expected = ClientTls.alpnId(probe.target.protocol());
        Set<String> negotiated = Probe.negotiatedAlpn(probe.http);
        if (!negotiated.equals(Set.of(expected))) {
            throw new CheckFailure("TLS handshakes negotiated ALPN " + negotiated + " (\"\" = none) under the "
                    + probe.target.protocol() + " label, expected exactly [" + expected + "]");
        }
        return answer.request() + " answered over " + answer.version() + ", ALPN negotiated " + expected;
    }

    /** The protocol of the same security whose HTTP version is the other one: h2c for http1.1, h2 for https1.1, … */
    static Protocol otherVersion(Protocol protocol) {
        switch (protocol) {
            case HTTP_1_1:
                return Protocol.H2C;
            case H2C:
                return Protocol.HTTP_1_1;
            case HTTPS_1_1:
                return Protocol.H2;
            case H2:
                return Protocol.HTTPS_1_1;
            default:
                throw new IllegalArgumentException("no other version known for protocol " + protocol);
        }
    }

    static String protocolStrict(Probe probe) throws Exception {
        Protocol other = otherVersion(probe.target.protocol());
        // over TLS the other client trusts the server too: a refusal is ALPN's, not the certificate's
        HttpClient client = Probe.newHttpClient(other, probe.target.certificatePem(), "pushbench-verify-" + other.id());
        HttpAnswer answer;
        try {
            answer = probe.exchange(client, "GET", "/poll/" + TOPIC, Map.of(), AT_ONCE_MILLIS);
        } catch (CheckFailure refused) {
            return "a " + other + " client was refused: " + refused.getMessage();
        } finally {
            LifeCycle.stop(client);
        }
        if (answer.status() == 200) {
            throw new CheckFailure("a " + other + " client was served (200 over " + answer.version() + ") by a "
                    + probe.target.protocol() + " server, which must speak " + probe.target.protocol() + " only");
        }
        return "a " + other + " client was refused with status " + answer.status();
    }

    static String sseHeaders(Probe probe) throws CheckFailure, InterruptedException {
        try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/" + TOPIC, Map.of())) {
            Response head = sse.awaitHeaders(AT_ONCE_MILLIS);
            expectStreamHead(probe, sse.label(), head);
            return "200 over " + head.getVersion() + ", Content-Type: " + head.getHeaders().get("Content-Type")
                    + ", Cache-Control: " + head.getHeaders().get("Cache-Control");
        }
    }

    static void expectStreamHead(Probe probe, String label, Response head) throws CheckFailure {
        if (head.getStatus() != 200) {
            throw new CheckFailure(label + ": expected status 200, got " + head.getStatus());
        }
        if (head.getVersion() != probe.expectedVersion()) {
            throw new CheckFailure(label + ": answered over " + head.getVersion() + ", expected " + probe.expectedVersion());
        }
        String type = head.getHeaders().get("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            throw new CheckFailure(label + ": expected Content-Type: text/event-stream, got " + type);
        }
        if (!HttpAnswer.hasToken(head.getHeaders().get("Cache-Control"), "no-cache")) {
            throw new CheckFailure(label + ": expected Cache-Control: no-cache, got " + head.getHeaders().get("Cache-Control"));
        }
    }

    static String ssePreamble(Probe probe) throws CheckFailure, InterruptedException {
        try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/" + TOPIC, Map.of())) {
            expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
            long cursor = preambleCursor(sse);
            return "preamble with retry and id: " + cursor;
        }
    }

    /** Reads the first block, which must be {@code retry: <ms>} and {@code id: <cursor>} without data; returns the cursor. */
    static long preambleCursor(SseProbeStream sse) throws CheckFailure, InterruptedException {
        SseProbeStream.Block first = sse.next(AT_ONCE_MILLIS, "the preamble (retry: and id:), which must be written at once");
        String retry = first.field("retry");
        String id = first.field("id");
        if (retry == null || !retry.matches("[0-9]{1,9}") || Long.parseLong(retry) < 1) {
            throw new CheckFailure(sse.label() + ": the first block must carry retry: <milliseconds>, got " + first);
        }
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw new CheckFailure(sse.label() + ": the first block must carry id: <cursor>, got " + first);
        }
        if (first.field("data") != null) {
            throw new CheckFailure(sse.label() + ": the preamble must not carry data (it would dispatch an event), got " + first);
        }
        return Long.parseLong(id);
    }

    static String sseSince(Probe probe) throws CheckFailure, InterruptedException {
        long latest = CheckSupport.latest(probe, TOPIC);
        try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/" + TOPIC + "?since=" + latest, Map.of())) {
            expectStreamHead(probe, sse.label(), sse.awaitHeaders(AT_ONCE_MILLIS));
            long cursor = preambleCursor(sse);
            if (cursor != latest) {
                throw new CheckFailure(sse.label() + ": the preamble must carry the cursor asked for, id: " + latest + ", got id: " + cursor);
            }
            return "?since=" + latest + " started the stream after " + cursor;
        }
    }

    static String webSocketUpgrade(Probe probe) throws CheckFailure, InterruptedException {
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + TOPIC, AT_ONCE_MILLIS)) {
            String how = expectUpgraded(probe, ws);
            long cursor = cursorFrame(ws);
            return how + ", then the cursor frame {\"cursor\":" + cursor + "}";
        }
    }

    /** 101 over HTTP/1.1, 200 on an extended CONNECT stream over HTTP/2 (RFC 8441). */
    static String expectUpgraded(Probe probe, WebSocketProbeStream ws) throws CheckFailure {
        int expected = probe.target.protocol().isHttp2() ? 200 : 101;
        if (ws.handshakeStatus() != expected || ws.handshakeVersion() != probe.expectedVersion()) {
            throw new CheckFailure(ws.label() + ": expected handshake status " + expected + " over " + probe.expectedVersion()
                    + (probe.target.protocol().isHttp2() ? " (RFC 8441 extended CONNECT)" : "")
                    + ", got " + ws.handshakeStatus() + " over " + ws.handshakeVersion());
        }
        String extensions = ws.handshakeExtensions();
        if (extensions != null && !extensions.isBlank()) {
            throw new CheckFailure(ws.label() + ": the server accepted the extensions '" + extensions
                    + "'; frames must go uncompressed, so that every stack sends the same bytes");
        }
        return (probe.target.protocol().isHttp2()
                ? "upgraded by RFC 8441 extended CONNECT (200 over HTTP/2)"
                : "upgraded (101 over HTTP/1.1)") + ", permessage-deflate declined";
    }

    /** The first frame must be exactly {@code {"cursor":<n>}}. */
    static long cursorFrame(WebSocketProbeStream ws) throws CheckFailure, InterruptedException {
        String text = ws.nextText(AT_ONCE_MILLIS, "the cursor frame {\"cursor\":…}, which must be sent at once");
        JsonNode node;
        try {
            node = EventJson.JSON.readTree(text);
        } catch (Exception e) {
            node = null;
        }
        if (node == null || !node.isObject() || node.size() != 1 || node.get("cursor") == null
                || !node.get("cursor").isIntegralNumber() || node.get("cursor").asLong() < 0) {
            throw new CheckFailure(ws.label() + ": the first frame must be {\"cursor\":<n >= 0>}, got " + HttpAnswer.snippet(text));
        }
        return node.get("cursor").asLong();
    }

    static String webSocketSince(Probe probe) throws CheckFailure, InterruptedException {
        long latest = CheckSupport.latest(probe, TOPIC);
        try (WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/" + TOPIC + "?since=" + latest, AT_ONCE_MILLIS)) {
            expectUpgraded(probe, ws);
            long cursor = cursorFrame(ws);
            if (cursor != latest) {
                throw new CheckFailure(ws.label() + ": the cursor frame must carry the cursor asked for, " + latest + ", got " + cursor);
            }
            return "?since=" + latest + " started the subscription after " + cursor;
        }
    }

    static String webSocketRefused(Probe probe) throws CheckFailure, InterruptedException {
        List<String> seen = new ArrayList<>();
        for (String path : List.of("/ws/nope", "/ws/" + TOPIC + "?since=abc")) {
            int status = WebSocketProbeStream.connectRefused(probe, path, AT_ONCE_MILLIS);
            if (status != 400) {
                throw new CheckFailure("WebSocket " + path + ": expected the upgrade to be refused with 400 before upgrading, got "
                        + (status < 0 ? "no HTTP status" : String.valueOf(status)));
            }
            seen.add(path + " → 400");
        }
        return String.join(", ", seen);
    }

    static String shortPollAnswer(Probe probe) throws CheckFailure, InterruptedException {
        PollBody live = CheckSupport.poll(probe, "/poll/" + TOPIC, AT_ONCE_MILLIS);
        if (!live.events().isEmpty() || live.lost() != 0) {
            throw new CheckFailure("GET /poll/" + TOPIC + " without a cursor must start live: no events, lost 0, got " + live);
        }
        PollBody all = CheckSupport.poll(probe, "/poll/" + TOPIC + "?since=0", AT_ONCE_MILLIS);
        if (!all.events().isEmpty() && all.firstSeq() != 1 + all.lost()) {
            throw new CheckFailure("GET /poll/" + TOPIC + "?since=0: the first event must be seq 1 + lost = " + (1 + all.lost())
                    + ", got " + all);
        }
        if (all.events().isEmpty() && live.cursor() > 0) {
            throw new CheckFailure("GET /poll/" + TOPIC + "?since=0 after " + live.cursor()
                    + " published events must hold events (history keeps the newest), got " + all);
        }
        if (all.events().isEmpty() && all.cursor() != 0) {
            throw new CheckFailure("GET /poll/" + TOPIC + "?since=0 with no events must keep the cursor 0, got " + all);
        }
        return "live " + live + "; since=0 " + all;
    }

    static String longPollReady(Probe probe) throws CheckFailure, InterruptedException {
        PollBody live = CheckSupport.poll(probe, "/long-poll/" + TOPIC, AT_ONCE_MILLIS);
        if (!live.events().isEmpty() || live.lost() != 0) {
            throw new CheckFailure("GET /long-poll/" + TOPIC + " without a cursor must answer at once, live: no events, lost 0, got " + live);
        }
        if (live.cursor() < 1) {
            return "answered at once without a cursor: " + live + " (the feed has published nothing: a cursor behind the newest "
                    + "event cannot be tried)";
        }
        long since = live.cursor() - 1;
        HttpAnswer answer = probe.get("/long-poll/" + TOPIC + "?since=" + since, AT_ONCE_MILLIS);
        PollBody behind = CheckSupport.pollBody(probe, answer);
        if (behind.events().isEmpty() || behind.firstSeq() != since + 1) {
            throw new CheckFailure(answer.request() + ": a cursor behind the newest event must be answered at once with seq "
                    + (since + 1) + " onwards, got " + behind);
        }
        java.time.Duration hold = probe.target.longPollHold();
        if (hold != null && hold.toMillis() >= 1_000 && answer.elapsedMillis() >= hold.toMillis()) {
            throw new CheckFailure(answer.request() + ": held " + answer.elapsedMillis() + " ms although its events were ready");
        }
        return "answered at once without a cursor " + live + " and behind the newest event " + behind;
    }

    static String errorsUnknownTopic(Probe probe) throws CheckFailure, InterruptedException {
        FeedSpec feed = probe.target.feed();
        List<String> seen = new ArrayList<>();
        for (Transport t : Transport.values()) {
            for (String topic : List.of("nope", "t" + feed.topics())) {
                CheckSupport.expectRefusal(probe, "GET", t.path(topic), Map.of(), 400);
                seen.add(t.path(topic));
            }
        }
        return "400 with a text/plain reason for " + String.join(", ", seen);
    }

    static String errorsBadCursor(Probe probe) throws CheckFailure, InterruptedException {
        long latest = CheckSupport.latest(probe, TOPIC);
        long future = latest + 1_000_000;
        List<String> paths = List.of(
                "/poll/" + TOPIC + "?since=abc",
                "/poll/" + TOPIC + "?since=" + future,
                "/long-poll/" + TOPIC + "?since=-1",
                "/long-poll/" + TOPIC + "?since=" + future,
                "/sse/" + TOPIC + "?since=1.5",
                "/ws/" + TOPIC + "?since=x");
        for (String path : paths) {
            CheckSupport.expectRefusal(probe, "GET", path, Map.of(), 400);
        }
        CheckSupport.expectRefusal(probe, "GET", "/sse/" + TOPIC, Map.of("Last-Event-ID", "abc"), 400);
        CheckSupport.expectRefusal(probe, "GET", "/sse/" + TOPIC, Map.of("Last-Event-ID", String.valueOf(future)), 400);
        return "400 with a text/plain reason for " + String.join(", ", paths) + ", and Last-Event-ID: abc / " + future;
    }

    static String errorsUnknownPath(Probe probe) throws CheckFailure, InterruptedException {
        List<String> paths = List.of("/", "/nope", "/sse", "/events/" + TOPIC);
        for (String path : paths) {
            CheckSupport.expectRefusal(probe, "GET", path, Map.of(), 404);
        }
        return "404 with a text/plain reason for " + String.join(", ", paths);
    }

    static String errorsMethod(Probe probe) throws CheckFailure, InterruptedException {
        List<String> seen = new ArrayList<>();
        for (String[] request : new String[][] {
                {"POST", "/poll/" + TOPIC}, {"PUT", "/sse/" + TOPIC}, {"DELETE", "/long-poll/" + TOPIC}}) {
            CheckSupport.expectRefusal(probe, request[0], request[1], Map.of(), 405);
            HttpAnswer answer = probe.exchange(request[0], request[1], Map.of(), AT_ONCE_MILLIS);
            String allow = answer.headers().get("Allow");
            if (!HttpAnswer.hasToken(allow, "GET") || !HttpAnswer.hasToken(allow, "HEAD")) {
                throw new CheckFailure(answer.request() + ": a 405 names the methods allowed, Allow: GET, HEAD, got "
                        + (allow == null ? "none" : allow));
            }
            seen.add(request[0] + " " + request[1]);
        }
        return "405 with a text/plain reason and Allow: GET, HEAD for " + String.join(", ", seen);
    }
}
