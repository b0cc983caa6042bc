package dev.pushbench.loadgen.verify;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks that a running server keeps the push contract (DESIGN §3, §6) over one HTTP version, with
 * Jetty's HTTP client: HTTP/2 with prior knowledge for h2c, and WebSocket over h2c by RFC 8441
 * extended CONNECT. The runner calls the {@link ConformanceLevel#QUICK quick} level before measuring every cell
 * and refuses to measure a server that fails it; each stack's tests run the {@link ConformanceLevel#FULL full}
 * level through the TCK.
 *
 * <pre>
 *   List&lt;CheckResult&gt; results = Conformance.run(URI.create("http://127.0.0.1:" + port), Protocol.H2C, feedSpec, ConformanceLevel.QUICK);
 *   results.stream().filter(CheckResult::failed).forEach(System.err::println);
 *
 *   // one check at a time (the TCK names a test after each):
 *   try (Conformance conformance = Conformance.open(target)) {
 *       CheckResult r = conformance.run(Conformance.check("sse.resume"));
 *   }
 * </pre>
 *
 * <p>Checks run one after another on the calling thread and never take longer than their own
 * deadlines: a quick run takes about a second, whatever the feed's rate; a full run a few seconds
 * with a feed of 20 events/s or more per topic. Each check names what it expected and what it saw.
 *
 * <p>The {@code publish.*} checks publish into the feed's last topic, at the full level only, so that a quick
 * run before a measured cell adds nothing to its topics.
 */
public final class Conformance implements AutoCloseable {

    @FunctionalInterface
    private interface Body {
        String run(Probe probe) throws Exception;
    }

    private record Entry(Check check, Body body) {
    }

    private static final Map<String, Entry> CHECKS = new LinkedHashMap<>();

    static {
        ConformanceLevel q = ConformanceLevel.QUICK;
        ConformanceLevel f = ConformanceLevel.FULL;
        add("protocol.version", q, null, "answers come over the requested HTTP version (HTTP/2 for h2c and h2, never HTTP/1.1 under its label); over TLS, ALPN negotiated exactly the cell's protocol",
                QuickChecks::protocolVersion);
        add("protocol.strict", q, null, "a client of the other HTTP version is refused: the server speaks only the cell's version (over TLS: ALPN offering only the other protocol fails the handshake)",
                QuickChecks::protocolStrict);
        add("protocol.prior-knowledge", q, null, "over h2c and h2, a connection that opens with an HTTP/1.1 request (with or without Upgrade: h2c) instead of the HTTP/2 preface is closed at once, answering nothing",
                ClientChecks::priorKnowledgeOnly);
        add("http.head", q, null, "HEAD answers as GET would, without content: 200 text/event-stream without a stream for SSE, 200 application/json for polls, the GET's refusals elsewhere",
                ClientChecks::head);
        add("sse.headers", q, Transport.SSE, "200, Content-Type: text/event-stream, Cache-Control: no-cache, headers flushed at once",
                QuickChecks::sseHeaders);
        add("sse.preamble", q, Transport.SSE, "the stream opens at once with retry: <ms> and id: <cursor>, without data",
                QuickChecks::ssePreamble);
        add("sse.since", q, Transport.SSE, "?since=<cursor> starts the stream after that cursor (preamble id: <cursor>)",
                QuickChecks::sseSince);
        add("websocket.upgrade", q, Transport.WEBSOCKET, "the upgrade succeeds (101, or 200 by RFC 8441 over HTTP/2) without compression, then a {\"cursor\":n} frame",
                QuickChecks::webSocketUpgrade);
        add("websocket.since", q, Transport.WEBSOCKET, "?since=<cursor> starts the subscription after that cursor",
                QuickChecks::webSocketSince);
        add("websocket.version", q, Transport.WEBSOCKET, "over HTTP/1.1, a handshake of Sec-WebSocket-Version other than 13 is refused with 426, Sec-WebSocket-Version: 13, Upgrade: websocket and Connection: upgrade",
                ClientChecks::webSocketVersion);
        add("websocket.refused", q, Transport.WEBSOCKET, "a bad topic or cursor is refused with 400 before upgrading",
                QuickChecks::webSocketRefused);
        add("short-poll.answer", q, Transport.SHORT_POLLING, "200 application/json, Cache-Control: no-store, {topic, cursor, lost, events}",
                QuickChecks::shortPollAnswer);
        add("long-poll.ready", q, Transport.LONG_POLLING, "without a cursor, or behind the newest event, a long poll is answered at once",
                QuickChecks::longPollReady);
        add("errors.unknown-topic", q, null, "400 with a text/plain reason for a topic the feed does not have, on every transport",
                QuickChecks::errorsUnknownTopic);
        add("errors.bad-cursor", q, null, "400 with a text/plain reason for a malformed or future cursor (?since=, Last-Event-ID)",
                QuickChecks::errorsBadCursor);
        add("errors.unknown-path", q, null, "404 with a text/plain reason outside /sse/, /ws/, /long-poll/, /poll/",
                QuickChecks::errorsUnknownPath);
        add("errors.method", q, null, "405 with a text/plain reason and Allow: GET, HEAD for methods other than GET and HEAD",
                QuickChecks::errorsMethod);
        add("sse.framing", f, Transport.SSE, "events as id: <seq> / event: push / data: <event JSON>, in order from the cursor",
                FullChecks::sseFraming);
        add("sse.heartbeat", f, Transport.SSE, "a comment line after a heartbeat interval without events",
                FullChecks::sseHeartbeat);
        add("sse.resume", f, Transport.SSE, "Last-Event-ID (winning over ?since=) resumes with exactly the events after it",
                FullChecks::sseResume);
        add("websocket.events", f, Transport.WEBSOCKET, "one text frame of event JSON per event, in order from the cursor",
                FullChecks::webSocketEvents);
        add("websocket.resume", f, Transport.WEBSOCKET, "?since=<cursor> delivers exactly the events after it",
                FullChecks::webSocketResume);
        add("websocket.ping", f, Transport.WEBSOCKET, "a ping after a heartbeat interval without events",
                FullChecks::webSocketPing);
        add("long-poll.hold", f, Transport.LONG_POLLING, "a poll at the newest cursor is held until an event is published, then answered with it",
                FullChecks::longPollHold);
        add("long-poll.timeout", f, Transport.LONG_POLLING, "a poll that sees no event is answered empty once the hold ends, cursor kept",
                FullChecks::longPollTimeout);
        add("long-poll.lost", f, Transport.LONG_POLLING, "a cursor that has left history gets the oldest held events and lost = the skipped count",
                FullChecks::longPollLost);
        add("short-poll.cursor", f, Transport.SHORT_POLLING, "following the cursor yields every event once, empty answers keep the cursor",
                FullChecks::shortPollCursor);
        add("short-poll.lost", f, Transport.SHORT_POLLING, "a cursor that has left history gets the oldest held events and lost = the skipped count",
                FullChecks::shortPollLost);
        add("publish.post", f, null, "POST /publish/{topic} of a valid body is answered 200 application/json {\"seq\":n}, and history holds the message at n with from, n, intended = the client's sent and data verbatim",
                PublishChecks::post);
        add("publish.refused", f, null, "a malformed publish body is refused with 400 and a text/plain reason, an unknown topic with 404, another method with 405 and Allow: POST; nothing refused is sequenced",
                PublishChecks::refusals);
        add("publish.too-large", f, null, "a publish body of exactly maxPublishBytes is taken, one byte more is refused with 413 and not sequenced",
                PublishChecks::tooLarge);
        add("publish.chunked", f, null, "over HTTP/1.1, a chunked publish body (no Content-Length) is read to its end: a valid one taken, one above maxPublishBytes refused with 413",
                PublishChecks::chunked);
        add("publish.fan-out", f, Transport.SSE, "a POSTed message reaches each of two SSE streams of its topic once, at the answered seq, between the feed's events without gaps",
                PublishChecks::sseFanOut);
        add("publish.websocket", f, Transport.WEBSOCKET, "a text frame on /ws/{topic} is a publish acknowledged in-band {\"ack\":n,\"seq\":s}; it and a POSTed message reach two SSE streams and the WebSocket once each",
                PublishChecks::webSocketInBand);
        add("publish.websocket-nack", f, Transport.WEBSOCKET, "a malformed frame gets {\"nack\":n,\"status\":400,\"error\":…} (n -1 when unreadable), one above maxPublishBytes a 413 nack, and the session stays open",
                PublishChecks::webSocketNack);
    }

    private static void add(String name, ConformanceLevel level, Transport transport, String description, Body body) {
        CHECKS.put(name, new Entry(new Check(name, level, transport, description), body));
    }

    private final ConformanceTarget target;
    private final Probe probe;

    private Conformance(ConformanceTarget target, Probe probe) {
        this.target = target;
        this.probe = probe;
    }

    /** Starts the clients for {@code target}; close them with {@link #close()}. */
    public static Conformance open(ConformanceTarget target) throws Exception {
        Objects.requireNonNull(target, "target");
        return new Conformance(target, Probe.open(target));
    }

    /** Every check that {@code level} runs, in running order (quick ones first). */
    public static List<Check> checks(ConformanceLevel level) {
        List<Check> list = new ArrayList<>();
        for (Entry e : CHECKS.values()) {
            if (e.check.level().includedIn(level)) {
                list.add(e.check);
            }
        }
        return List.copyOf(list);
    }

    /** @throws IllegalArgumentException naming the known checks */
    public static Check check(String name) {
        Entry e = CHECKS.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown conformance check '" + name + "', known: " + String.join(", ", CHECKS.keySet()));
        }
        return e.check;
    }

    /** Runs {@code level} against a server whose heartbeat interval and hold are unknown (checks needing them are skipped). */
    public static List<CheckResult> run(URI base, Protocol protocol, FeedSpec feed, ConformanceLevel level) throws Exception {
        return run(ConformanceTarget.of(base, protocol, feed), level);
    }

    /** Runs every check of {@code level}, in order, each to its end. */
    public static List<CheckResult> run(ConformanceTarget target, ConformanceLevel level) throws Exception {
        try (Conformance conformance = open(target)) {
            List<CheckResult> results = new ArrayList<>();
            for (Check c : checks(level)) {
                results.add(conformance.run(c));
            }
            return results;
        }
    }

    public ConformanceTarget target() {
        return target;
    }

    /** Runs one check; never throws for what the server does, only reports it. */
    public CheckResult run(Check check) throws InterruptedException {
        Entry entry = CHECKS.get(check.name());
        if (entry == null) {
            throw new IllegalArgumentException("unknown conformance check '" + check.name() + "'");
        }
        long start = System.nanoTime();
        CheckResult.Outcome outcome;
        String message;
        try {
            message = entry.body.run(probe);
            outcome = CheckResult.Outcome.PASS;
        } catch (CheckFailure e) {
            outcome = CheckResult.Outcome.FAIL;
            message = e.getMessage();
        } catch (CheckSkipped e) {
            outcome = CheckResult.Outcome.SKIP;
            message = e.getMessage();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            outcome = CheckResult.Outcome.FAIL;
            message = "the check could not run: " + Probe.describe(e);
        }
        return new CheckResult(check, target.protocol(), outcome, message, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() {
        probe.close();
    }
}
