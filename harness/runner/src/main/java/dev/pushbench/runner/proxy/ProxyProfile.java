package dev.pushbench.runner.proxy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a proxy is configured, with the reasons in {@code docs/proxies.md}.
 *
 * <ul>
 *   <li>{@link #STOCK}: the distribution's default configuration and the proxy's documented defaults
 *       around a plain {@code proxy_pass} or {@code backend}, what a proxy put in front of a push
 *       server without thought does (nginx: HTTP/1.0 upstream, buffered, no Upgrade forwarded, 60 s
 *       read timeout; HAProxy: 50 s client and server timeouts);</li>
 *   <li>{@link #PUSH}: what a careful operator writes for streams and WebSocket (HTTP/1.1 upstream
 *       kept alive, no buffering, Upgrade forwarded, timeouts well above the heartbeat and the
 *       long-poll hold, connection limits sized for the cell).</li>
 * </ul>
 */
public enum ProxyProfile {
    STOCK("stock"),
    PUSH("push");

    private final String id;

    ProxyProfile(String id) {
        this.id = id;
    }

    /** The name used in scenarios, cell names ({@code nginx-stock}) and files. */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ProxyProfile fromId(String id) {
        for (ProxyProfile profile : values()) {
            if (profile.id.equals(id)) {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown proxy profile '" + id + "', allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(ProxyProfile::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
