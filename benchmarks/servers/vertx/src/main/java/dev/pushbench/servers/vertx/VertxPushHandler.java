package dev.pushbench.servers.vertx;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushRequestException;
import dev.pushbench.core.Route;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.core.Transport;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * Routes every request with {@link Route#parse} (so 404 and 400 mean the same in every stack) and
 * hands it to the handler of its transport; {@code /publish/{topic}} goes to the {@link VertxPublishHandler}. A refused request is answered with its status and a
 * {@code text/plain} message saying why. A request over an HTTP version other than the cell's is
 * refused with 505 before routing; on an HTTP/2 cell none should get here, since the
 * {@link VertxPrefaceGate} has closed every connection that is not HTTP/2 by prior knowledge or ALPN.
 * {@code HEAD} is answered wherever {@code GET} is, with the GET's status and header fields.
 */
final class VertxPushHandler implements Handler<HttpServerRequest> {
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final EventFeed feed;
    private final ServerCounters counters;
    private final Protocol protocol;
    private final dev.pushbench.core.ServerConfig config;
    private final VertxSseHandler sse;
    private final VertxWebSocketHandler webSocket;
    private final VertxLongPollHandler longPoll;
    private final VertxShortPollHandler shortPoll;
    private final VertxPublishHandler publish;

    VertxPushHandler(PushContext context, VertxSseHandler sse, VertxWebSocketHandler webSocket, VertxLongPollHandler longPoll,
            VertxShortPollHandler shortPoll, VertxPublishHandler publish) {
        this.feed = context.feed();
        this.counters = context.counters();
        this.protocol = context.config().protocol();
        this.config = context.config();
        this.sse = sse;
        this.webSocket = webSocket;
        this.longPoll = longPoll;
        this.shortPoll = shortPoll;
        this.publish = publish;
    }

    @Override
    public void handle(HttpServerRequest request) {
        try {
            requireVersion(request);
            String path = request.path();
            if (path != null && Route.isPublish(path)) {
                int topic;
                try {
                    topic = Route.publishTopic(feed, request.method().name(), path);
                } catch (PushRequestException e) {
                    publish.refuse(request, e.status(), e.getMessage());
                    return;
                }
                publish.handle(topic, request);
                return;
            }
            Route route = Route.parse(feed, path == null ? "" : path, request.query(), request.getHeader(LAST_EVENT_ID));
            requireMethod(request, route.transport());
            if (HttpMethod.HEAD.equals(request.method()) && route.transport() != Transport.WEBSOCKET) {
                head(route.transport(), config, request.response());
                return;
            }
            switch (route.transport()) {
                case SSE -> sse.handle(route, request);
                case WEBSOCKET -> webSocket.handle(route, request);
                case LONG_POLLING -> longPoll.handle(route, request);
                case SHORT_POLLING -> shortPoll.handle(route, request);
            }
        } catch (PushRequestException e) {
            refuse(request, counters, e);
        }
    }

    private void requireVersion(HttpServerRequest request) throws PushRequestException {
        HttpVersion version = request.version();
        if ((version == HttpVersion.HTTP_2) != protocol.isHttp2()) {
            throw new PushRequestException(505, "this server speaks only " + protocol + " ("
                    + (protocol.isHttp2() ? "HTTP/2" : "HTTP/1.1") + (protocol.isTls() ? " over TLS" : "") + "); the request came over "
                    + version);
        }
    }

    /**
     * RFC 9110 §9.3.2: the GET's status and header fields, no content, nothing started: no stream opened,
     * no poll held. A WebSocket path is not here: its HEAD, never an upgrade, is refused as its GET would be.
     */
    private static void head(Transport transport, dev.pushbench.core.ServerConfig config, HttpServerResponse response) {
        if (transport == Transport.SSE) {
            VertxSseHandler.streamHead(response, config);
        } else {
            VertxShortPollHandler.pollHeaders(response);
        }
        // chunked over HTTP/1.1, as the GET's content would be: a Content-Length: 0 would misstate it (RFC 9110 §8.6)
        response.setChunked(true).end();
    }

    /** GET and HEAD: Vert.x has no RFC 8441 extended CONNECT, so WebSocket over HTTP/2 never gets this far. */
    private static void requireMethod(HttpServerRequest request, Transport transport) throws PushRequestException {
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            throw new PushRequestException(405, "method " + method + " not allowed on " + transport.pathPrefix()
                    + "{topic}: only GET and HEAD");
        }
    }

    static void refuse(HttpServerRequest request, ServerCounters counters, PushRequestException e) {
        counters.badRequests.increment();
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(e.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (e.status() == 405) {
            response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
        }
        if (e.status() == 426) {
            response.putHeader("Sec-WebSocket-Version", Route.WEBSOCKET_VERSION);
            response.putHeader(HttpHeaders.UPGRADE, "websocket");
            if (request.version() != HttpVersion.HTTP_2) {
                // RFC 9110 §7.8: who sends Upgrade names it in Connection, so that no intermediary forwards it
                response.putHeader(HttpHeaders.CONNECTION, "Upgrade");
            }
        }
        byte[] message = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        if (HttpMethod.HEAD.equals(request.method())) {
            // the GET's length without its content: Vert.x leaves out a HEAD's content over HTTP/1.1, not over HTTP/2
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(message.length)).end();
        } else {
            response.end(wrap(message));
        }
    }

    /** Runs tasks on the calling request's context: its event loop, in order, never concurrently. */
    static Executor onCurrentContext() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("not on a Vert.x context: request handlers run on their connection's event loop");
        }
        return task -> context.runOnContext(ignored -> task.run());
    }

    /**
     * These bytes as a buffer, without copying: event bytes are encoded once and shared by every
     * subscriber ({@code Buffer.buffer(byte[])} would copy them per write).
     */
    static Buffer wrap(byte[] bytes) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
    }
}
