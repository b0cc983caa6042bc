package dev.pushbench.runner.scenario;

import dev.pushbench.runner.proxy.ProxyKind;
import dev.pushbench.runner.proxy.ProxyProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What stands between the load generator and the server in a cell: nothing ({@link #DIRECT}), or a
 * proxy run with one of its profiles.
 *
 * <pre>
 *   new NetworkPath(ProxyKind.NGINX, ProxyProfile.STOCK).id();   // "nginx-stock"
 *   NetworkPath.DIRECT.id();                                       // "none"
 * </pre>
 *
 * @param profile the proxy's configuration; null for {@link #DIRECT}
 */
public record NetworkPath(ProxyKind proxy, ProxyProfile profile) {

    public static final NetworkPath DIRECT = new NetworkPath(ProxyKind.NONE, null);

    public NetworkPath {
        Objects.requireNonNull(proxy, "proxy");
        if ((proxy == ProxyKind.NONE) != (profile == null)) {
            throw new IllegalArgumentException("a proxy needs a profile and no proxy has none, got " + proxy + " " + profile);
        }
    }

    public boolean proxied() {
        return proxy != ProxyKind.NONE;
    }

    /** {@code none}, or the proxy and its profile, e.g. {@code haproxy-push}: part of a cell's name. */
    public String id() {
        return proxied() ? proxy.id() + "-" + profile.id() : ProxyKind.NONE.id();
    }

    /** Every proxy with every profile, {@code none} once (first, if listed): the paths a scenario's matrix crosses. */
    public static List<NetworkPath> cross(List<ProxyKind> proxies, List<ProxyProfile> profiles) {
        List<NetworkPath> paths = new ArrayList<>();
        for (ProxyKind proxy : proxies) {
            if (proxy == ProxyKind.NONE) {
                paths.add(DIRECT);
            } else {
                for (ProxyProfile profile : profiles) {
                    paths.add(new NetworkPath(proxy, profile));
                }
            }
        }
        return List.copyOf(paths);
    }
}
