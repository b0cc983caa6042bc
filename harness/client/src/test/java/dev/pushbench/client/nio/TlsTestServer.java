package dev.pushbench.client.nio;

import dev.pushbench.core.TlsMaterial;
import java.nio.ByteBuffer;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty 12 TLS server on 127.0.0.1, port 0, for the nio engine's TLS tests: HTTP/1.1 or h2 behind
 * ALPN offering exactly one protocol, or HTTP/1.1 with no ALPN at all.
 *
 * <pre>
 *   try (TlsTestServer server = TlsTestServer.start(tls, "http/1.1")) {
 *       ... GET /body?bytes=1048576&amp;chunk=1000 on server.port() ...
 *   }
 * </pre>
 *
 * <p>{@code GET /body?bytes=N&chunk=M} answers {@code N} bytes ({@link #bodyByte(int)} at each index)
 * with a Content-Length, written and flushed {@code M} at a time, so each write is its own TLS record;
 * with {@code &intervalMicros=I}, one write every {@code I} µs (a paced stream of {@code M}-byte messages).
 * A second connector serves the same over HTTP/1.1 cleartext ({@link #cleartextPort()}).
 */
final class TlsTestServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector cleartext;

    private TlsTestServer(Server server, ServerConnector connector, ServerConnector cleartext) {
        this.server = server;
        this.connector = connector;
        this.cleartext = cleartext;
    }

    /** The byte at {@code index} of every body: a period (251) prime to any record or buffer size. */
    static byte bodyByte(int index) {
        return (byte) (index % 251);
    }

    /** {@code alpn}: "http/1.1" or "h2" to offer only that protocol, null for no ALPN (HTTP/1.1). */
    static TlsTestServer start(TlsMaterial tls, String alpn) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(400, 2);
        threads.setName("tls-test-server");
        Server server = new Server(threads);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setCertAlias(TlsMaterial.ALIAS);
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        ConnectionFactory[] factories;
        if (alpn == null) {
            factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)};
        } else {
            ALPNServerConnectionFactory negotiation = new ALPNServerConnectionFactory(alpn);
            negotiation.setDefaultProtocol(alpn);
            ConnectionFactory application = alpn.equals("h2") ? new HTTP2ServerConnectionFactory(http) : new HttpConnectionFactory(http);
            factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, negotiation.getProtocol()), negotiation, application};
        }
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(600_000);
        server.addConnector(connector);
        ServerConnector cleartext = new ServerConnector(server, 1, 1, new HttpConnectionFactory(new HttpConfiguration()));
        cleartext.setHost("127.0.0.1");
        cleartext.setPort(0);
        cleartext.setIdleTimeout(600_000);
        server.addConnector(cleartext);
        server.setHandler(new BodyHandler());
        try {
            server.start();
        } catch (Exception e) {
            LifeCycle.stop(server);
            throw e;
        }
        return new TlsTestServer(server, connector, cleartext);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The same handler over HTTP/1.1 cleartext: the baseline of a measurement. */
    int cleartextPort() {
        return cleartext.getLocalPort();
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }

    private static final class BodyHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Fields query = Request.extractQueryParameters(request);
            int bodyBytes = query.get("bytes") == null ? 0 : Integer.parseInt(query.get("bytes").getValue());
            int chunkBytes = query.get("chunk") == null ? 4096 : Integer.parseInt(query.get("chunk").getValue());
            long intervalNanos = query.get("intervalMicros") == null ? 0 : 1000L * Integer.parseInt(query.get("intervalMicros").getValue());
            long nextNanos = System.nanoTime();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bodyBytes);
            int sent = 0;
            while (sent < bodyBytes) {
                int n = Math.min(chunkBytes, bodyBytes - sent);
                byte[] chunk = new byte[n];
                for (int i = 0; i < n; i++) {
                    chunk[i] = bodyByte(sent + i);
                }
                sent += n;
                if (intervalNanos > 0) {
                    nextNanos += intervalNanos;
                    java.util.concurrent.locks.LockSupport.parkNanos(nextNanos - System.nanoTime());
                }
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(sent == bodyBytes, ByteBuffer.wrap(chunk), written);
                    written.block();
                }
            }
            if (bodyBytes == 0) {
                response.write(true, null, callback);
            } else {
                callback.succeeded();
            }
            return true;
        }
    }
}
