package dev.pushbench.runner.proxy;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one proxy of one cell needs: which proxy and profile, what the load generator speaks to
 * it, where it listens and where the server is, the cell's timing (so the push profile's timeouts
 * stay above the heartbeat and the long-poll hold) and how many connections it must carry.
 *
 * @param kind           {@link ProxyKind#NGINX} or {@link ProxyKind#HAPROXY}
 * @param profile        stock or push
 * @param clientProtocol what the load generator speaks to the proxy: the cell's protocol
 * @param transport      the cell's transport
 * @param host           the address both the proxy and the server are on, {@code 127.0.0.1}
 * @param listenPort     the proxy's port (a real port: the proxy cannot report one it picked)
 * @param upstreamPort   the server's cleartext HTTP/1.1 port
 * @param heartbeat      the server's heartbeat interval on a quiet stream ({@link Duration#ZERO} if none)
 * @param longPollHold   how long the server holds a long poll ({@link Duration#ZERO} if not long polling)
 * @param connections    the most client connections the cell opens
 * @param dir            the cell's directory: configuration, certificates, pid file, temp files and log go here
 */
public record ProxySetup(ProxyKind kind, ProxyProfile profile, Protocol clientProtocol, Transport transport,
                         String host, int listenPort, int upstreamPort, Duration heartbeat,
                         Duration longPollHold, int connections, Path dir) {
    public ProxySetup {
        Objects.requireNonNull(kind, "kind");
        if (kind == ProxyKind.NONE) {
            throw new IllegalArgumentException("kind must be a proxy (" + ProxyKind.NGINX + " or " + ProxyKind.HAPROXY + "), got none");
        }
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(clientProtocol, "clientProtocol");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dir, "dir");
        requirePort("listenPort", listenPort);
        requirePort("upstreamPort", upstreamPort);
        if (listenPort == upstreamPort) {
            throw new IllegalArgumentException("listenPort and upstreamPort must differ, both are " + listenPort);
        }
        requireNotNegative("heartbeat", heartbeat);
        requireNotNegative("longPollHold", longPollHold);
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        }
    }

    private static void requirePort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 1 and 65535, got " + port);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    /** The cell's path label, e.g. {@code nginx-stock}. */
    public String pathId() {
        return kind.id() + "-" + profile.id();
    }
}
