package dev.pushbench.runner.run;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.runner.scenario.NetworkLink;
import dev.pushbench.runner.scenario.NetworkPath;

/**
 * One cell of a run: a stack serving a transport over a protocol on a path (straight, or through a
 * proxy), and which repeat, from 1.
 *
 * @param sseProxyHints SSE cells: the server sends {@code X-Accel-Buffering: no}
 * @param link          the link its connections cross: {@link NetworkLink#NONE}, or one the relay emulates
 */
public record CellPlan(String stack, Transport transport, Protocol protocol, NetworkPath path, boolean sseProxyHints,
                       NetworkLink link, int repeat, int repeats) {

    /** Straight to the server, the proxy hint on. */
    public CellPlan(String stack, Transport transport, Protocol protocol, int repeat, int repeats) {
        this(stack, transport, protocol, NetworkPath.DIRECT, true, NetworkLink.NONE, repeat, repeats);
    }

    /** On loopback as it is. */
    public CellPlan(String stack, Transport transport, Protocol protocol, NetworkPath path, boolean sseProxyHints,
                    int repeat, int repeats) {
        this(stack, transport, protocol, path, sseProxyHints, NetworkLink.NONE, repeat, repeats);
    }

    /**
     * {@code jetty-sse-http1.1}; through a proxy {@code jetty-sse-http1.1-nginx-stock}; an SSE cell without the
     * proxy hint ends in {@code -nohints}; across an emulated link, the link's id follows ({@code -4g});
     * {@code -r2} … when the scenario repeats cells.
     */
    public String name() {
        String base = stack + "-" + transport.id() + "-" + protocol.id();
        if (path.proxied()) {
            base += "-" + path.id();
        }
        if (!hintsSent()) {
            base += "-nohints";
        }
        if (link.relayed()) {
            base += "-" + link.id();
        }
        return repeats > 1 ? base + "-r" + repeat : base;
    }

    /** Whether the server sends the proxy hint in this cell: only SSE responses carry it. */
    boolean hintsSent() {
        return transport != Transport.SSE || sseProxyHints;
    }

    /** The protocol the server speaks: the cell's, or HTTP/1.1 cleartext behind a proxy (the proxy ends TLS and HTTP/2). */
    Protocol serverProtocol() {
        return path.proxied() ? Protocol.HTTP_1_1 : protocol;
    }
}
