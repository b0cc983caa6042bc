package dev.pushbench.loadgen.verify;

/** Ends a check as skipped: the target's configuration makes it meaningless; the message says why. */
final class CheckSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    CheckSkipped(String message) {
        super(message, null, false, false);
    }
}
