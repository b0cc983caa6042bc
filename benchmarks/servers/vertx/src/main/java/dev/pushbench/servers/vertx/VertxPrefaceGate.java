package dev.pushbench.servers.vertx;

import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.Http1xUpgradeToH2CHandler;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * On an HTTP/2 cell (h2c, h2), closes every connection that did not open with the HTTP/2 preface at
 * once, sending nothing, as the Jetty stack does (RFC 9113 §3.4: an invalid preface is a connection
 * error; the GOAWAY MAY be omitted, since the peer is not speaking HTTP/2): no HTTP/1.1 answer, no
 * upgrade.
 *
 * <p>Vert.x itself is more lenient: its h2c port also parses HTTP/1.1 and upgrades a request carrying
 * {@code Upgrade: h2c} (RFC 7540 §3.2, deprecated by RFC 9113 §3.1), and its h2 port hands a TLS
 * client that negotiated no ALPN protocol to HTTP/1.1. Both reach the server's connection handler
 * before any byte of an answer is flushed: an HTTP/1.x connection as an {@link Http1xServerConnection},
 * an upgraded one as an HTTP/2 connection whose pipeline still holds the {@link Http1xUpgradeToH2CHandler}
 * that made it (a prior-knowledge connection never has one; its 101 is written but not yet flushed,
 * and closing discards it). This reads those two Vert.x 5.0 internals; the conformance check
 * {@code protocol.prior-knowledge} fails if a later Vert.x moves them.
 */
final class VertxPrefaceGate implements Handler<HttpConnection> {
    @Override
    public void handle(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        if (connection instanceof Http1xServerConnection || channel.pipeline().get(Http1xUpgradeToH2CHandler.class) != null) {
            // closed from the head of the pipeline, past the HTTP/2 handler: its own close is graceful (a GOAWAY,
            // then the upgraded request served), this one drops what is written and not yet flushed, the 101 too
            channel.pipeline().firstContext().close();
        }
    }
}
