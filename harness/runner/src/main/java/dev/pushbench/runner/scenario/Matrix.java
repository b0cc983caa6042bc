package dev.pushbench.runner.scenario;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which cells a scenario measures: every stack × transport × protocol × path × link combination, in the
 * order listed.
 *
 * <pre>
 *   Matrix m = new Matrix(List.of("jetty"), List.of(Transport.SSE), List.of(Protocol.H2C));
 *   m.cellCount();   // 1
 * </pre>
 *
 * @param paths what stands between client and server ({@code path.proxy} × {@code path.profile})
 * @param links the links connections cross ({@code network.link})
 */
public record Matrix(List<String> stacks, List<Transport> transports, List<Protocol> protocols, List<NetworkPath> paths,
                     List<NetworkLink> links) {

    public Matrix {
        stacks = distinctNonEmpty(stacks, "stacks");
        transports = distinctNonEmpty(transports, "transports");
        protocols = distinctNonEmpty(protocols, "protocols");
        paths = distinctNonEmpty(paths, "paths");
        links = distinctNonEmpty(links, "links");
    }

    /** On loopback as it is. */
    public Matrix(List<String> stacks, List<Transport> transports, List<Protocol> protocols, List<NetworkPath> paths) {
        this(stacks, transports, protocols, paths, List.of(NetworkLink.NONE));
    }

    /** Straight from the client to the server. */
    public Matrix(List<String> stacks, List<Transport> transports, List<Protocol> protocols) {
        this(stacks, transports, protocols, List.of(NetworkPath.DIRECT));
    }

    /** Combinations, before an SSE cell through a stock nginx adds its run without the proxy hint. */
    public int cellCount() {
        return stacks.size() * transports.size() * protocols.size() * paths.size() * links.size();
    }

    public boolean anyProxied() {
        return paths.stream().anyMatch(NetworkPath::proxied);
    }

    public boolean anyRelayed() {
        return links.stream().anyMatch(NetworkLink::relayed);
    }

    public boolean has(Transport transport) {
        return transports.contains(transport);
    }

    private static <T> List<T> distinctNonEmpty(List<T> values, String name) {
        Objects.requireNonNull(values, name);
        List<T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("matrix." + name + " must list at least one, got []");
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("matrix." + name + " must list each value once, got " + copy);
        }
        return copy;
    }
}
