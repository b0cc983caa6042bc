package dev.pushbench.servers.jetty;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.StackConformanceTest;

/** The Jetty stack against the conformance suite, over every protocol. */
class JettyConformanceTest extends StackConformanceTest {
    @Override
    protected ServerStack stack() {
        return new JettyStack();
    }
}
