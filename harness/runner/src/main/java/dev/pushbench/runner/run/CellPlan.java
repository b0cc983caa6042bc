package dev.pushbench.runner.run;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;

/** One cell of a run: a stack serving a transport over a protocol (and which repeat, from 1). */
public record CellPlan(String stack, Transport transport, Protocol protocol, int repeat, int repeats) {

    /** {@code jetty-sse-http1.1}, with {@code -r2} … when the scenario repeats cells. */
    public String name() {
        String base = stack + "-" + transport.id() + "-" + protocol.id();
        return repeats > 1 ? base + "-r" + repeat : base;
    }
}
