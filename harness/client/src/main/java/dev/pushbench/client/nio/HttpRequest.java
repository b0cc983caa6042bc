package dev.pushbench.client.nio;

import java.util.Objects;

/**
 * A request a stream sends through its connection's {@link HttpCodec}: a method, a request target
 * and extra header fields; the codec adds what its version needs (HTTP/1.1's {@code Host}, HTTP/2's
 * pseudo-headers).
 *
 * <p>{@code webSocket} asks for a tunnel carrying RFC 6455 frames: over HTTP/1.1 the codec sends the
 * {@code Upgrade: websocket} request with {@code webSocketKey} and the tunnel opens on a 101; over
 * HTTP/2 it sends the extended CONNECT of RFC 8441 ({@code :protocol websocket}) and the tunnel
 * opens on a 200.
 *
 * <pre>
 *   new HttpRequest("GET", "/sse/t0", new String[] {"Accept", "text/event-stream"}, false, null);
 *   HttpRequest.webSocket("/ws/t0?since=41", key);
 * </pre>
 *
 * @param headers name, value, name, value…; names as written on HTTP/1.1 (HTTP/2 lowercases them)
 */
public record HttpRequest(String method, String target, String[] headers, boolean webSocket, String webSocketKey) {
    private static final String[] NONE = new String[0];

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = headers == null ? NONE : headers;
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name, value pairs, got " + headers.length + " strings");
        }
        if (webSocket && webSocketKey == null) {
            throw new IllegalArgumentException("a WebSocket request needs its Sec-WebSocket-Key");
        }
    }

    /** {@code GET target} with {@code headers}. */
    public static HttpRequest get(String target, String... headers) {
        return new HttpRequest("GET", target, headers, false, null);
    }

    /** A WebSocket opening for {@code target}; {@code key} is used by the HTTP/1.1 upgrade only. */
    public static HttpRequest webSocket(String target, String key) {
        return new HttpRequest("GET", target, NONE, true, key);
    }
}
