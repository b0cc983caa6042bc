package dev.pushbench.loadgen;

import dev.pushbench.loadgen.nio.NioEngine;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

/** What every subscriber of one run shares: the spec, the client engine, the recorders and counters. */
final class LoadContext {
    final LoadSpec spec;
    final ClientEngine engine;
    final Recorders recorders;
    final Window window;
    final ScheduledExecutorService timer;
    final LongAdder live = new LongAdder();
    final LongAdder everLive = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder subscriptions = new LongAdder();
    final LongAdder pollRequests = new LongAdder();
    final LongAdder emptyPolls = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    /** Starts every connection tag of this context: warm-up and measured subscribers never share a connection. */
    final String tagPrefix;
    volatile boolean stopping;
    volatile String lastError;

    LoadContext(String tagPrefix, LoadSpec spec, ClientEngine engine, Recorders recorders, Window window, ScheduledExecutorService timer) {
        this.tagPrefix = tagPrefix;
        this.spec = spec;
        this.engine = engine;
        this.recorders = recorders;
        this.window = window;
        this.timer = timer;
    }

    /** The Jetty engine, for the subscribers written on it. */
    JettyClientEngine jetty() {
        return (JettyClientEngine) engine;
    }

    /** The nio engine, for the subscribers written on it. */
    NioEngine nio() {
        return (NioEngine) engine;
    }

    String baseUri() {
        return spec.protocol().scheme() + "://" + spec.host() + ":" + spec.port();
    }

    void error(String message) {
        lastError = message;
    }
}
