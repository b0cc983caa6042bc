package dev.pushbench.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The four ways a server pushes an event to a subscriber. Each transport has one URL path prefix,
 * identical in every server stack, so that one load generator and one conformance suite serve all.
 *
 * <pre>
 *   GET /sse/{topic}                       text/event-stream, resumes from Last-Event-ID
 *   GET /ws/{topic}?since={cursor}         WebSocket upgrade (RFC 6455; RFC 8441 over HTTP/2)
 *   GET /long-poll/{topic}?since={cursor}  held until an event after the cursor exists or the hold ends
 *   GET /poll/{topic}?since={cursor}       answered at once
 * </pre>
 */
public enum Transport {
    SSE("sse", "/sse/"),
    WEBSOCKET("websocket", "/ws/"),
    LONG_POLLING("long-polling", "/long-poll/"),
    SHORT_POLLING("short-polling", "/poll/");

    private final String id;
    private final String pathPrefix;

    Transport(String id, String pathPrefix) {
        this.id = id;
        this.pathPrefix = pathPrefix;
    }

    /** The name used in scenarios, cell names and files, e.g. {@code long-polling}. */
    public String id() {
        return id;
    }

    /** The path prefix, with leading and trailing slash, e.g. {@code /long-poll/}. */
    public String pathPrefix() {
        return pathPrefix;
    }

    public String path(String topic) {
        return pathPrefix + topic;
    }

    public boolean isPolling() {
        return this == LONG_POLLING || this == SHORT_POLLING;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static Transport fromId(String id) {
        for (Transport t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + id + "', allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Transport::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
