package dev.pushbench.client.nio;

import dev.pushbench.core.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link NioEngine} connects to and how.
 *
 * <pre>
 *   new NioEngineConfig(new InetSocketAddress("127.0.0.1", port), Protocol.H2C, null,
 *           Duration.ofSeconds(60), 2, List.of());
 * </pre>
 *
 * @param server               where every connection goes (resolved)
 * @param protocol             HTTP/1.1 or HTTP/2, cleartext or TLS
 * @param serverCertificatePem the one certificate trusted for TLS (PEM); null for cleartext
 * @param idleTimeout          how long a connection may stay silent before it is closed and reported lost
 * @param selectorThreads      selector threads, usually one per core
 * @param sourceAddresses      local addresses connections are bound to, round-robin; empty: the kernel picks
 */
public record NioEngineConfig(InetSocketAddress server, Protocol protocol, String serverCertificatePem,
                              Duration idleTimeout, int selectorThreads, List<InetAddress> sourceAddresses) {
    public NioEngineConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(protocol, "protocol");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("server address must be resolved, got " + server);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be a positive duration, got " + idleTimeout);
        }
        if (selectorThreads < 1) {
            throw new IllegalArgumentException("selectorThreads must be at least 1, got " + selectorThreads);
        }
        if (protocol.isTls() && serverCertificatePem == null) {
            throw new IllegalArgumentException(protocol.id() + " needs the server's certificate to trust");
        }
        sourceAddresses = List.copyOf(sourceAddresses == null ? List.of() : sourceAddresses);
    }

    /** HTTP/1.1 cleartext to {@code server}, the kernel picking the source address. */
    public static NioEngineConfig http1(InetSocketAddress server, Duration idleTimeout, int selectorThreads) {
        return new NioEngineConfig(server, Protocol.HTTP_1_1, null, idleTimeout, selectorThreads, List.of());
    }
}
