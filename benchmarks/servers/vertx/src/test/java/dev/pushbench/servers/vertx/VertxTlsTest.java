package dev.pushbench.servers.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.TlsMaterial;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TLS protocols, until the conformance suite speaks TLS: over {@code https1.1} and {@code h2} the
 * stack serves polls, an SSE preamble and (over https1.1) a WebSocket cursor frame, to a JDK client
 * that trusts exactly the server's run-time certificate; and its ALPN offers only the cell's protocol,
 * so a client that wants the other one fails the handshake. (One that negotiates nothing is closed
 * unanswered on h2, as by Jetty: the conformance check {@code protocol.prior-knowledge}.)
 */
@Timeout(60)
class VertxTlsTest {
    private static final FeedSpec FEED = new FeedSpec(2, 20, 64, 16);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService clientThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "vertx-tls-test-client");
        thread.setDaemon(true);
        return thread;
    });
    private EventFeed feed;

    @BeforeEach
    void startFeed() {
        feed = new EventFeed(FEED);
        feed.start(System.nanoTime());
    }

    @AfterEach
    void stop() {
        clientThreads.shutdownNow();
        feed.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTPS_1_1", "H2"})
    void servesPollsAndSseOverTheNegotiatedProtocol(Protocol protocol) throws Exception {
        ServerConfig config = ServerConfig.defaults(protocol);
        try (PushContext context = new PushContext(feed, config);
             PushServer server = new VertxStack().start(context)) {
            // the client offers h2 and http/1.1: what it ends up speaking is the server's choice
            HttpClient client = client(config.tls(), HttpClient.Version.HTTP_2);
            HttpClient.Version expected = protocol.isHttp2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;

            HttpResponse<String> poll = client.send(get(server, "/poll/t0"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, poll.statusCode(), poll::body);
            assertEquals(expected, poll.version());
            assertEquals("application/json", poll.headers().firstValue("content-type").orElse(null));
            assertTrue(poll.body().startsWith("{\"topic\":\"t0\",\"cursor\":"), poll::body);

            HttpResponse<InputStream> sse = client.send(get(server, "/sse/t0"), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                assertEquals(200, sse.statusCode());
                assertEquals(expected, sse.version());
                assertEquals("text/event-stream", sse.headers().firstValue("content-type").orElse(null));
                assertEquals("no-cache", sse.headers().firstValue("cache-control").orElse(null));
                assertEquals("retry: " + config.sseRetry().toMillis(), lines.readLine());
                String id = lines.readLine();
                assertNotNull(id);
                assertTrue(id.matches("id: [0-9]+"), id);
                assertEquals("", lines.readLine());
            }
        }
    }

    @Test
    void servesWebSocketOverHttps11() throws Exception {
        ServerConfig config = ServerConfig.defaults(Protocol.HTTPS_1_1);
        try (PushContext context = new PushContext(feed, config);
             PushServer server = new VertxStack().start(context)) {
            BlockingQueue<String> texts = new LinkedBlockingQueue<>();
            WebSocket ws = client(config.tls(), HttpClient.Version.HTTP_1_1).newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/ws/t0"), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                texts.add(text.toString());
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            String cursor = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(cursor, "no cursor frame");
            assertTrue(cursor.matches("\\{\"cursor\":[0-9]+}"), cursor);
            String event = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "no event after the cursor frame");
            assertTrue(event.startsWith("{\"topic\":\"t0\",\"seq\":"), event);
            ws.abort();
        }
    }

    @Test
    void h2RefusesAClientOfferingOnlyHttp11() throws Exception {
        assertHandshakeRefused(Protocol.H2, "http/1.1");
    }

    @Test
    void https11RefusesAClientOfferingOnlyH2() throws Exception {
        assertHandshakeRefused(Protocol.HTTPS_1_1, "h2");
    }

    private void assertHandshakeRefused(Protocol protocol, String offered) throws Exception {
        ServerConfig config = ServerConfig.defaults(protocol);
        try (PushContext context = new PushContext(feed, config);
             PushServer server = new VertxStack().start(context);
             SSLSocket socket = (SSLSocket) sslContext(config.tls()).getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {offered});
            socket.setSSLParameters(parameters);
            assertThrows(SSLException.class, socket::startHandshake,
                    () -> "a " + protocol + " server accepted a client offering only " + offered);
        }
    }

    private HttpClient client(TlsMaterial tls, HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder()
                .sslContext(sslContext(tls))
                .version(version)
                .connectTimeout(WAIT)
                .executor(clientThreads)
                .build();
    }

    private static HttpRequest get(PushServer server, String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path)).timeout(WAIT).GET().build();
    }

    /** Trusts exactly the server's certificate, as the load generator does: no trust-all. */
    private static SSLContext sslContext(TlsMaterial tls) throws Exception {
        KeyStore trust = TlsMaterial.trustStore(tls.certificatePem());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers.getTrustManagers(), null);
        return ssl;
    }
}
