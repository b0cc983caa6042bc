package dev.pushbench.servers.vertx;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.SlowSubscriberTck;

/** The shared slow-subscriber checks (loadgen's test-jar) against the VertxStack: memory stays bounded, the policy acts. */
class SlowSubscriberTest extends SlowSubscriberTck {
    @Override
    protected ServerStack stack() {
        return new VertxStack();
    }
}
