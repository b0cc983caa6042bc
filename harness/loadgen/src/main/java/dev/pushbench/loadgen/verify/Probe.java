package dev.pushbench.loadgen.verify;

import dev.pushbench.core.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The client side of a conformance run: one Jetty {@link HttpClient} speaking exactly the target's
 * HTTP version (HTTP/2 with prior knowledge for h2c), and a {@link WebSocketClient} on top of it, so
 * that WebSocket over h2c goes through RFC 8441 extended CONNECT on an HTTP/2 stream.
 */
final class Probe implements AutoCloseable {
    /** The most a poll answer may weigh before the check gives up reading it. */
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    final Target target;
    final HttpClient http;
    final WebSocketClient webSocket;

    private Probe(Target target, HttpClient http, WebSocketClient webSocket) {
        this.target = target;
        this.http = http;
        this.webSocket = webSocket;
    }

    static Probe open(Target target) throws Exception {
        HttpClient http = newHttpClient(target.protocol(), "pushbench-verify");
        WebSocketClient webSocket = new WebSocketClient(http);
        try {
            webSocket.start();
        } catch (Exception e) {
            LifeCycle.stop(http);
            throw e;
        }
        return new Probe(target, http, webSocket);
    }

    /** A started client that speaks only {@code protocol}. */
    static HttpClient newHttpClient(Protocol protocol, String threadName) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(threadName);
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(threads);
        HttpClient client = protocol.isHttp2()
                ? new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)))
                : new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setConnectTimeout(5_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.start();
        return client;
    }

    static HttpVersion httpVersion(Protocol protocol) {
        return protocol.isHttp2() ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
    }

    HttpVersion expectedVersion() {
        return httpVersion(target.protocol());
    }

    /** A request and its whole answer, bounded by {@code timeoutMillis}. */
    Answer exchange(String method, String pathAndQuery, Map<String, String> headers, long timeoutMillis)
            throws CheckFailure, InterruptedException {
        return exchange(http, method, pathAndQuery, headers, timeoutMillis);
    }

    Answer get(String pathAndQuery, long timeoutMillis) throws CheckFailure, InterruptedException {
        return exchange("GET", pathAndQuery, Map.of(), timeoutMillis);
    }

    Answer exchange(HttpClient client, String method, String pathAndQuery, Map<String, String> headers, long timeoutMillis)
            throws CheckFailure, InterruptedException {
        Request request = client.newRequest(target.http(pathAndQuery)).method(method)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        headers.forEach((name, value) -> request.headers(h -> h.put(name, value)));
        long startNanos = System.nanoTime();
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_BODY_BYTES).send()
                    .get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
            return new Answer(method + " " + pathAndQuery, response.getStatus(), response.getVersion(), response.getHeaders(),
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
