package dev.pushbench.servers.vertx;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.StackConformanceTest;

/**
 * The Vert.x stack against the conformance suite, over every protocol. WebSocket over HTTP/2 (h2c,
 * h2) is skipped with the stack's own reason: no RFC 8441 in Vert.x 5.0.
 */
class VertxConformanceTest extends StackConformanceTest {
    @Override
    protected ServerStack stack() {
        return new VertxStack();
    }
}
