package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real Jetty 12 h2c server (prior knowledge only) on 127.0.0.1, port 0, for {@link Http2CodecTest}:
 *
 * <ul>
 *   <li>{@code GET /sse?padBytes=N}: a {@code text/event-stream} written forever, one event
 *       ({@code id: <n>}, a data line of N letters) per write, each flushed before the next, until
 *       the client goes;</li>
 *   <li>{@code GET /json?n=K}: {@code {"n":K,"echo":"<x-echo header>","uri":"<scheme://authority/path?query>"}}
 *       with a content length;</li>
 *   <li>{@code GET /reset}: one event, then the handler fails, so Jetty resets the stream;</li>
 *   <li>{@code /ws}: RFC 8441 WebSocket (with {@code connectProtocol}) that says {@code welcome}
 *       on open and answers each text message {@code m} with {@code echo: m}.</li>
 * </ul>
 */
final class H2TestServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    /** @param connectProtocol whether SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 is advertised */
    H2TestServer(boolean connectProtocol) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("h2-test-server");
        server = new Server(threads);
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(new HttpConfiguration());
        h2c.setConnectProtocolEnabled(connectProtocol);
        connector = new ServerConnector(server, 1, 1, h2c);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server,
                container -> container.addMapping("/ws", (request, response, callback) -> new Echo()));
        webSockets.setHandler(new App());
        server.setHandler(webSockets);
        server.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The bytes of SSE event {@code id} with {@code padBytes} letters of data. */
    static String event(long id, int padBytes) {
        return "id: " + id + "\ndata: " + Splits.letters(padBytes) + "\n\n";
    }

    private static final class App extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Fields query = Request.extractQueryParameters(request);
            switch (Request.getPathInContext(request)) {
                case "/sse" -> {
                    int padBytes = Integer.parseInt(query.getValue("padBytes"));
                    sse(response, padBytes, callback);
                }
                case "/json" -> {
                    String body = "{\"n\":" + query.getValue("n") + ",\"echo\":\"" + request.getHeaders().get("x-echo")
                            + "\",\"uri\":\"" + request.getHttpURI() + "\"}";
                    byte[] bytes = body.getBytes(UTF_8);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
                    response.write(true, ByteBuffer.wrap(bytes), callback);
                }
                case "/reset" -> {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
                    try (Blocker.Callback written = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap(event(1, 10).getBytes(US_ASCII)), written);
                        written.block();
                    }
                    callback.failed(new IOException("the test handler gives up mid-stream"));
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static void sse(Response response, int padBytes, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            String data = Splits.letters(padBytes);
            try {
                for (long id = 1; ; id++) {
                    byte[] event = ("id: " + id + "\ndata: " + data + "\n\n").getBytes(US_ASCII);
                    try (Blocker.Callback written = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap(event), written);
                        written.block();
                    }
                }
            } catch (IOException | RuntimeException gone) {
                callback.failed(gone); // the client closed the stream
            }
        }
    }

    /** Says welcome, then echoes. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.sendText("welcome", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText("echo: " + message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }
}
