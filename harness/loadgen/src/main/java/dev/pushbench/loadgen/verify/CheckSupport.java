package dev.pushbench.loadgen.verify;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the checks share: poll answers read and checked, the feed's newest seq, and deadlines. */
final class CheckSupport {
    /** How long anything that must come at once may take before the check fails (only reached when failing). */
    static final long AT_ONCE_MILLIS = 2_000;
    static final String TOPIC = "t0";

    private CheckSupport() {
    }

    /** GET a poll path and check what every poll answer must be: 200, JSON, no-store, the right HTTP version, the right shape. */
    static PollBody poll(Probe probe, String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        HttpAnswer answer = probe.get(pathAndQuery, timeoutMillis);
        return pollBody(probe, answer);
    }

    static PollBody pollBody(Probe probe, HttpAnswer answer) throws CheckFailure {
        answer.expectStatus(200)
                .expectVersion(probe.expectedVersion())
                .expectHeaderStartsWith("Content-Type", "application/json")
                .expectHeaderToken("Cache-Control", "no-store");
        PollBody body = PollBody.parse(answer, probe.target.feed());
        String expectedTopic = topicOf(answer.request());
        if (expectedTopic != null && !expectedTopic.equals(body.topic())) {
            throw new CheckFailure(answer.request() + ": answer names topic " + body.topic() + ", expected " + expectedTopic);
        }
        return body;
    }

    private static String topicOf(String request) {
        int slash = request.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String rest = request.substring(slash + 1);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    /** The newest seq of {@code topic} now, from a short poll without a cursor. */
    static long latest(Probe probe, String topic) throws CheckFailure, InterruptedException {
        return poll(probe, "/poll/" + topic, AT_ONCE_MILLIS).cursor();
    }

    /** Waits (by polling) until {@code topic} has published at least {@code seq} events. */
    static long awaitLatest(Probe probe, String topic, long seq, long timeoutMillis) throws CheckFailure, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long periodMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.target.periodNanos()));
        for (;;) {
            long latest = latest(probe, topic);
            if (latest >= seq) {
                return latest;
            }
            if (System.nanoTime() > deadline) {
                throw new CheckFailure("topic " + topic + " had published " + latest + " events after " + timeoutMillis
                        + " ms, needed " + seq + " (is the feed publishing at " + probe.target.feed().ratePerSecond() + "/s?)");
            }
            Thread.sleep(Math.min(periodMillis, 50));
        }
    }

    /** A generous deadline for {@code events} events of one topic to arrive. */
    static long eventWaitMillis(ConformanceTarget target, int events) {
        long periodMillis = TimeUnit.NANOSECONDS.toMillis(target.periodNanos());
        return Math.max(AT_ONCE_MILLIS, 10L * events * periodMillis);
    }

    /** A refusal: the status, a text/plain body saying why, the right HTTP version. */
    static String expectRefusal(Probe probe, String method, String pathAndQuery, Map<String, String> headers, int status)
            throws CheckFailure, InterruptedException {
        HttpAnswer answer = probe.exchange(method, pathAndQuery, headers, AT_ONCE_MILLIS);
        answer.expectStatus(status)
                .expectVersion(probe.expectedVersion())
                .expectHeaderStartsWith("Content-Type", "text/plain");
        if (answer.body().isBlank()) {
            throw new CheckFailure(answer.request() + ": a " + status + " must say why in its body, got an empty body");
        }
        return answer.body().strip();
    }
}
