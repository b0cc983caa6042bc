package dev.pushbench.servers.vertx;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.PollingEnginesTck;

/** Long and short polling on both client engines (loadgen's test-jar) against the VertxStack: every event once. */
class PollingEnginesTest extends PollingEnginesTck {
    @Override
    protected ServerStack stack() {
        return new VertxStack();
    }
}
