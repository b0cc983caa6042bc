package dev.pushbench.servers.vertx;

import dev.pushbench.core.PollAnswer;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** {@code GET /poll/{topic}?since=}: answered at once with the events after the cursor. */
final class VertxShortPollHandler {
    private final PushContext context;

    VertxShortPollHandler(PushContext context) {
        this.context = context;
    }

    void handle(Route route, HttpServerRequest request) {
        HttpServerResponse response = request.response();
        pollHeaders(response);
        byte[] body = PollAnswer.answerNow(context, route.topic(), route.since());
        response.end(VertxPushHandler.wrap(body));
    }

    /** Every poll answer, long or short, is fresh JSON that no cache may keep. */
    static void pollHeaders(HttpServerResponse response) {
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
