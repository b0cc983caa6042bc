package dev.pushbench.servers.vertx;

import dev.pushbench.core.Event;
import dev.pushbench.core.Outbox;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushRequestException;
import dev.pushbench.core.Route;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code /ws/{topic}?since=}: upgrades (RFC 6455 over HTTP/1.1) only after the route has been
 * accepted, so a bad topic or cursor is a plain 400. The first text frame is the start cursor, then
 * one text frame per event; heartbeats are pings. Compression is never negotiated (the server
 * options turn both WebSocket compression extensions off), so every stack sends the same bytes.
 * Over HTTP/2 there is no WebSocket in Vert.x 5.0, see {@link VertxStack#unsupported}.
 *
 * <p>A text message from the client is a publish to the subscription's topic ({@link PushContext#publish}), answered
 * in-band with {@code {"ack":n,"seq":s}} or {@code {"nack":n,"status":…,"error":"…"}}, a frame of its own on the
 * connection's event loop; a message above the server options' maximum message size ends the connection.
 */
final class VertxWebSocketHandler {
    private final PushContext context;

    VertxWebSocketHandler(PushContext context) {
        this.context = context;
    }

    void handle(Route route, HttpServerRequest request) throws PushRequestException {
        // before Vert.x's handshake, which would upgrade versions 8 and 7 (hybi) as well
        Route.requireWebSocketVersion(request.getHeader("Sec-WebSocket-Version"));
        if (!request.canUpgradeToWebSocket()) {
            throw new PushRequestException(400, "not a WebSocket upgrade: " + route.transport().pathPrefix()
                    + "{topic} needs an RFC 6455 upgrade over HTTP/1.1 (this stack has no WebSocket over HTTP/2)");
        }
        Executor executor = VertxPushHandler.onCurrentContext();
        request.toWebSocket().onComplete(upgrade -> {
            if (upgrade.failed()) {
                // Vert.x has answered a malformed handshake itself (400, 405 or 426); anything else is ours to refuse
                VertxPushHandler.refuse(request, context.counters(),
                        new PushRequestException(400, "WebSocket handshake failed: " + upgrade.cause().getMessage()));
                return;
            }
            subscribe(route, upgrade.result(), executor);
        });
    }

    private void subscribe(Route route, ServerWebSocket ws, Executor executor) {
        WebSocketOutbox outbox = new WebSocketOutbox(context, route.topic(), executor, ws);
        ws.closeHandler(ignored -> outbox.close());
        // a failure (protocol or connection error): end the session too, so that no client waits on a silent one
        ws.exceptionHandler(failure -> {
            outbox.close();
            if (!ws.isClosed()) {
                ws.close();
            }
        });
        ws.textMessageHandler(text -> {
            if (!ws.isClosed()) {
                ws.writeTextMessage(context.publish(route.topic(), text).webSocketText());
            }
        });
        long cursor = outbox.open(route.since());
        ws.writeTextMessage(PushContext.webSocketPreamble(cursor)).onComplete(written -> {
            if (written.succeeded()) {
                outbox.begin();
            } else {
                outbox.close();
                ws.close();
            }
        });
    }

    private static final class WebSocketOutbox extends Outbox {
        private final ServerWebSocket ws;
        // touched on the WebSocket's event loop only: frames of the batch still in flight, and whether one failed
        private int pendingFrames;
        private boolean failed;

        WebSocketOutbox(PushContext context, int topic, Executor executor, ServerWebSocket ws) {
            super(context, topic, executor);
            this.ws = ws;
        }

        /**
         * One text frame per event, all handed to the connection in order without waiting for each:
         * frames stay ordered, Netty may gather several into one socket write (as SSE writes a batch
         * in one buffer), and the batch's end is one {@link #written} call.
         */
        @Override
        protected void send(List<Event> events) {
            int count = events.size();
            pendingFrames = count;
            failed = false;
            for (int i = 0; i < count; i++) {
                ws.writeTextMessage(events.get(i).jsonText()).onComplete(this::frameEnded);
            }
        }

        @Override
        protected void sendHeartbeat() {
            pendingFrames = 1;
            failed = false;
            ws.writePing(Buffer.buffer()).onComplete(this::frameEnded);
        }

        private void frameEnded(AsyncResult<Void> result) {
            failed |= result.failed();
            if (--pendingFrames == 0) {
                written(!failed);
            }
        }

        /**
         * A broken connection is dropped; otherwise the close frame queues behind the frames in flight, so that a
         * client that reads again gets them and then the reason, and {@link #abort()} drops a client that never does
         * (Vert.x alone would keep it until the client reads, then wait its closing timeout for the answer).
         */
        @Override
        protected void disconnect() {
            if (failed) {
                abort();
            } else if (!ws.isClosed()) {
                ws.close((short) BACKPRESSURE_CLOSE_CODE, BACKPRESSURE_CLOSE_REASON);
            }
        }

        /**
         * Closes the channel from the head of its pipeline, dropping what is queued: Vert.x's own close, through
         * its connection handler, would flush the queue first, i.e. wait for the client. A no-op once it is gone.
         */
        @Override
        protected void abort() {
            ((WebSocketInternal) ws).channelHandlerContext().pipeline().firstContext().close();
        }
    }
}
