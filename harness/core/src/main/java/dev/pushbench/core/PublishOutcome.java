package dev.pushbench.core;

/**
 * How the server answered one client publish, in the form each transport sends: an HTTP status and body
 * for {@code POST /publish/{topic}}, or an in-band text frame for a WebSocket.
 *
 * <pre>
 *   PublishOutcome o = context.publish(topic, bytes, 0, bytes.length);
 *   http:      respond(o.status(), o.contentType(), o.httpBody());   // 200 {"seq":42}, or 400/413 with the reason
 *   websocket: sendText(o.webSocketText());                          // {"ack":5,"seq":42} or {"nack":5,"status":400,"error":"…"}
 * </pre>
 *
 * @param status 200 when sequenced, else the refusal's HTTP status (400, 404, 405, 413)
 * @param n      the client's message number, -1 when the body was unreadable
 * @param seq    the seq the message got in its topic; -1 when refused
 * @param error  why it was refused; null when sequenced
 */
public record PublishOutcome(int status, long n, long seq, String error) {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    static PublishOutcome accepted(long n, long seq) {
        return new PublishOutcome(200, n, seq, null);
    }

    static PublishOutcome refused(int status, long n, String error) {
        return new PublishOutcome(status, n, -1, error);
    }

    public boolean accepted() {
        return status == 200;
    }

    /** The content type of {@link #httpBody()}: JSON for the seq, text for a reason. */
    public String contentType() {
        return accepted() ? JSON : TEXT;
    }

    /** {@code {"seq":42}}, or the reason for a refusal. */
    public String httpBody() {
        return accepted() ? "{\"seq\":" + seq + "}" : error;
    }

    /** {@code {"ack":5,"seq":42}}, or {@code {"nack":5,"status":400,"error":"…"}} ({@code nack} -1 for an unreadable body). */
    public String webSocketText() {
        if (accepted()) {
            return "{\"ack\":" + n + ",\"seq\":" + seq + "}";
        }
        return "{\"nack\":" + n + ",\"status\":" + status + ",\"error\":\"" + jsonEscape(error) + "\"}";
    }

    static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
