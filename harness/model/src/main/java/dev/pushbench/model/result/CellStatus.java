package dev.pushbench.model.result;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a cell ended: {@code ok} (measured), {@code failed} (with a reason), {@code unsupported} (not run,
 * with a reason), {@code interrupted} (stopped by the user, its figures incomplete; never blamed on the stack).
 */
public enum CellStatus {
    OK("ok"),
    FAILED("failed"),
    UNSUPPORTED("unsupported"),
    INTERRUPTED("interrupted");

    private final String id;

    CellStatus(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }
}
