package dev.pushbench.servers.vertx;

import dev.pushbench.core.LongPoll;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code GET /long-poll/{topic}?since=}: held by {@link LongPoll} until an event after the cursor
 * exists or the hold ends, then answered with one {@code application/json} body on the request's
 * event loop. No thread waits.
 */
final class VertxLongPollHandler {
    private final PushContext context;

    VertxLongPollHandler(PushContext context) {
        this.context = context;
    }

    void handle(Route route, HttpServerRequest request) {
        HttpServerResponse response = request.response();
        VertxShortPollHandler.pollHeaders(response);
        LongPoll poll = LongPoll.start(context, route.topic(), route.since(), VertxPushHandler.onCurrentContext(), body -> {
            if (!response.closed()) {
                response.end(VertxPushHandler.wrap(body));
            }
        });
        if (!response.ended()) {
            // held: a later answer runs on this event loop, after this handler, so the close handler is in
            // place by then. Closed by the client (HTTP/1.1 connection, HTTP/2 stream reset): give no answer.
            response.closeHandler(ignored -> poll.cancel());
        }
    }
}
