package dev.pushbench.servers.vertx;

import dev.pushbench.core.PushContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One HTTP server on one event loop. {@link VertxStack} deploys one instance per event loop on the
 * same port; Vert.x binds the socket once and spreads accepted connections over the instances, so
 * a connection and everything on it stays on one event loop.
 */
final class PushVerticle extends VerticleBase {
    private final PushContext push;
    private final HttpServerOptions options;
    private volatile HttpServer server;

    PushVerticle(PushContext push, HttpServerOptions options) {
        this.push = push;
        this.options = options;
    }

    @Override
    public Future<?> start() {
        HttpServer s = vertx.createHttpServer(options).requestHandler(new VertxPushHandler(push,
                new VertxSseHandler(push),
                new VertxWebSocketHandler(push),
                new VertxLongPollHandler(push),
                new VertxShortPollHandler(push),
                new VertxPublishHandler(push)));
        if (push.config().protocol().isHttp2()) {
            s.connectionHandler(new VertxPrefaceGate());
        }
        server = s;
        // the server is closed with the verticle's undeployment
        return s.listen();
    }

    /** The port the shared server socket is bound to; valid once deployed. */
    int actualPort() {
        return server.actualPort();
    }
}
