package dev.pushbench.loadgen.verify;

import dev.pushbench.client.WebSocketOverHttp2;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;

/**
 * One WebSocket subscription as a check sees it: the handshake's HTTP answer (status and
 * version: 101 over HTTP/1.1, 200 over HTTP/2 per RFC 8441) and what arrived afterwards, in order.
 *
 * <pre>
 *   WebSocketProbeStream ws = WebSocketProbeStream.connect(probe, "/ws/t0?since=41", 2000);  // or a failure naming the status
 *   WebSocketProbeStream.Item first = ws.next(1000, "the cursor frame");
 * </pre>
 *
 * <p>Public only because Jetty calls a listener's methods through a public lookup; nothing else of
 * it is meant for use outside this package.
 */
public final class WebSocketProbeStream implements Session.Listener.AutoDemanding, AutoCloseable {
    enum Kind {
        TEXT, PING, CLOSE
    }

    /** A text frame, a ping, or the end (close code and reason, or the error). */
    record Item(Kind kind, String text, int closeCode, long arrivedNanos) {
    }

    private final String label;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private volatile Session session;
    private volatile int handshakeStatus = -1;
    private volatile HttpVersion handshakeVersion;
    private volatile String handshakeExtensions;

    private WebSocketProbeStream(String label) {
        this.label = label;
    }

    /** Upgrades and waits for the session; on refusal the failure names the handshake status. */
    static WebSocketProbeStream connect(Probe probe, String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        WebSocketProbeStream stream = new WebSocketProbeStream("WebSocket " + pathAndQuery);
        Handshake handshake = stream.open(probe, pathAndQuery, timeoutMillis);
        if (handshake.failure != null) {
            throw new CheckFailure(stream.label + ": upgrade refused or failed (handshake status "
                    + (handshake.status < 0 ? "none" : String.valueOf(handshake.status)) + "): " + handshake.failure);
        }
        return stream;
    }

    /** Upgrades expecting a refusal; returns the handshake status, or fails the check if the upgrade succeeded. */
    static int connectRefused(Probe probe, String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        WebSocketProbeStream stream = new WebSocketProbeStream("WebSocket " + pathAndQuery);
        Handshake handshake = stream.open(probe, pathAndQuery, timeoutMillis);
        if (handshake.failure == null) {
            stream.close();
            throw new CheckFailure(stream.label + ": the upgrade succeeded, expected a refusal before upgrading");
        }
        return handshake.status;
    }

    private record Handshake(int status, String failure) {
    }

    private Handshake open(Probe probe, String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        URI uri = probe.target.ws(pathAndQuery);
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest(uri);
        // offered so that a server that would compress shows it: the contract sends plain frames
        upgrade.addExtensions("permessage-deflate");
        JettyUpgradeListener listener = new JettyUpgradeListener() {
            @Override
            public void onHandshakeRequest(Request request) {
                WebSocketOverHttp2.leaveDataToWebSocket(request);
            }

            @Override
            public void onHandshakeResponse(Request request, Response response) {
                handshakeStatus = response.getStatus();
                handshakeVersion = response.getVersion();
                handshakeExtensions = response.getHeaders().get("Sec-WebSocket-Extensions");
            }
        };
        CompletableFuture<Session> connecting;
        try {
            connecting = probe.webSocket.connect(this, upgrade, listener);
        } catch (java.io.IOException e) {
            return new Handshake(-1, Probe.describe(e));
        }
        try {
            connecting.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return new Handshake(handshakeStatus, null);
        } catch (TimeoutException e) {
            connecting.cancel(true);
            throw new CheckFailure(label + ": no upgrade within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            int status = handshakeStatus;
            if (status < 0 && cause instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException u) {
                status = u.getResponseStatusCode();
            } else if (status < 0 && cause instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u) {
                status = u.getResponseStatusCode();
            }
            return new Handshake(status, Probe.describe(cause));
        }
    }

    String label() {
        return label;
    }

    int handshakeStatus() {
        return handshakeStatus;
    }

    HttpVersion handshakeVersion() {
        return handshakeVersion;
    }

    /** The extensions the server accepted, or null for none. */
    String handshakeExtensions() {
        return handshakeExtensions;
    }

    /** The next frame or end, failing the check if nothing comes within the deadline. */
    Item next(long timeoutMillis, String waitingFor) throws CheckFailure, InterruptedException {
        Item item = items.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (item == null) {
            throw new CheckFailure(label + ": nothing within " + timeoutMillis + " ms while waiting for " + waitingFor);
        }
        if (item.kind == Kind.CLOSE) {
            items.add(item);
            throw new CheckFailure(label + ": the session ended (" + item.closeCode + " " + item.text + ") while waiting for " + waitingFor);
        }
        return item;
    }

    /** The next text frame, skipping pings. */
    String nextText(long timeoutMillis, String waitingFor) throws CheckFailure, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (;;) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            Item item = next(Math.max(0, left), waitingFor);
            if (item.kind == Kind.TEXT) {
                return item.text;
            }
        }
    }

    /** Sends a text frame and waits until it is written; a failure names it. */
    void sendText(String text, long timeoutMillis) throws CheckFailure, InterruptedException {
        Session s = session;
        if (s == null) {
            throw new CheckFailure(label + ": no session to send on");
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        s.sendText(text, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        try {
            sent.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CheckFailure(label + ": a text frame of " + text.length() + " characters not sent within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new CheckFailure(label + ": sending a text frame failed: " + Probe.describe(e.getCause()));
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        items.add(new Item(Kind.TEXT, message, 0, System.nanoTime()));
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        items.add(new Item(Kind.PING, null, 0, System.nanoTime()));
        // overriding onWebSocketPing makes answering it our job
        Session s = session;
        if (s != null) {
            s.sendPong(payload, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        items.add(new Item(Kind.CLOSE, reason, statusCode, System.nanoTime()));
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        items.add(new Item(Kind.CLOSE, Probe.describe(cause), -1, System.nanoTime()));
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
    }
}
