package dev.pushbench.servers.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * The first connection factory of an HTTP/2 cell: a connection that opens with the HTTP/2 preface goes
 * on to HTTP/2, any other is closed at once, sending nothing, as the Vert.x stack does (RFC 9113 §3.4:
 * an invalid preface is a connection error; the GOAWAY MAY be omitted, since the peer is not speaking
 * HTTP/2). Without it Jetty's HTTP/2 parser would answer an HTTP/1.1 request with a GOAWAY frame, which
 * Vert.x has no way to send where it must refuse an {@code Upgrade: h2c} (see VertxPrefaceGate).
 *
 * <pre>
 *   h2c:  new ConnectionFactory[] {JettyPrefaceGate.h2c(http), ...}      // the gate, then the HTTP/2 factory
 *   h2:   alpn.setDefaultProtocol(JettyPrefaceGate.refuseAll().getProtocol())
 * </pre>
 */
final class JettyPrefaceGate extends DetectorConnectionFactory {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private JettyPrefaceGate(ConnectionFactory.Detecting detecting) {
        super(detecting);
    }

    /** The gate in front of {@code h2c}, which must follow it in the connector's factories. */
    static JettyPrefaceGate h2c(PrefaceDetecting h2c) {
        return new JettyPrefaceGate(h2c);
    }

    /** The factory behind it: Jetty's h2c, which recognizes the preface. */
    static PrefaceDetecting h2cFactory(HttpConfiguration http) {
        return new PrefaceDetecting(http);
    }

    /** A gate that lets nothing through: the ALPN default of h2, for a TLS client that negotiated no protocol. */
    static JettyPrefaceGate refuseAll() {
        return new JettyPrefaceGate(new Refusing());
    }

    /** Not HTTP/2: close without a word. */
    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.close();
    }

    private static Detection detectPreface(ByteBuffer buffer) {
        int n = Math.min(buffer.remaining(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (buffer.get(buffer.position() + i) != PREFACE[i]) {
                return Detection.NOT_RECOGNIZED;
            }
        }
        return n == PREFACE.length ? Detection.RECOGNIZED : Detection.NEED_MORE_BYTES;
    }

    /** Jetty's h2c factory, recognizing the client preface (RFC 9113 §3.4) for the gate. */
    static final class PrefaceDetecting extends HTTP2CServerConnectionFactory implements ConnectionFactory.Detecting {
        PrefaceDetecting(HttpConfiguration http) {
            super(http);
        }

        @Override
        public Detection detect(ByteBuffer buffer) {
            return detectPreface(buffer);
        }
    }

    /** Recognizes nothing, so that the gate closes every connection. */
    private static final class Refusing extends org.eclipse.jetty.server.AbstractConnectionFactory
            implements ConnectionFactory.Detecting {
        Refusing() {
            super("pushbench-no-alpn");
        }

        @Override
        public Detection detect(ByteBuffer buffer) {
            return Detection.NOT_RECOGNIZED;
        }

        @Override
        public org.eclipse.jetty.io.Connection newConnection(Connector connector, EndPoint endPoint) {
            throw new IllegalStateException("a connection without ALPN is closed by the gate, never opened");
        }
    }
}
