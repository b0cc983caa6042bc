package dev.pushbench.servers.jetty;

import dev.pushbench.core.Event;
import dev.pushbench.core.Outbox;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushRequestException;
import dev.pushbench.core.Route;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * {@code /ws/{topic}?since=}: upgrades (RFC 6455 over HTTP/1.1, RFC 8441 extended CONNECT over
 * HTTP/2) only after the route has been accepted, so a bad topic or cursor is a plain 400. The
 * first text frame is the start cursor, then one text frame per event; heartbeats are pings.
 * Compression is never negotiated, so every stack sends the same bytes.
 *
 * <p>A text frame from the client is a publish to the subscription's topic ({@link PushContext#publish}), answered
 * in-band with {@code {"ack":n,"seq":s}} or {@code {"nack":n,"status":…,"error":"…"}}: frames of their own, queued
 * with the events in the order they are sent. A message above {@link #maxTextMessageBytes} is closed on with 1009.
 *
 * <p>Public only so that Jetty can call {@link PushSocket}'s listener methods through a public lookup.
 */
public final class JettyWebSocketHandler {
    private final PushContext context;
    private final ServerWebSocketContainer container;
    private final Executor executor;

    JettyWebSocketHandler(PushContext context, ServerWebSocketContainer container, Executor executor) {
        this.context = context;
        this.container = container;
        this.executor = executor;
    }

    /** The largest text message read: twice the publish limit, so that one up to there is answered with a 413 nack. */
    static long maxTextMessageBytes(dev.pushbench.core.ServerConfig config) {
        return Math.max(2L * config.maxPublishBytes(), 64 * 1024);
    }

    void handle(Route route, Request request, Response response, Callback callback) throws PushRequestException {
        Route.requireWebSocketVersion(request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION));
        boolean upgrading = container.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
            upgradeResponse.setExtensions(List.of());
            return new PushSocket(context, executor, route);
        }, request, response, callback);
        if (!upgrading) {
            throw new PushRequestException(400, "not a WebSocket upgrade: " + route.transport().pathPrefix()
                    + "{topic} needs an RFC 6455 upgrade (HTTP/1.1) or an RFC 8441 extended CONNECT (HTTP/2)");
        }
    }

    /** The endpoint of one subscription; Jetty calls it on its own threads, one event at a time. */
    public static final class PushSocket implements Session.Listener.AutoDemanding {
        private final PushContext context;
        private final Executor executor;
        private final Route route;
        private volatile WebSocketOutbox outbox;
        private volatile Session session;

        PushSocket(PushContext context, Executor executor, Route route) {
            this.context = context;
            this.executor = executor;
            this.route = route;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            WebSocketOutbox o = new WebSocketOutbox(context, route.topic(), executor, session);
            outbox = o;
            this.session = session;
            long cursor = o.open(route.since());
            session.sendText(PushContext.webSocketPreamble(cursor),
                    org.eclipse.jetty.websocket.api.Callback.from(o::begin, failure -> {
                        o.close();
                        session.disconnect();
                    }));
        }

        /** A client's in-band publish; the answer goes out as its own frame, and the connection stays open either way. */
        @Override
        public void onWebSocketText(String message) {
            Session session = this.session;
            if (session == null) {
                return;
            }
            session.sendText(context.publish(route.topic(), message).webSocketText(), org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            closeOutbox();
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closeOutbox();
        }

        private void closeOutbox() {
            WebSocketOutbox o = outbox;
            if (o != null) {
                o.close();
            }
        }
    }

    private static final class WebSocketOutbox extends Outbox {
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        private final Session session;
        // frames of the batch still in flight; 0 when no write is pending
        private final AtomicInteger pendingFrames = new AtomicInteger();
        private volatile boolean failed;

        WebSocketOutbox(PushContext context, int topic, Executor executor, Session session) {
            super(context, topic, executor);
            this.session = session;
        }

        /**
         * One text frame per event, handed to Jetty's frame flusher in order without waiting for
         * each: frames stay ordered, the flusher may gather several into one socket write (as SSE
         * writes a batch in one buffer), and the batch's end is one {@link #written} call.
         */
        @Override
        protected void send(List<Event> events) {
            int count = events.size();
            pendingFrames.set(count);
            failed = false;
            org.eclipse.jetty.websocket.api.Callback frameSent = new org.eclipse.jetty.websocket.api.Callback() {
                @Override
                public void succeed() {
                    if (pendingFrames.decrementAndGet() == 0) {
                        written(!failed);
                    }
                }

                @Override
                public void fail(Throwable failure) {
                    failed = true;
                    succeed();
                }
            };
            for (int i = 0; i < count; i++) {
                session.sendText(events.get(i).jsonText(), frameSent);
            }
        }

        @Override
        protected void sendHeartbeat() {
            pendingFrames.set(1);
            failed = false;
            session.sendPing(EMPTY.duplicate(), org.eclipse.jetty.websocket.api.Callback.from(() -> {
                pendingFrames.set(0);
                written(true);
            }, failure -> {
                failed = true;
                pendingFrames.set(0);
                written(false);
            }));
        }

        /**
         * A broken connection is dropped; otherwise the close frame queues behind the frames in flight, so that a
         * client that reads again gets them and then the reason, and {@link #abort()} drops a client that never does.
         */
        @Override
        protected void disconnect() {
            if (failed) {
                session.disconnect();
            } else {
                session.close(BACKPRESSURE_CLOSE_CODE, BACKPRESSURE_CLOSE_REASON, org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        /** Closes the endpoint whatever the close handshake's state: a no-op once the connection is gone. */
        @Override
        protected void abort() {
            session.disconnect();
        }
    }
}
