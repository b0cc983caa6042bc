package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.WebSocketOverHttp2;
import dev.pushbench.core.Clocks;
import dev.pushbench.core.EventFields;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;

/**
 * A WebSocket subscriber: upgrades {@code /ws/{topic}} (RFC 6455 over HTTP/1.1, RFC 8441 extended
 * CONNECT over HTTP/2), reads the cursor frame, then one text frame per event. A lost connection is
 * resumed with {@code ?since=} the highest seq seen.
 *
 * <p>How a connection ended, on Jetty's client: a close frame from the server is a clean end whatever
 * its status, except 1006, which Jetty reports for a connection that closed without one (an abrupt
 * EOF); an error is {@link StreamEnd#of} its exception. Its last read is the last text message (or the
 * connect): Jetty answers pings itself, so a stream carrying only pings looks silent here.
 */
public final class WebSocketSubscriber extends Subscriber {

    private final boolean publishes;

    WebSocketSubscriber(LoadContext context, int index) {
        super(context, index);
        this.publishes = context.publishing != null && context.publishing.publishes(index);
    }

    /** Two-way cells: one text frame on the subscription's own socket, answered in-band ({@code {"ack":n,"seq":s}}). */
    @Override
    boolean publish(long n, int topic, byte[] body) {
        if (!publishes || topic != this.topic || !(currentConnection() instanceof Attempt attempt)) {
            return false;
        }
        Session s = attempt.session;
        if (s == null || attempt.closed || !attempt.acks.sending(n)) {
            return false;
        }
        s.sendText(new String(body, java.nio.charset.StandardCharsets.US_ASCII), org.eclipse.jetty.websocket.api.Callback.from(
                () -> { }, failure -> attempt.acks.failAll()));
        return true;
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt();
        attempt.open(resumeCursor);
        return attempt;
    }

    /** Public only because Jetty's WebSocket client calls endpoints through public method handles. */
    public final class Attempt implements Connection, Session.Listener.AutoDemanding, JettyUpgradeListener {
        private final EventFields fields = new EventFields();
        private final String tag = connectionTag();
        private volatile boolean closed;
        private volatile Session session;
        private volatile CompletableFuture<Session> pending;
        private boolean live;
        private volatile long lastTextNanos = Clocks.nanoTime();
        /** The messages sent on this socket awaiting their answers; null when the subscriber does not publish. */
        private final InBandAcks acks = publishes ? new InBandAcks(WebSocketSubscriber.this) : null;

        void open(long resumeCursor) {
            String scheme = context.spec.protocol().isTls() ? "wss" : "ws";
            URI uri = URI.create(scheme + "://" + context.spec.host() + ":" + context.spec.port() + "/ws/" + topicName()
                    + (resumeCursor >= 0 ? "?since=" + resumeCursor : ""));
            try {
                ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
                upgrade.tag(tag); // its own connection, over HTTP/2 too
                pending = context.jetty().webSocket().connect(this, uri, upgrade, this);
                pending.whenComplete((s, failure) -> {
                    if (failure != null) {
                        fail(StreamEnd.of(failure), failure);
                    }
                });
            } catch (Exception e) {
                fail(StreamEnd.of(e), e);
            }
        }

        @Override
        public void onHandshakeRequest(Request request) {
            WebSocketOverHttp2.leaveDataToWebSocket(request);
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            if (closed) {
                s.close(StatusCode.NORMAL, "closed", org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketText(String text) {
            long receivedNanos = Clocks.nanoTime();
            if (closed) {
                return;
            }
            lastTextNanos = receivedNanos;
            if (acks != null && acks.onText(text, receivedNanos)) {
                return;
            }
            if (!fields.parse(text)) {
                if (!live && text.startsWith("{\"cursor\":")) {
                    live = true;
                    live(Long.parseLong(text.substring(10, text.length() - 1)));
                } else {
                    protocolError("not an event: " + text);
                }
                return;
            }
            if (!live) {
                protocolError("an event before the cursor frame: " + text);
                return;
            }
            event(fields.seq(), fields.intendedNanos(), fields.sentNanos(), receivedNanos, fields.from());
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            fail(statusCode == StatusCode.ABNORMAL ? StreamEnd.ABRUPT_EOF : StreamEnd.CLEAN_END,
                    statusCode == StatusCode.NORMAL ? null : new IllegalStateException("closed " + statusCode + " " + reason));
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            fail(StreamEnd.of(cause), cause);
        }

        private void fail(StreamEnd end, Throwable cause) {
            if (closed) {
                return;
            }
            closed = true;
            if (acks != null) {
                acks.failAll();
            }
            ended(end, lastTextNanos, cause);
        }

        @Override
        public void close() {
            closed = true;
            Session s = session;
            boolean http2 = context.spec.protocol().isHttp2();
            if (s != null) {
                // over HTTP/2 the stream ends with the session, and its own TCP connection must go too,
                // once the close frame is out (over HTTP/1.1 the client closes it after the close handshake)
                s.close(StatusCode.NORMAL, "done", !http2 ? org.eclipse.jetty.websocket.api.Callback.NOOP
                        : org.eclipse.jetty.websocket.api.Callback.from(() -> context.jetty().closeTcp(tag),
                                failure -> context.jetty().closeTcp(tag)));
            } else {
                CompletableFuture<Session> p = pending;
                if (p != null) {
                    p.cancel(true);
                }
                if (http2) {
                    context.jetty().closeTcp(tag);
                }
            }
        }
    }
}
