package dev.pushbench.servers.vertx;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.RestartTck;

/** The VertxStack stopped and started again on the same port (loadgen's test-jar): a subscriber resumes without what fell due between. */
class RestartTest extends RestartTck {
    @Override
    protected ServerStack stack() {
        return new VertxStack();
    }
}
