package dev.pushbench.loadgen.verify;

import dev.pushbench.core.Protocol;
import java.time.Duration;

/**
 * The outcome of one conformance check against one server and HTTP version.
 *
 * @param check    which check ran
 * @param protocol the HTTP version it ran over
 * @param outcome  pass, fail, or skip (the target's configuration makes the check meaningless; the
 *                 message says why, so a skip is never silent)
 * @param message  what was seen: for a failure, what was expected and what came instead
 * @param elapsed  how long the check took
 */
public record CheckResult(Check check, Protocol protocol, Outcome outcome, String message, Duration elapsed) {

    /** Pass, fail or skip. */
    public enum Outcome {
        PASS, FAIL, SKIP
    }

    public String name() {
        return check.name();
    }

    public boolean passed() {
        return outcome == Outcome.PASS;
    }

    public boolean failed() {
        return outcome == Outcome.FAIL;
    }

    /** One line for logs: {@code FAIL h2c sse.framing (120 ms): …}. */
    @Override
    public String toString() {
        return outcome + " " + protocol + " " + check.name() + " (" + elapsed.toMillis() + " ms): " + message;
    }
}
