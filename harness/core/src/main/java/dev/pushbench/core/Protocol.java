package dev.pushbench.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The HTTP version a cell is measured over, as the client speaks it.
 *
 * <p>{@code h2c} is HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 §3.3): the client
 * sends the connection preface at once, as load generators and gRPC do. The {@code Upgrade: h2c}
 * dance of RFC 7540 was removed from RFC 9113 and no browser ever spoke h2c, so prior knowledge is
 * the only h2c a server-to-server or test client meets in practice.
 *
 * <p>The TLS protocols use a certificate made at run time ({@link TlsMaterial}); the server's ALPN
 * offers only the cell's protocol, so a cell labelled {@code h2} cannot silently fall back to
 * HTTP/1.1.
 */
public enum Protocol {
    HTTP_1_1("http1.1", false, false),
    H2C("h2c", true, false),
    /** HTTP/1.1 over TLS, ALPN offering only {@code http/1.1}. */
    HTTPS_1_1("https1.1", false, true),
    /** HTTP/2 over TLS, ALPN offering only {@code h2}. */
    H2("h2", true, true);

    private final String id;
    private final boolean http2;
    private final boolean tls;

    Protocol(String id, boolean http2, boolean tls) {
        this.id = id;
        this.http2 = http2;
        this.tls = tls;
    }

    public String id() {
        return id;
    }

    public boolean isHttp2() {
        return http2;
    }

    public boolean isTls() {
        return tls;
    }

    public String scheme() {
        return tls ? "https" : "http";
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static Protocol fromId(String id) {
        for (Protocol p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + id + "', allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Protocol::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
