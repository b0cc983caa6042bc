package dev.pushbench.loadgen.verify;

/**
 * How much {@link Conformance} checks. Each level includes the ones before it.
 */
public enum ConformanceLevel {
    /**
     * Structure only: headers, preambles, answer shapes, refusals, the HTTP version. Needs no event
     * to be published and takes about a second; the runner runs it before measuring every cell.
     */
    QUICK("quick"),
    /**
     * Also delivery semantics: SSE framing and resume, WebSocket events and resume, heartbeats,
     * long-poll hold and timeout, cursors, lost events. Needs a feed publishing at least 20 events/s
     * per topic; takes seconds.
     */
    FULL("full");

    private final String id;

    ConformanceLevel(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @return true if a check of this level runs when {@code requested} is asked for */
    public boolean includedIn(ConformanceLevel requested) {
        return ordinal() <= requested.ordinal();
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ConformanceLevel fromId(String id) {
        for (ConformanceLevel l : values()) {
            if (l.id.equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown conformance level '" + id + "', allowed: quick, full");
    }

    @Override
    public String toString() {
        return id;
    }
}
