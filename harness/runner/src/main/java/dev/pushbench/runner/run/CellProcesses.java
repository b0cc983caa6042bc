package dev.pushbench.runner.run;

import dev.pushbench.runner.link.RelayProcess;
import dev.pushbench.runner.proxy.ProxyProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A cell's two JVMs: its server ({@code pushbench serve}, serving from its start) and its load
 * generator ({@code pushbench load --await-config}, waiting for its spec), and on the way between them
 * the proxy (a proxied path) and the link relay (an emulated link, or faults the relay applies). Both
 * JVMs are started at once to save a JVM start per cell; all log into the cell's directory, and all end
 * together. A restart fault replaces the server with a new process on the same port.
 */
final class CellProcesses implements AutoCloseable {
    private volatile Child server;
    final Child loadgen;
    /** The proxy between them, once started; null on a direct path. */
    private volatile ProxyProcess proxy;
    /** The relay in front of the server or the proxy, once started; null without one. */
    private volatile RelayProcess relay;

    CellProcesses(Child server, Child loadgen) {
        this.server = server;
        this.loadgen = loadgen;
    }

    /** Starts both JVMs, the server on {@code serverJson}; if the second cannot start, the first is closed. */
    static CellProcesses start(List<String> jvmOptions, Path serverJson, Path cellDir) throws IOException {
        ChildProcess server = ChildProcess.start("server", jvmOptions, List.of("serve", "--config", serverJson.toString()),
                cellDir.resolve("server.log"));
        try {
            return new CellProcesses(server, ChildProcess.start("loadgen", jvmOptions, List.of("load", "--await-config"),
                    cellDir.resolve("loadgen.log")));
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** The proxy started for this cell: it is ended with the cell's JVMs. */
    void proxy(ProxyProcess started) {
        proxy = started;
    }

    ProxyProcess proxy() {
        return proxy;
    }

    /** The relay started for this cell: it is ended with the cell's JVMs. */
    void relay(RelayProcess started) {
        relay = started;
    }

    RelayProcess relay() {
        return relay;
    }

    /** The server serving now: the first, or the one a restart started. */
    Child server() {
        return server;
    }

    /** A restart's new server takes the old one's place (which has exited). */
    void replaceServer(Child restarted) {
        server = restarted;
    }

    /** Ends all at once (Ctrl-C of the runner). */
    void kill() {
        server.kill();
        loadgen.kill();
        ProxyProcess p = proxy;
        if (p != null) {
            p.kill();
        }
        RelayProcess r = relay;
        if (r != null) {
            r.kill();
        }
    }

    @Override
    public void close() {
        server.close();
        loadgen.close();
        ProxyProcess p = proxy;
        if (p != null) {
            p.close();
        }
        RelayProcess r = relay;
        if (r != null) {
            r.close();
        }
    }
}
