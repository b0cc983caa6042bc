package dev.pushbench.servers.jetty;

import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.tck.SlowSubscriberTck;

/** The shared slow-subscriber checks (loadgen's test-jar) against the JettyStack: memory stays bounded, the policy acts. */
class SlowSubscriberTest extends SlowSubscriberTck {
    @Override
    protected ServerStack stack() {
        return new JettyStack();
    }
}
