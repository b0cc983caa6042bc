package dev.pushbench.servers.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TLS connector offers exactly the cell's protocol by ALPN: a client offering only the other
 * one fails the handshake ({@code no_application_protocol}) rather than being served under the
 * wrong label, and a client offering the cell's protocol gets it. The client is the JDK's own
 * {@link SSLSocket}, trusting only the server's certificate and checking its IP SAN, so nothing of
 * Jetty's client is under test here.
 */
@Timeout(30)
class TlsAlpnTest {
    private static final FeedSpec FEED = new FeedSpec(1, 1, 16, 16);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTPS_1_1", "H2"})
    void aClientOfferingOnlyTheOtherProtocolIsRefused(Protocol protocol) throws Exception {
        String other = protocol.isHttp2() ? "http/1.1" : "h2";
        try (EventFeed feed = new EventFeed(FEED);
             PushContext context = new PushContext(feed, ServerConfig.defaults(protocol));
             PushServer server = new JettyStack().start(context);
             SSLSocket socket = connect(context.config().tls(), server.port(), other)) {
            assertThrows(SSLHandshakeException.class, socket::startHandshake,
                    "a " + protocol + " server accepted a client whose ALPN offered only " + other);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Protocol.class, names = {"HTTPS_1_1", "H2"})
    void aClientOfferingTheCellsProtocolGetsIt(Protocol protocol) throws Exception {
        String own = protocol.isHttp2() ? "h2" : "http/1.1";
        try (EventFeed feed = new EventFeed(FEED);
             PushContext context = new PushContext(feed, ServerConfig.defaults(protocol));
             PushServer server = new JettyStack().start(context);
             SSLSocket socket = connect(context.config().tls(), server.port(), own)) {
            socket.startHandshake();
            assertEquals(own, socket.getApplicationProtocol());
        }
    }

    /** An unhandshaken socket to 127.0.0.1 trusting only {@code tls}'s certificate, offering only {@code alpn}. */
    private static SSLSocket connect(TlsMaterial tls, int port, String alpn) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TlsMaterial.trustStore(tls.certificatePem()));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            plain.setSoTimeout(10_000);
            SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {alpn});
            socket.setSSLParameters(parameters);
            return socket;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }
}
