package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real Jetty 12 server on 127.0.0.1 for the client's upstream tests: one connector speaking
 * HTTP/1.1 (with the WebSocket upgrade), one speaking h2c with prior knowledge (with RFC 8441
 * extended CONNECT and small receive windows, 16 KiB per stream and 64 KiB for the connection, so
 * that a request body must wait for the server's WINDOW_UPDATEs); each keeps the client address
 * of every TCP connection it accepted.
 *
 * <ul>
 *   <li>{@code POST /publish/{topic}}: reads the whole body, keeps it ({@link #bodies}), answers
 *       {@code {"seq":N}} (N counts from 1 over the server's life) with a content length;</li>
 *   <li>{@code POST /publish/reset}: commits a response, then fails, so that HTTP/2 resets the stream;</li>
 *   <li>{@code POST /publish/hang}: never answers ({@link #hung} counts them);</li>
 *   <li>{@code GET /sse}: a {@code text/event-stream} that never ends, one event every 10 ms;</li>
 *   <li>{@code GET /poll}: a long poll held until a POST body was kept (at most 10 s), answered
 *       {@code {"seen":N}} with the number of bodies kept;</li>
 *   <li>{@code /ws}: a WebSocket saying {@code welcome}, then answering each text {@code m} with
 *       {@code echo: m} ({@link H2TestServer.Echo}).</li>
 * </ul>
 */
final class UpstreamTestServer implements AutoCloseable {
    /** The server's receive window for each HTTP/2 stream: a POST body over it waits for WINDOW_UPDATE. */
    static final int STREAM_WINDOW_BYTES = 16 * 1024;

    private final Server server;
    private final ServerConnector http1;
    private final ServerConnector h2c;
    /** The client addresses of the TCP connections each connector accepted (an upgrade or a tunnel adds none). */
    final Set<SocketAddress> http1Connections = ConcurrentHashMap.newKeySet();
    final Set<SocketAddress> h2cConnections = ConcurrentHashMap.newKeySet();
    /** The bodies of the POSTs to /publish/{topic}, in the order they were read. */
    final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger hung = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();

    UpstreamTestServer() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(24, 4);
        threads.setName("upstream-test-server");
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        http1 = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        HTTP2CServerConnectionFactory h2 = new HTTP2CServerConnectionFactory(config);
        h2.setConnectProtocolEnabled(true);
        h2.setInitialStreamRecvWindow(STREAM_WINDOW_BYTES);
        h2.setInitialSessionRecvWindow(65_535);
        h2c = new ServerConnector(server, 1, 1, h2);
        for (ServerConnector connector : List.of(http1, h2c)) {
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            connector.setIdleTimeout(30_000);
            Set<SocketAddress> clients = connector == http1 ? http1Connections : h2cConnections;
            connector.addEventListener(new Connection.Listener() {
                @Override
                public void onOpened(Connection connection) {
                    clients.add(connection.getEndPoint().getRemoteSocketAddress());
                }
            });
            server.addConnector(connector);
        }
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(1024 * 1024);
            container.addMapping("/ws", (request, response, callback) -> new H2TestServer.Echo());
        });
        webSockets.setHandler(new App());
        server.setHandler(webSockets);
        server.start();
    }

    InetSocketAddress http1Address() {
        return new InetSocketAddress("127.0.0.1", http1.getLocalPort());
    }

    InetSocketAddress h2cAddress() {
        return new InetSocketAddress("127.0.0.1", h2c.getLocalPort());
    }

    /** Closes every connection the server holds, as a server going away does. */
    void dropConnections() {
        for (ServerConnector connector : List.of(http1, h2c)) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                endPoint.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class App extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.equals("/sse")) {
                sse(response, callback);
                return true;
            }
            if (path.equals("/poll")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (bodies.isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                byte[] answer = ("{\"seen\":" + bodies.size() + "}").getBytes(UTF_8);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
                response.write(true, ByteBuffer.wrap(answer), callback);
                return true;
            }
            if (!path.startsWith("/publish/") || !request.getMethod().equals("POST")) {
                return false;
            }
            byte[] body;
            try (InputStream in = Request.asInputStream(request)) {
                body = in.readAllBytes();
            }
            switch (path) {
                case "/publish/reset" -> {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    try (Blocker.Callback written = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap("{".getBytes(US_ASCII)), written);
                        written.block();
                    }
                    callback.failed(new IOException("the test handler gives up mid-answer"));
                }
                case "/publish/hang" -> hung.incrementAndGet(); // the callback is never completed
                default -> {
                    bodies.add(body);
                    byte[] answer = ("{\"seq\":" + seq.incrementAndGet() + "}").getBytes(UTF_8);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
                    response.write(true, ByteBuffer.wrap(answer), callback);
                }
            }
            return true;
        }

        private void sse(Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            try {
                for (long id = 1; ; id++) {
                    byte[] event = ("id: " + id + "\ndata: e" + id + "\n\n").getBytes(US_ASCII);
                    try (Blocker.Callback written = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap(event), written);
                        written.block();
                    }
                    TimeUnit.MILLISECONDS.sleep(Duration.ofMillis(10).toMillis());
                }
            } catch (IOException | RuntimeException | InterruptedException gone) {
                callback.failed(gone); // the client went, or the server stops
            }
        }
    }
}
