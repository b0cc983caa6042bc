package dev.pushbench.runner.link;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.runner.proxy.ProcFs;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.run.ChildProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The runner's handle on one cell's link relay: a {@code pushbench relay} child JVM between the load generator
 * and the server (or its proxy), spoken to in {@link ControlMessage}s; its output goes to {@code relay.log} in
 * the cell's directory. Its CPU and memory are read from {@code /proc}, so they count as the relay's, neither
 * the server's nor the generator's.
 *
 * <pre>
 *   JsonFiles.write(relayJson, new RelayConfig("127.0.0.1", 0, "127.0.0.1", serverPort, shape, seed));
 *   try (RelayProcess relay = RelayProcess.start(List.of("-Xmx128m"), relayJson, cellDir, Duration.ofSeconds(30))) {
 *       int port = relay.port();                                  // the load generator connects here
 *       ProxyProcess.Reading before = relay.read();
 *       ControlMessage.FaultApplied hit = relay.apply(new ControlMessage.ApplyFault("cut", "drop", 0.25, 0));
 *       long cpuNanos = relay.read().cpuNanos() - before.cpuNanos();
 *   }
 * </pre>
 *
 * <p>Lifecycle: {@link #start} returns once the relay listens; {@link #close()} asks it to stop and kills it
 * after {@link #STOP_GRACE}; {@link #kill()} is the Ctrl-C path. A relay whose input closes (the runner gone)
 * exits by itself.
 */
public final class RelayProcess implements AutoCloseable {
    /** How long {@link #close()} waits for the relay to exit on {@code stop} before killing it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** The log file, in the cell's directory: the relay's standard error. */
    public static final String LOG_FILE = "relay.log";
    /** How long {@link #apply} waits for {@code fault-applied}. */
    public static final Duration FAULT_TIMEOUT = Duration.ofSeconds(15);

    private final ChildProcess child;
    private final int port;
    private final long pid;

    private RelayProcess(ChildProcess child, ControlMessage.RelayListening listening) {
        this.child = child;
        this.port = listening.port();
        this.pid = listening.pid();
    }

    /**
     * Starts {@code pushbench relay --config relayJson} and returns once it says it listens.
     *
     * @throws ChildException when the relay exits first (a bad {@code relay.json}, a port in use) or does not
     *                        listen within {@code timeout}; it is killed then
     */
    public static RelayProcess start(List<String> jvmOptions, Path relayJson, Path cellDir, Duration timeout)
            throws IOException, ChildException, InterruptedException {
        ChildProcess child = ChildProcess.start("relay", jvmOptions, List.of("relay", "--config", relayJson.toString()),
                cellDir.resolve(LOG_FILE));
        try {
            return new RelayProcess(child, child.await(ControlMessage.RelayListening.class, timeout, ignored -> { }));
        } catch (ChildException | InterruptedException | RuntimeException e) {
            child.kill();
            child.close();
            throw e;
        }
    }

    /** Where it listens: the port the load generator connects to. */
    public int port() {
        return port;
    }

    public long pid() {
        return pid;
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    /**
     * Hits a share of the live connections now and says which (by the client's port) and when.
     *
     * @throws ChildException when the relay refuses the fault (its reason), exits, or does not answer in time
     */
    public ControlMessage.FaultApplied apply(ControlMessage.ApplyFault fault) throws ChildException, InterruptedException {
        child.send(fault);
        return child.await(ControlMessage.FaultApplied.class, FAULT_TIMEOUT, other -> {
            if (other instanceof ControlMessage.Error) {
                throw new ChildException("the relay refused " + fault + ": " + ((ControlMessage.Error) other).message());
            }
        });
    }

    /** Its CPU time (its own and its reaped children's) and resident memory, from {@code /proc}. */
    public ProxyProcess.Reading read() {
        return ProcFs.read(pid, List.of(pid));
    }

    /** Ends it at once (Ctrl-C of the runner). */
    public void kill() {
        child.kill();
    }

    /** Asks it to stop, waits up to {@link #STOP_GRACE}, then kills it. */
    @Override
    public void close() {
        try {
            if (child.isAlive()) {
                child.send(new ControlMessage.Stop());
                if (!child.awaitExit(STOP_GRACE)) {
                    child.kill();
                }
            }
        } catch (ChildException e) {
            child.kill(); // its input is gone: it is on its way out
        } catch (InterruptedException e) {
            child.kill();
            Thread.currentThread().interrupt();
        } finally {
            child.close();
        }
    }
}
