package dev.pushbench.servers.jetty;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.PushRequestException;
import dev.pushbench.core.Route;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.core.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes every request with {@link Route#parse} (so 404 and 400 mean the same in every stack) and
 * hands it to the handler of its transport; {@code /publish/{topic}} goes to the {@link JettyPublishHandler}. A refused request is answered with its status and a
 * {@code text/plain} message saying why. {@code HEAD} is answered wherever {@code GET} is, with the
 * GET's status and header fields.
 */
final class JettyPushHandler extends Handler.Abstract.NonBlocking {
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final EventFeed feed;
    private final ServerCounters counters;
    private final JettySseHandler sse;
    private final JettyWebSocketHandler webSocket;
    private final JettyLongPollHandler longPoll;
    private final JettyShortPollHandler shortPoll;
    private final JettyPublishHandler publish;

    JettyPushHandler(EventFeed feed, ServerCounters counters, JettySseHandler sse, JettyWebSocketHandler webSocket,
            JettyLongPollHandler longPoll, JettyShortPollHandler shortPoll, JettyPublishHandler publish) {
        this.feed = feed;
        this.counters = counters;
        this.sse = sse;
        this.webSocket = webSocket;
        this.longPoll = longPoll;
        this.shortPoll = shortPoll;
        this.publish = publish;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (Route.isPublish(path)) {
            try {
                publish.handle(Route.publishTopic(feed, request.getMethod(), path), request, response, callback);
            } catch (PushRequestException e) {
                publish.refuse(e.status(), e.getMessage(), response, callback);
            }
            return true;
        }
        try {
            Route route = Route.parse(feed, path, request.getHttpURI().getQuery(),
                    request.getHeaders().get(LAST_EVENT_ID));
            requireMethod(request, route.transport());
            if (HttpMethod.HEAD.is(request.getMethod()) && route.transport() != Transport.WEBSOCKET) {
                head(route.transport(), sse.config(), response, callback);
                return true;
            }
            switch (route.transport()) {
                case SSE -> sse.handle(route, request, response, callback);
                case WEBSOCKET -> webSocket.handle(route, request, response, callback);
                case LONG_POLLING -> longPoll.handle(route, request, response, callback);
                case SHORT_POLLING -> shortPoll.handle(route, response, callback);
            }
        } catch (PushRequestException e) {
            refuse(response, callback, counters, e);
        }
        return true;
    }

    /**
     * RFC 9110 §9.3.2: the GET's status and header fields, no content, nothing started: no stream opened,
     * no poll held. A WebSocket path is not here: its HEAD, never an upgrade, is refused as its GET would be.
     */
    private static void head(Transport transport, dev.pushbench.core.ServerConfig config, Response response, Callback callback) {
        if (transport == Transport.SSE) {
            JettySseHandler.streamHead(response, config);
        } else {
            JettyShortPollHandler.pollHeaders(response);
        }
        // the head is sent before the end, as the GET's would be: ending at once would add a Content-Length: 0 that
        // misstates the GET's content (RFC 9110 §8.6)
        response.write(false, null, Callback.from(() -> response.write(true, null, callback), callback::failed));
    }

    /** GET and HEAD; WebSocket over HTTP/2 opens with an extended CONNECT (RFC 8441) instead. */
    private static void requireMethod(Request request, Transport transport) throws PushRequestException {
        String method = request.getMethod();
        if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) {
            return;
        }
        if (transport == Transport.WEBSOCKET && HttpMethod.CONNECT.is(method)
                && request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            return;
        }
        throw new PushRequestException(405, "method " + method + " not allowed on " + transport.pathPrefix()
                + "{topic}: only GET and HEAD");
    }

    static void refuse(Response response, Callback callback, ServerCounters counters, PushRequestException e) {
        counters.badRequests.increment();
        response.setStatus(e.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (e.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        }
        if (e.status() == 426) {
            response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, Route.WEBSOCKET_VERSION);
            response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
            if (response.getRequest().getConnectionMetaData().getHttpVersion().getVersion() < 20) {
                // RFC 9110 §7.8: who sends Upgrade names it in Connection, so that no intermediary forwards it
                response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
            }
        }
        response.write(true, ByteBuffer.wrap((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }
}
