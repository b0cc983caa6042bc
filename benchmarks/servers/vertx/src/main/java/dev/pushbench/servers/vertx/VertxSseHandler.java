package dev.pushbench.servers.vertx;

import dev.pushbench.core.Event;
import dev.pushbench.core.Outbox;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code GET /sse/{topic}}: a {@code text/event-stream} response that never ends by itself. The
 * preamble goes out at once (its write sends the headers), then the {@link Outbox} writes events
 * and heartbeats, one write in flight at a time, all on the request's event loop.
 */
final class VertxSseHandler {
    /** RFC 9113 §7 CANCEL: the stream is no longer needed. Over HTTP/1.1 a reset closes the connection. */
    private static final long CANCEL = 0x8;

    private final PushContext context;

    VertxSseHandler(PushContext context) {
        this.context = context;
    }

    void handle(Route route, HttpServerRequest request) {
        HttpServerResponse response = request.response();
        streamHead(response, context.config());
        SseOutbox outbox = new SseOutbox(context, route.topic(), VertxPushHandler.onCurrentContext(), response,
                request.version() == HttpVersion.HTTP_2 ? null : request.connection());
        // the client went away: the HTTP/1.1 connection closed, or the HTTP/2 stream was reset or closed
        response.closeHandler(ignored -> outbox.close());
        // a failure (stream or connection error): end the stream too, so that no client waits on a silent one
        response.exceptionHandler(failure -> {
            outbox.close();
            outbox.reset();
        });
        long cursor = outbox.open(route.since());
        response.write(VertxPushHandler.wrap(context.ssePreamble(cursor))).onComplete(written -> {
            if (written.succeeded()) {
                outbox.begin();
            } else {
                outbox.close();
                outbox.reset();
            }
        });
    }

    /** The status and header fields of every stream, and of a HEAD of one. */
    static void streamHead(HttpServerResponse response, dev.pushbench.core.ServerConfig config) {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        if (config.sseProxyHints()) {
            response.putHeader(dev.pushbench.core.ServerConfig.PROXY_HINT_HEADER, "no");
        }
    }

    private static final class SseOutbox extends Outbox {
        private final HttpServerResponse response;
        // all three are touched on the response's event loop only
        private boolean writing;
        private boolean writeFailed;
        private boolean ended;

        // the HTTP/1.x connection the stream is alone on, or null over HTTP/2 (where a stream shares it)
        private final HttpConnection connection;

        SseOutbox(PushContext context, int topic, Executor executor, HttpServerResponse response, HttpConnection connection) {
            super(context, topic, executor);
            this.response = response;
            this.connection = connection;
        }

        /** The batch's SSE frames in one write: one buffer over the shared frames, nothing copied. */
        @Override
        protected void send(List<Event> events) {
            Buffer frames;
            if (events.size() == 1) {
                frames = VertxPushHandler.wrap(events.get(0).sseFrame());
            } else {
                byte[][] arrays = new byte[events.size()][];
                for (int i = 0; i < arrays.length; i++) {
                    arrays[i] = events.get(i).sseFrame();
                }
                frames = BufferInternal.buffer(Unpooled.wrappedBuffer(arrays));
            }
            write(frames);
        }

        @Override
        protected void sendHeartbeat() {
            write(VertxPushHandler.wrap(PushContext.SSE_HEARTBEAT));
        }

        private void write(Buffer bytes) {
            writing = true;
            response.write(bytes).onComplete(this::writeEnded);
        }

        private void writeEnded(AsyncResult<Void> result) {
            writing = false;
            writeFailed |= result.failed();
            written(result.succeeded());
        }

        @Override
        protected void disconnect() {
            if (writing || writeFailed) {
                // a write is stuck behind a client that stopped reading (or the connection broke): ending the
                // stream would queue behind it, so reset it. HTTP/2: RST_STREAM, at once. HTTP/1.1: Vert.x closes
                // the connection once what is queued is flushed, or at the idle timeout if the client never reads
                reset();
            } else if (!ended && !response.ended() && !response.closed()) {
                ended = true;
                response.end();
            }
        }

        void reset() {
            if (!ended && !response.closed()) {
                ended = true;
                response.reset(CANCEL);
            }
        }

        /**
         * Over HTTP/1.x the stream's end leaves a keep-alive connection, and its reset a close that first flushes
         * what is queued: either stays while the client does not read. Dropped from the head of the pipeline, it
         * goes now. Over HTTP/2 the end or the reset has already freed the stream, and the connection is shared.
         */
        @Override
        protected void abort() {
            if (connection instanceof ConnectionBase base) {
                base.channel().pipeline().firstContext().close();
            }
        }
    }
}
