package dev.pushbench.client;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The client side of a TLS cell, shared by the load generator and the conformance suite: trusts
 * exactly the server's certificate (no trust-all), checks that it names the host connected to
 * (endpoint identification {@code HTTPS}; the certificate carries an IP SAN for 127.0.0.1), and
 * offers in ALPN only the cell's protocol, so that a server which would answer with the other one
 * fails the handshake instead of being measured under the wrong label.
 *
 * <pre>
 *   ClientConnector connector = new ClientConnector();
 *   connector.setSslContextFactory(ClientTls.forServer(Protocol.H2, certificatePem));
 * </pre>
 *
 * <p>Jetty's HTTP/2 transport offers {@code h2} by ALPN itself (jetty-alpn-java-client); its HTTP/1.1
 * transport offers nothing, and a TLS server would then pick its default. Setting the application
 * protocols on every engine makes both offer exactly one protocol, the same way.
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** The ALPN protocol id (RFC 7301 registry) for a TLS protocol: {@code http/1.1} or {@code h2}. */
    public static String alpnId(Protocol protocol) {
        if (!protocol.isTls()) {
            throw new IllegalArgumentException("protocol must be a TLS protocol (https1.1 or h2) to have an ALPN id, got " + protocol);
        }
        return protocol.isHttp2() ? "h2" : "http/1.1";
    }

    /**
     * An unstarted client TLS factory for a {@code protocol} server presenting {@code certificatePem}.
     *
     * @throws IllegalArgumentException if {@code protocol} is cleartext or the PEM is not a certificate
     */
    public static SslContextFactory.Client forServer(Protocol protocol, String certificatePem) {
        Objects.requireNonNull(certificatePem, "certificatePem");
        String alpn = alpnId(protocol);
        SslContextFactory.Client ssl = new SslContextFactory.Client() {
            @Override
            public SSLParameters customize(SSLParameters parameters) {
                SSLParameters customized = super.customize(parameters);
                customized.setApplicationProtocols(new String[] {alpn});
                return customized;
            }
        };
        ssl.setTrustStore(TlsMaterial.trustStore(certificatePem));
        ssl.setEndpointIdentificationAlgorithm("HTTPS");
        return ssl;
    }
}
