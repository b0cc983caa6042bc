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
 * <p>A {@code body} (a POST's) goes with its length: HTTP/1.1 writes {@code Content-Length} and the
 * bytes after the head; HTTP/2 sends HEADERS, then DATA within the server's flow-control windows,
 * the last frame with END_STREAM. The array is the caller's and is read when the request is sent:
 * it must not change after it was handed over.
 *
 * <pre>
 *   new HttpRequest("GET", "/sse/t0", new String[] {"Accept", "text/event-stream"}, false, null);
 *   HttpRequest.webSocket("/ws/t0?since=41", key);
 *   HttpRequest.post("/publish/t0", "application/json", json);
 * </pre>
 *
 * @param headers name, value, name, value…; names as written on HTTP/1.1 (HTTP/2 lowercases them)
 * @param body    the request body; null for none
 */
public record HttpRequest(String method, String target, String[] headers, boolean webSocket, String webSocketKey,
                          byte[] body) {
    private static final String[] NONE = new String[0];

    /** A request without a body. */
    public HttpRequest(String method, String target, String[] headers, boolean webSocket, String webSocketKey) {
        this(method, target, headers, webSocket, webSocketKey, null);
    }

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
        if (webSocket && body != null) {
            throw new IllegalArgumentException("a WebSocket request has no body, got " + body.length + " bytes");
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

    /** {@code POST target} with {@code Content-Type: contentType} and {@code body} (not copied: not to be changed after). */
    public static HttpRequest post(String target, String contentType, byte[] body) {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        return new HttpRequest("POST", target, new String[] {"Content-Type", contentType}, false, null, body);
    }
}
