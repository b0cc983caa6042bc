package dev.pushbench.core;

/** A request the contract refuses, with the HTTP status to answer and a message for the client. */
public final class PushRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    public PushRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
