package dev.pushbench.report;

import java.util.Locale;

/** What the report knows about one cell: its stored {@code status}, or why there is none. */
enum CellState {
    /** Measured; its figures stand. */
    OK("ok"),
    /** Tried and failed (crash, timeout, verify failure); {@code reason} says why. */
    FAILED("failed"),
    /** The stack cannot serve this transport over this protocol; {@code reason} says why. */
    UNSUPPORTED("unsupported"),
    /** Stopped by the user while it ran; its figures are incomplete and not the stack's doing. */
    INTERRUPTED("interrupted"),
    /** Listed in run.json but no summary.json exists: not reached, or the run stopped first. */
    NOT_RUN("not run"),
    /** summary.json exists but is not a JSON object the report can read. */
    UNREADABLE("unreadable"),
    /** summary.json holds a status this report does not know, or none. */
    UNKNOWN("unknown");

    private final String label;

    CellState(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The CSS class of the status badge. */
    String cssClass() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static CellState fromStatus(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        return switch (status) {
            case "ok" -> OK;
            case "failed" -> FAILED;
            case "unsupported" -> UNSUPPORTED;
            case "interrupted" -> INTERRUPTED;
            default -> UNKNOWN;
        };
    }
}
