package dev.pushbench.loadgen.verify;

import dev.pushbench.core.Protocol;
import dev.pushbench.client.ClientTls;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The client side of a conformance run: one Jetty {@link HttpClient} speaking exactly the target's
 * HTTP version (HTTP/2 with prior knowledge for h2c; over TLS, ALPN offering only the target's
 * protocol and trusting only its certificate, see {@link ClientTls}), and a {@link WebSocketClient}
 * on top of it, so that WebSocket over h2c and h2 goes through RFC 8441 extended CONNECT on an
 * HTTP/2 stream. Over TLS it keeps the protocols its handshakes negotiated, for the checks that
 * assert the ALPN result.
 */
final class Probe implements AutoCloseable {
    /** The most a poll answer may weigh before the check gives up reading it. */
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    final ConformanceTarget target;
    final HttpClient http;
    final WebSocketClient webSocket;

    private Probe(ConformanceTarget target, HttpClient http, WebSocketClient webSocket) {
        this.target = target;
        this.http = http;
        this.webSocket = webSocket;
    }

    static Probe open(ConformanceTarget target) throws Exception {
        HttpClient http = newHttpClient(target.protocol(), target.certificatePem(), "pushbench-verify");
        WebSocketClient webSocket = new WebSocketClient(http);
        try {
            webSocket.start();
        } catch (Exception e) {
            LifeCycle.stop(http);
            throw e;
        }
        if (target.protocol().isTls()) {
            handshakeOnce(http, target);
        }
        return new Probe(target, http, webSocket);
    }

    /** Bounds the one unjudged exchange that opens a TLS connection before the checks run. */
    private static final long HANDSHAKE_MILLIS = 15_000;

    /**
     * The first TLS handshake between two freshly started JVMs (key exchange and signature code
     * still interpreted on both sides) took up to 2.5 s on a busy 2-core machine, longer than the
     * checks' "answered at once" deadline, which is about the server's answer, not about the
     * client's first connection. One request whose answer is not judged opens that connection
     * first; a server that fails it fails the checks that follow, which say why.
     */
    private static void handshakeOnce(HttpClient http, ConformanceTarget target) throws InterruptedException {
        try {
            http.newRequest(target.http("/")).timeout(HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS).send();
        } catch (ExecutionException | TimeoutException e) {
            // judged by the checks, with their own messages
        }
    }

    /**
     * A started client that speaks only {@code protocol}; over TLS it trusts only {@code certificatePem}
     * (null for cleartext) and records what ALPN negotiated, see {@link #negotiatedAlpn(HttpClient)}.
     */
    static HttpClient newHttpClient(Protocol protocol, String certificatePem, String threadName) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(threadName);
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(threads);
        if (protocol.isTls()) {
            connector.setSslContextFactory(ClientTls.forServer(protocol, certificatePem));
        }
        HttpClient client = protocol.isHttp2()
                ? new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)))
                : new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setConnectTimeout(5_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        if (protocol.isTls()) {
            client.addBean(new AlpnLog());
        }
        client.start();
        return client;
    }

    /** The ALPN protocols {@code client}'s TLS handshakes have negotiated so far ("" for none), sorted. */
    static Set<String> negotiatedAlpn(HttpClient client) {
        AlpnLog log = client.getBean(AlpnLog.class);
        return log == null ? Set.of() : log.protocols();
    }

    /** Jetty tells the client's {@link SslHandshakeListener} beans of every handshake it completes. */
    private static final class AlpnLog implements SslHandshakeListener {
        private final Set<String> protocols = new TreeSet<>();

        @Override
        public void handshakeSucceeded(Event event) {
            String negotiated = event.getSSLEngine().getApplicationProtocol();
            synchronized (protocols) {
                protocols.add(negotiated == null ? "" : negotiated);
            }
        }

        Set<String> protocols() {
            synchronized (protocols) {
                return Set.copyOf(new TreeSet<>(protocols));
            }
        }
    }

    static HttpVersion httpVersion(Protocol protocol) {
        return protocol.isHttp2() ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
    }

    HttpVersion expectedVersion() {
        return httpVersion(target.protocol());
    }

    /** A request and its whole answer, bounded by {@code timeoutMillis}. */
    HttpAnswer exchange(String method, String pathAndQuery, Map<String, String> headers, long timeoutMillis)
            throws CheckFailure, InterruptedException {
        return exchange(http, method, pathAndQuery, headers, timeoutMillis);
    }

    HttpAnswer get(String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        return exchange("GET", pathAndQuery, Map.of(), timeoutMillis);
    }

    HttpAnswer exchange(HttpClient client, String method, String pathAndQuery, Map<String, String> headers, long timeoutMillis)
            throws CheckFailure, InterruptedException {
        return exchange(client, method, pathAndQuery, headers, null, timeoutMillis);
    }

    /** POST {@code body} as {@code application/json} (with its Content-Length) and read the whole answer. */
    HttpAnswer post(String pathAndQuery, byte[] body, long timeoutMillis) throws CheckFailure, InterruptedException {
        return exchange(http, "POST", pathAndQuery, Map.of(), body, timeoutMillis);
    }

    private HttpAnswer exchange(HttpClient client, String method, String pathAndQuery, Map<String, String> headers, byte[] body,
            long timeoutMillis) throws CheckFailure, InterruptedException {
        Request request = client.newRequest(target.http(pathAndQuery)).method(method)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        if (body != null) {
            request.body(new org.eclipse.jetty.client.BytesRequestContent("application/json", body));
        }
        headers.forEach((name, value) -> request.headers(h -> h.put(name, value)));
        long startNanos = System.nanoTime();
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_BODY_BYTES).send()
                    .get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
            return new HttpAnswer(method + " " + pathAndQuery, response.getStatus(), response.getVersion(), response.getHeaders(),
                    new String(response.getContent(), StandardCharsets.UTF_8), startNanos, System.nanoTime());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof TimeoutException) {
                throw new CheckFailure(method + " " + pathAndQuery + " got no answer within " + timeoutMillis + " ms");
            }
            throw new CheckFailure(method + " " + pathAndQuery + " failed: " + describe(cause));
        } catch (TimeoutException e) {
            request.abort(e);
            throw new CheckFailure(method + " " + pathAndQuery + " got no answer within " + timeoutMillis + " ms");
        }
    }

    /** The failure's type and message, cut short: Jetty's messages can carry whole endpoint dumps. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        if (message != null && message.length() > 120) {
            message = message.substring(0, 120) + "…";
        }
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        LifeCycle.stop(webSocket);
        LifeCycle.stop(http);
    }
}
