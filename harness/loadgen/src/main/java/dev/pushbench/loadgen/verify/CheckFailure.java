package dev.pushbench.loadgen.verify;

/** Ends a check as failed; the message says what was expected and what came instead. */
final class CheckFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailure(String message) {
        super(message, null, false, false);
    }
}
