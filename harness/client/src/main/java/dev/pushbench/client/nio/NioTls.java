package dev.pushbench.client.nio;

import dev.pushbench.client.ClientTls;
import dev.pushbench.core.Protocol;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS client side of one {@link NioEngine}: one context for the run, made by {@link ClientTls} as
 * for the Jetty engine, so both engines trust exactly the server's certificate, check that it names
 * the address connected to (endpoint identification {@code HTTPS}), offer in ALPN only the cell's
 * protocol, and enable the same protocol versions and cipher suites. Sessions are cached per
 * host and port as Jetty's client caches them, so later handshakes may resume.
 *
 * <p>Lifecycle: made with the engine, {@link #stop()}ped when it closes; {@link #newEngine()} from
 * any thread.
 */
final class NioTls {
    /** The ALPN id offered, and the only one accepted: {@code h2} or {@code http/1.1}. */
    final String alpnId;
    /** Size of the largest TLS record the engine may receive or send, header included. */
    final int packetBytes;
    /** Size of the plaintext one record may carry. */
    final int applicationBytes;
    private final SslContextFactory.Client factory;
    private final String host;
    private final int port;

    NioTls(NioEngineConfig config) {
        Protocol protocol = config.protocol();
        this.alpnId = ClientTls.alpnId(protocol);
        this.host = config.server().getHostString();
        this.port = config.server().getPort();
        this.factory = ClientTls.forServer(protocol, config.serverCertificatePem());
        try {
            factory.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the TLS client context for " + protocol.id() + " to "
                    + host + ":" + port + ": " + e.getMessage(), e);
        }
        SSLSession session = newEngine().getSession();
        this.packetBytes = session.getPacketBufferSize();
        this.applicationBytes = session.getApplicationBufferSize();
    }

    /** An engine in client mode for a new connection, not yet handshaking. */
    SSLEngine newEngine() {
        SSLEngine engine = factory.newSSLEngine(host, port);
        engine.setUseClientMode(true);
        return engine;
    }

    /**
     * Why {@code negotiated} (what {@link SSLEngine#getApplicationProtocol()} says after the
     * handshake) does not do, or null if it does. No ALPN answer is accepted for {@code http/1.1},
     * the protocol of a TLS server that ignores ALPN (RFC 7301 §3.2), never for {@code h2}, which
     * exists over TLS only through ALPN (RFC 9113 §3.2).
     */
    String alpnMismatch(String negotiated) {
        if (alpnId.equals(negotiated)) {
            return null;
        }
        if (negotiated == null || negotiated.isEmpty()) {
            return alpnId.equals("h2") ? "the server negotiated no ALPN protocol, wanted 'h2' (h2 over TLS needs ALPN)" : null;
        }
        return "the server chose ALPN '" + negotiated + "', wanted '" + alpnId + "'";
    }

    void stop() {
        LifeCycle.stop(factory);
    }
}
