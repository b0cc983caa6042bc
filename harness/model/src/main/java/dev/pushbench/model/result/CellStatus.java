package dev.pushbench.model.result;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a cell ended: {@code ok} (measured), {@code failed} (with a reason), {@code unsupported} (not run, with a reason). */
public enum CellStatus {
    OK("ok"),
    FAILED("failed"),
    UNSUPPORTED("unsupported");

    private final String id;

    CellStatus(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }
}
