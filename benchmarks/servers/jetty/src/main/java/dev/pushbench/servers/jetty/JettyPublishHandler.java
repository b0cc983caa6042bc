package dev.pushbench.servers.jetty;

import dev.pushbench.core.PublishOutcome;
import dev.pushbench.core.PushContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /publish/{topic}}: reads the body without blocking (chunks as they come, the next one on
 * {@link Request#demand}), keeping at most {@link dev.pushbench.core.ServerConfig#maxPublishBytes()} bytes, and answers
 * what {@link PushContext#publish} decided: 200 {@code {"seq":42}}, 400 with the reason, 413 for a body too large.
 * A body too large is read to its end and dropped before the 413, so that the client, still sending, reads the answer
 * rather than a reset; one above {@link PushContext#publishDiscardLimit()} is answered at once and its connection closed.
 */
final class JettyPublishHandler {
    private final PushContext context;

    JettyPublishHandler(PushContext context) {
        this.context = context;
    }

    void handle(int topic, Request request, Response response, Callback callback) {
        int max = context.config().maxPublishBytes();
        long declared = request.getLength();
        if (declared > context.publishDiscardLimit()) {
            answer(context.publishTooLarge(declared), response, callback);
            return;
        }
        new BodyReader(topic, request, response, callback, declared >= 0 ? (int) Math.min(declared, max) : Math.min(max, 1024)).run();
    }

    /** Gathers the body's chunks; {@link #run} reads what has come and asks to be run again for the rest. */
    private final class BodyReader implements Runnable {
        private final int topic;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private byte[] body;
        private int length;
        // above the limit: what has come is counted and dropped
        private long dropped = -1;

        BodyReader(int topic, Request request, Response response, Callback callback, int initialBytes) {
            this.topic = topic;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.body = new byte[Math.max(initialBytes, 16)];
        }

        @Override
        public void run() {
            int max = context.config().maxPublishBytes();
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    callback.failed(chunk.getFailure());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int remaining = bytes.remaining();
                if (dropped < 0 && length + (long) remaining > max) {
                    dropped = length;
                }
                if (dropped >= 0) {
                    dropped += remaining;
                    boolean last = chunk.isLast();
                    chunk.release();
                    if (last || dropped > context.publishDiscardLimit()) {
                        answer(context.publishTooLarge(dropped), response, callback);
                        return;
                    }
                    continue;
                }
                if (length + remaining > body.length) {
                    body = java.util.Arrays.copyOf(body, Math.min(max, Math.max(body.length * 2, length + remaining)));
                }
                bytes.get(body, length, remaining);
                length += remaining;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    answer(context.publish(topic, body, 0, length), response, callback);
                    return;
                }
            }
        }
    }

    private static void answer(PublishOutcome outcome, Response response, Callback callback) {
        response.setStatus(outcome.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, outcome.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String body = outcome.accepted() ? outcome.httpBody() : outcome.httpBody() + "\n";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** A refusal before reading (404 unknown topic, 405 method); 405 names the one method allowed. */
    void refuse(int status, String message, Response response, Callback callback) {
        if (status == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
        }
        answer(context.publishRefused(status, -1, message), response, callback);
    }
}
