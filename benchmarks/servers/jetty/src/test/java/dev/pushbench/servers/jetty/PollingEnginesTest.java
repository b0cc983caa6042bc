package dev.pushbench.servers.jetty;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.PollingEnginesTck;

/** Long and short polling on both client engines (loadgen's test-jar) against the JettyStack: every event once. */
class PollingEnginesTest extends PollingEnginesTck {
    @Override
    protected ServerStack stack() {
        return new JettyStack();
    }
}
