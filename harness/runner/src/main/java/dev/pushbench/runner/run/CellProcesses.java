package dev.pushbench.runner.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A cell's two JVMs: its server ({@code pushbench serve}, serving from its start) and its load
 * generator ({@code pushbench load --await-config}, waiting for its spec). Both are started at once
 * to save a JVM start per cell; both log into the cell's directory.
 */
final class CellProcesses implements AutoCloseable {
    final ChildProcess server;
    final ChildProcess loadgen;

    private CellProcesses(ChildProcess server, ChildProcess loadgen) {
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

    /** Ends both at once (Ctrl-C of the runner). */
    void kill() {
        server.kill();
        loadgen.kill();
    }

    @Override
    public void close() {
        server.close();
        loadgen.close();
    }
}
