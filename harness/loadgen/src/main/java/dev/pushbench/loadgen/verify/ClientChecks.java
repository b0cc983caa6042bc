package dev.pushbench.loadgen.verify;

import static dev.pushbench.loadgen.verify.CheckSupport.AT_ONCE_MILLIS;
import static dev.pushbench.loadgen.verify.CheckSupport.TOPIC;

import dev.pushbench.core.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Clients at the edge of the contract, which every stack must treat the same way: an HTTP/1.1
 * client at an HTTP/2-only port, {@code HEAD} requests, and a WebSocket handshake of an older
 * version. Their requests are written byte by byte on a {@link RawConnection} where no client
 * library would send them. Nothing here waits for the feed.
 */
final class ClientChecks {
    /** A WebSocket key (RFC 6455 §1.3's sample); the server never gets as far as using it. */
    private static final String WEBSOCKET_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** A SETTINGS payload, base64url (RFC 7540 §3.2.1), as curl sends it: a valid h2c upgrade in every respect. */
    private static final String HTTP2_SETTINGS = "AAMAAABkAAQCAAAAAAIAAAAA";

    private ClientChecks() {
    }

    /**
     * h2c means prior knowledge only (RFC 9113 §3.3), and h2 means ALPN {@code h2}: a connection that opens
     * with an HTTP/1.1 request instead of the HTTP/2 preface is an invalid preface (RFC 9113 §3.4), closed
     * without an HTTP/1.1 answer, whether or not it asks to upgrade.
     */
    static String priorKnowledgeOnly(Probe probe) throws CheckFailure, CheckSkipped {
        Protocol protocol = probe.target.protocol();
        if (!protocol.isHttp2()) {
            throw new CheckSkipped("applies to the HTTP/2 protocols (h2c, h2) only, not " + protocol);
        }
        String host = probe.target.base().getHost() + ":" + probe.target.base().getPort();
        String plain = "GET /poll/" + TOPIC + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        String upgrade = "GET /poll/" + TOPIC + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: " + HTTP2_SETTINGS + "\r\n\r\n";
        List<String> seen = new ArrayList<>();
        for (String[] request : new String[][] {{"an HTTP/1.1 request", plain}, {"an HTTP/1.1 request with Upgrade: h2c", upgrade}}) {
            // over TLS the client negotiates nothing by ALPN, as an HTTP/1.1-only client would
            try (RawConnection raw = RawConnection.open(probe.target, null, AT_ONCE_MILLIS)) {
                raw.send(request[1]);
                RawConnection.Ending ending = raw.readToEnd(AT_ONCE_MILLIS);
                String what = raw.label() + ", " + request[0];
                if (ending.text().startsWith("HTTP/")) {
                    throw new CheckFailure(what + ": answered over HTTP/1.1 (" + ending.firstLine() + ", " + ending.bytes().length
                            + " bytes, " + (ending.ended() ? "then closed" : "connection still open") + " after " + ending.millis()
                            + " ms); a " + protocol + " server must close a connection without the HTTP/2 preface, answering nothing");
                }
                if (!ending.ended()) {
                    throw new CheckFailure(what + ": the connection was still open after " + AT_ONCE_MILLIS + " ms ("
                            + ending.bytes().length + " bytes read); a " + protocol + " server must close it at once");
                }
                if (ending.bytes().length > 0) {
                    throw new CheckFailure(what + ": closed after " + ending.bytes().length
                            + " bytes; a connection without the HTTP/2 preface gets nothing, not even a GOAWAY");
                }
                seen.add(request[0] + ": closed after " + ending.millis() + " ms, nothing sent");
            }
        }
        return String.join("; ", seen);
    }

    /** What a GET of a path answers, as far as HEAD must repeat it. */
    private record Expected(String path, int status, String contentType, String cacheControl) {
    }

    /**
     * RFC 9110 §9.3.2: HEAD wherever GET works, with the GET's status and header fields and no content; an
     * SSE stream's HEAD is its response head without the stream (so it ends at once), and the same refusals
     * as GET for a bad topic, a path outside the contract or a WebSocket path without an upgrade.
     */
    static String head(Probe probe) throws CheckFailure, InterruptedException {
        List<Expected> expected = List.of(
                new Expected("/sse/" + TOPIC, 200, "text/event-stream", "no-cache"),
                new Expected("/poll/" + TOPIC, 200, "application/json", "no-store"),
                new Expected("/long-poll/" + TOPIC, 200, "application/json", "no-store"),
                new Expected("/ws/" + TOPIC, 400, "text/plain", "no-store"),
                new Expected("/sse/nope", 400, "text/plain", "no-store"),
                new Expected("/nope", 404, "text/plain", "no-store"));
        List<String> seen = new ArrayList<>();
        for (Expected e : expected) {
            HttpAnswer answer = probe.exchange("HEAD", e.path(), Map.of(), AT_ONCE_MILLIS);
            answer.expectStatus(e.status())
                    .expectVersion(probe.expectedVersion())
                    .expectHeaderStartsWith("Content-Type", e.contentType())
                    .expectHeaderToken("Cache-Control", e.cacheControl());
            if (!answer.body().isEmpty()) {
                throw new CheckFailure(answer.request() + ": a HEAD answer carries no content, got " + HttpAnswer.snippet(answer.body()));
            }
            String length = answer.headers().get("Content-Length");
            if (e.status() == 200 && length != null) {
                // an endless stream has no length, and a poll's changes with every event: only the GET can tell it
                throw new CheckFailure(answer.request() + ": Content-Length: " + length + " is not what the GET sends"
                        + " (RFC 9110 §8.6: a HEAD answer may carry only the length the GET would send)");
            }
            seen.add("HEAD " + e.path() + " → " + e.status() + " " + e.contentType());
        }
        return String.join(", ", seen) + ", no content";
    }

    /**
     * RFC 6455 §4.2.2 and §4.4: a handshake of a version other than 13 is refused with 426 Upgrade Required
     * and {@code Sec-WebSocket-Version: 13}, not upgraded under another framing nor refused with a bare 400.
     * Over HTTP/1.1 only: WebSocket over HTTP/2 (RFC 8441) is not served by every stack.
     */
    static String webSocketVersion(Probe probe) throws CheckFailure, CheckSkipped {
        Protocol protocol = probe.target.protocol();
        if (protocol.isHttp2()) {
            throw new CheckSkipped("checked over HTTP/1.1 (http1.1, https1.1): the handshake of RFC 8441 over " + protocol
                    + " is not served by every stack");
        }
        String host = probe.target.base().getHost() + ":" + probe.target.base().getPort();
        List<String> seen = new ArrayList<>();
        for (String version : List.of("8", "12")) {
            try (RawConnection raw = RawConnection.open(probe.target, protocol.isTls() ? "http/1.1" : null, AT_ONCE_MILLIS)) {
                raw.send("GET /ws/" + TOPIC + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + WEBSOCKET_KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n");
                RawResponse response = raw.readResponse(false, AT_ONCE_MILLIS);
                String what = raw.label() + ", Sec-WebSocket-Version: " + version;
                if (response.status() != 426) {
                    throw new CheckFailure(what + ": expected 426 Upgrade Required, got " + response);
                }
                if (!response.headerHasToken("Sec-WebSocket-Version", "13")) {
                    throw new CheckFailure(what + ": a 426 must name the version served, Sec-WebSocket-Version: 13, got " + response);
                }
                if (!response.headerHasToken("Upgrade", "websocket") || !response.headerHasToken("Connection", "upgrade")) {
                    throw new CheckFailure(what + ": a 426 must name the protocol to upgrade to, Upgrade: websocket"
                            + " (RFC 9110 §15.5.22) with Connection: upgrade (§7.8), got " + response);
                }
                String type = response.headerLower("Content-Type");
                if (type == null || !type.startsWith("text/plain") || response.body().isBlank()) {
                    throw new CheckFailure(what + ": a refusal says why in a text/plain body, got " + response);
                }
                seen.add("version " + version + " → 426, Sec-WebSocket-Version: " + response.header("Sec-WebSocket-Version"));
            }
        }
        return String.join(", ", seen);
    }
}
