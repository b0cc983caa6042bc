package dev.pushbench.servers.jetty;

import dev.pushbench.core.LongPoll;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.Route;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /long-poll/{topic}?since=}: held by {@link LongPoll} until an event after the cursor
 * exists or the hold ends, then answered with one {@code application/json} body. No thread waits.
 */
final class JettyLongPollHandler {
    private final PushContext context;
    private final Executor executor;

    JettyLongPollHandler(PushContext context, Executor executor) {
        this.context = context;
        this.executor = executor;
    }

    void handle(Route route, Request request, Response response, Callback callback) {
        JettyShortPollHandler.pollHeaders(response);
        LongPoll poll = LongPoll.start(context, route.topic(), route.since(), executor,
                body -> response.write(true, ByteBuffer.wrap(body), callback));
        // the client went away (stream reset, connection failure): Jetty fails the callback itself
        request.addFailureListener(failure -> poll.cancel());
    }
}
