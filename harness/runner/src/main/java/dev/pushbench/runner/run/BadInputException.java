package dev.pushbench.runner.run;

/** Input the user can fix (a file, an option, a limit of this machine): reported without a stack trace, exit 2. */
public final class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message, null, false, false);
    }
}
