package dev.pushbench.servers.jetty;

import dev.pushbench.core.PollAnswer;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /poll/{topic}?since=}: answered at once with the events after the cursor. */
final class JettyShortPollHandler {
    private final PushContext context;

    JettyShortPollHandler(PushContext context) {
        this.context = context;
    }

    void handle(Route route, Response response, Callback callback) {
        pollHeaders(response);
        byte[] body = PollAnswer.answerNow(context, route.topic(), route.since());
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Every poll answer, long or short, is fresh JSON that no cache may keep. */
    static void pollHeaders(Response response) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }
}
