package dev.pushbench.servers.jetty;

import dev.pushbench.core.Event;
import dev.pushbench.core.Outbox;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /sse/{topic}}: a {@code text/event-stream} response that never ends by itself. The
 * preamble goes out at once (it commits and flushes the headers), then the {@link Outbox} writes
 * events and heartbeats, one write in flight at a time.
 */
final class JettySseHandler {
    private final PushContext context;
    private final Executor executor;

    JettySseHandler(PushContext context, Executor executor) {
        this.context = context;
        this.executor = executor;
    }

    dev.pushbench.core.ServerConfig config() {
        return context.config();
    }

    void handle(Route route, Request request, Response response, Callback callback) {
        streamHead(response, context.config());
        boolean http1 = request.getConnectionMetaData().getHttpVersion().getVersion() < 20;
        SseOutbox outbox = new SseOutbox(context, route.topic(), executor, response, callback,
                http1 ? request.getConnectionMetaData().getConnection().getEndPoint() : null);
        request.addFailureListener(outbox::clientGone);
        long cursor = outbox.open(route.since());
        response.write(false, ByteBuffer.wrap(context.ssePreamble(cursor)),
                Callback.from(outbox::begin, outbox::preambleFailed));
    }

    /** The status and header fields of every stream, and of a HEAD of one. */
    static void streamHead(Response response, dev.pushbench.core.ServerConfig config) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (config.sseProxyHints()) {
            response.getHeaders().put(dev.pushbench.core.ServerConfig.PROXY_HINT_HEADER, "no");
        }
    }

    private static final class SseOutbox extends Outbox {
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final Callback writeCallback = new Callback() {
            @Override
            public void succeeded() {
                writing = false;
                written(true);
            }

            @Override
            public void failed(Throwable failure) {
                writing = false;
                writeFailure = failure;
                written(false);
            }
        };
        private volatile boolean writing;
        private volatile Throwable writeFailure;

        // the HTTP/1.x connection the stream is alone on, or null over HTTP/2 (where a stream shares it)
        private final EndPoint endPoint;

        SseOutbox(PushContext context, int topic, Executor executor, Response response, Callback callback, EndPoint endPoint) {
            super(context, topic, executor);
            this.response = response;
            this.callback = callback;
            this.endPoint = endPoint;
        }

        /**
         * Over HTTP/1.x the stream's end leaves a keep-alive connection that stays while the client does not read;
         * closed here, it goes now. Over HTTP/2 the end or the reset has already freed the stream, and the
         * connection is shared.
         */
        @Override
        protected void abort() {
            if (endPoint != null) {
                endPoint.close();
            }
        }

        @Override
        protected void send(List<Event> events) {
            ByteBuffer frames;
            if (events.size() == 1) {
                frames = ByteBuffer.wrap(events.get(0).sseFrame());
            } else {
                int bytes = 0;
                for (Event e : events) {
                    bytes += e.sseFrame().length;
                }
                byte[] joined = new byte[bytes];
                int at = 0;
                for (Event e : events) {
                    byte[] frame = e.sseFrame();
                    System.arraycopy(frame, 0, joined, at, frame.length);
                    at += frame.length;
                }
                frames = ByteBuffer.wrap(joined);
            }
            writing = true;
            response.write(false, frames, writeCallback);
        }

        @Override
        protected void sendHeartbeat() {
            writing = true;
            response.write(false, ByteBuffer.wrap(PushContext.SSE_HEARTBEAT), writeCallback);
        }

        @Override
        protected void disconnect() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            Throwable failure = writeFailure;
            if (failure != null) {
                callback.failed(failure);
            } else if (writing) {
                // a write is stuck behind a client that stopped reading: abort rather than queue the end
                callback.failed(new EofException("subscriber fell out of the topic's history while a write was pending"));
            } else {
                callback.succeeded();
            }
        }

        void preambleFailed(Throwable failure) {
            close();
            if (ended.compareAndSet(false, true)) {
                callback.failed(failure);
            }
        }

        /** The request failed (client gone, stream reset): Jetty fails the callback itself. */
        void clientGone(Throwable failure) {
            ended.set(true);
            close();
        }
    }
}
