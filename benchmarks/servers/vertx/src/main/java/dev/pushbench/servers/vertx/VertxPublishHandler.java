package dev.pushbench.servers.vertx;

import dev.pushbench.core.PublishOutcome;
import dev.pushbench.core.PushContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /publish/{topic}}: gathers the body on the connection's event loop as it comes, at most
 * {@link dev.pushbench.core.ServerConfig#maxPublishBytes()} bytes, and answers what {@link PushContext#publish}
 * decided: 200 {@code {"seq":42}}, 400 with the reason, 413 for a body too large. A body too large is read to its
 * end and dropped before the 413, so that the client, still sending, reads the answer rather than a reset; one above
 * {@link PushContext#publishDiscardLimit()} is answered at once and, over HTTP/1.1, its connection closed.
 */
final class VertxPublishHandler {
    private final PushContext context;

    VertxPublishHandler(PushContext context) {
        this.context = context;
    }

    void handle(int topic, HttpServerRequest request) {
        int max = context.config().maxPublishBytes();
        String contentLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = parseLength(contentLength);
        if (declared > context.publishDiscardLimit()) {
            tooLarge(request, declared);
            return;
        }
        Buffer body = Buffer.buffer(declared >= 0 ? (int) Math.min(declared, max) : 256);
        // [0]: bytes dropped once the body went over the limit (-1 before); [1]: 1 once answered or failed
        long[] state = {-1, 0};
        request.handler(chunk -> {
            if (state[1] != 0) {
                return;
            }
            if (state[0] < 0 && body.length() + (long) chunk.length() > max) {
                state[0] = body.length();
            }
            if (state[0] >= 0) {
                state[0] += chunk.length();
                if (state[0] > context.publishDiscardLimit()) {
                    state[1] = 1;
                    tooLarge(request, state[0]);
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> {
            if (state[1] != 0) {
                return;
            }
            state[1] = 1;
            if (state[0] >= 0) {
                tooLarge(request, state[0]);
                return;
            }
            byte[] bytes = body.getBytes();
            answer(request, context.publish(topic, bytes, 0, bytes.length));
        });
        request.exceptionHandler(failure -> state[1] = 1);
    }

    private static long parseLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void tooLarge(HttpServerRequest request, long length) {
        if (request.version() != HttpVersion.HTTP_2 && !request.isEnded()) {
            // the rest of the body is not read: the connection cannot carry another request after it
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        answer(request, context.publishTooLarge(length));
    }

    /** A refusal before reading (404 unknown topic, 405 method); 405 names the one method allowed. */
    void refuse(HttpServerRequest request, int status, String message) {
        if (status == 405) {
            request.response().putHeader(HttpHeaders.ALLOW, "POST");
        }
        answer(request, context.publishRefused(status, -1, message));
    }

    private static void answer(HttpServerRequest request, PublishOutcome outcome) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        String body = outcome.accepted() ? outcome.httpBody() : outcome.httpBody() + "\n";
        response.setStatusCode(outcome.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, outcome.contentType())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
}
