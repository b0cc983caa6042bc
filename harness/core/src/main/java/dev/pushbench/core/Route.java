package dev.pushbench.core;

/**
 * A request's transport, topic and cursor, read from its path, query and headers by the one set of
 * rules every stack uses (so that a 400 or 404 means the same everywhere).
 *
 * <pre>
 *   Route r = Route.parse(feed, request.path(), request.query(), lastEventIdHeader);
 *   // r.transport(), r.topic(), r.since() (-1: start from now)
 * </pre>
 */
public record Route(Transport transport, int topic, long since) {

    /** {@link #since()} when the client gave no cursor: start from the newest event. */
    public static final long LIVE = -1;

    /**
     * @param lastEventId the SSE {@code Last-Event-ID} header or null; it wins over {@code since}
     * @throws PushRequestException 404 for a path outside the contract, 400 for a bad topic or cursor
     */
    public static Route parse(EventFeed feed, String path, String query, String lastEventId) throws PushRequestException {
        Transport transport = null;
        for (Transport t : Transport.values()) {
            if (path.startsWith(t.pathPrefix())) {
                transport = t;
                break;
            }
        }
        if (transport == null) {
            throw new PushRequestException(404, "no such path: " + path
                    + "; endpoints are /sse/{topic}, /ws/{topic}, /long-poll/{topic}, /poll/{topic} and POST /publish/{topic}");
        }
        String topicName = path.substring(transport.pathPrefix().length());
        int topic = feed.spec().topicIndex(topicName);
        if (topic < 0) {
            throw new PushRequestException(400, "unknown topic '" + topicName + "': topics are t0 to t"
                    + (feed.spec().topics() - 1));
        }
        String cursor = lastEventId != null && transport == Transport.SSE ? lastEventId : queryParam(query, "since");
        long since = parseCursor(cursor, feed.ring(topic));
        return new Route(transport, topic, since);
    }

    /** The path of a client's publish, {@code POST /publish/{topic}}, up to the topic. */
    public static final String PUBLISH_PATH_PREFIX = "/publish/";

    /** True for a path under {@link #PUBLISH_PATH_PREFIX}, to be routed with {@link #publishTopic}. */
    public static boolean isPublish(String path) {
        return path.startsWith(PUBLISH_PATH_PREFIX);
    }

    /**
     * The topic of {@code POST /publish/{topic}}.
     *
     * @param method the request's method: only POST publishes
     * @throws PushRequestException 405 for another method (answer with {@code Allow: POST}), 404 for an unknown topic
     */
    public static int publishTopic(EventFeed feed, String method, String path) throws PushRequestException {
        if (!"POST".equals(method)) {
            throw new PushRequestException(405, "method " + method + " not allowed on " + path + ": publish with POST");
        }
        String topicName = path.substring(PUBLISH_PATH_PREFIX.length());
        int topic = feed.spec().topicIndex(topicName);
        if (topic < 0) {
            throw new PushRequestException(404, "unknown topic '" + topicName + "': topics are t0 to t" + (feed.spec().topics() - 1));
        }
        return topic;
    }

    /** The only WebSocket version served (RFC 6455 §4.1); a 426 names it in {@code Sec-WebSocket-Version}. */
    public static final String WEBSOCKET_VERSION = "13";

    /**
     * RFC 6455 §4.2.2: a handshake of another version is refused with 426 Upgrade Required, naming the
     * version served, rather than upgraded under other framing or refused with a bare 400.
     *
     * @param secWebSocketVersion the request's {@code Sec-WebSocket-Version}, or null (the library then
     *                            refuses the malformed handshake itself)
     * @throws PushRequestException 426 for any version other than 13
     */
    public static void requireWebSocketVersion(String secWebSocketVersion) throws PushRequestException {
        if (secWebSocketVersion != null && !WEBSOCKET_VERSION.equals(secWebSocketVersion.trim())) {
            throw new PushRequestException(426, "WebSocket version " + secWebSocketVersion.trim() + " is not served: only "
                    + WEBSOCKET_VERSION + " (RFC 6455)");
        }
    }

    static long parseCursor(String raw, TopicRing ring) throws PushRequestException {
        if (raw == null) {
            return LIVE;
        }
        String value = raw.trim();
        long cursor;
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new PushRequestException(400, "bad cursor '" + raw + "': a cursor is the seq of the last event seen, 0 or more");
        }
        cursor = Long.parseLong(value);
        long latest = ring.latestSeq();
        if (cursor > latest) {
            throw new PushRequestException(400, "bad cursor " + cursor + ": the topic's newest event is " + latest);
        }
        return cursor;
    }

    /** The first value of {@code name} in a raw query string, or null. Values are taken as given. */
    public static String queryParam(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int at = 0;
        while (at <= query.length()) {
            int amp = query.indexOf('&', at);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', at);
            if (eq > at && eq < end && query.regionMatches(at, name, 0, name.length()) && eq - at == name.length()) {
                return query.substring(eq + 1, end);
            }
            if (eq < 0 || eq >= end) {
                if (end - at == name.length() && query.regionMatches(at, name, 0, name.length())) {
                    return "";
                }
            }
            if (amp < 0) {
                break;
            }
            at = amp + 1;
        }
        return null;
    }
}
