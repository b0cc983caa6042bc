package dev.pushbench.loadgen;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.client.ClientEngine;
import dev.pushbench.client.JettyClientEngine;
import dev.pushbench.client.nio.NioEngine;
import dev.pushbench.client.nio.NioEngineConfig;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which {@link ClientEngine} the load generator runs: the scenario key {@code clients.engine} and the
 * {@code engine} field of {@code load.json}. Every cell of a scenario uses the same one, since the
 * client's own cost and timing are part of what a cell measures: cells are comparable only within
 * one engine.
 *
 * <pre>
 *   ClientEngineKind kind = ClientEngineKind.fromId("nio");
 *   try (ClientEngine engine = kind.open(spec)) { ... }
 * </pre>
 */
public enum ClientEngineKind {
    /**
     * Jetty's HttpClient/WebSocketClient: every transport over every protocol; the reference the light
     * engine is checked against.
     */
    JETTY("jetty"),
    /**
     * The light java.nio client, one selector thread per core: every transport over HTTP/1.1 and
     * HTTP/2, cleartext or TLS; the default.
     */
    NIO("nio");

    private final String id;

    ClientEngineKind(String id) {
        this.id = id;
    }

    /** The name used in scenarios and {@code load.json}. */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ClientEngineKind fromId(String id) {
        for (ClientEngineKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown client engine '" + id + "', allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(ClientEngineKind::id).collect(Collectors.joining(", "));
    }

    /** The client library and version this engine runs, for the run manifest. */
    public String description() {
        return this == JETTY
                ? JettyClientEngine.DESCRIPTION
                : NioEngine.DESCRIPTION;
    }

    /** Opens the engine for one run of {@code spec}; the caller closes it. */
    public ClientEngine open(LoadSpec spec) throws Exception {
        if (this == JETTY) {
            return new JettyClientEngine(spec.protocol(), spec.serverCertificatePem(), spec.idleTimeout(),
                    spec.sourceAddresses().isEmpty() ? null : spec.sourceAddresses().get(0));
        }
        return new NioEngine(new NioEngineConfig(new InetSocketAddress(spec.host(), spec.port()), spec.protocol(),
                spec.serverCertificatePem(), spec.idleTimeout(), Runtime.getRuntime().availableProcessors(),
                spec.sourceAddresses()));
    }

    @Override
    public String toString() {
        return id;
    }
}
