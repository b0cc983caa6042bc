package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.time.Duration;

/**
 * Measures one prepared cell: reads the server at idle, lets the load generator ramp, reads the
 * server at the window's edges as the load generator's phases say, reads both at each memory point
 * (the ramp's pauses and the steps down after the window) through the {@link MemorySweep}, takes the load generator's result and reads the server a last
 * time. Everything goes into the cell's {@link CellResultBuilder}.
 *
 * <pre>
 *   new CellMeasurement(prepared, phaseBudget, progress, phaseListener, windowOver).run();
 * </pre>
 *
 * <p>The server going away or not answering fails the cell with a {@link ChildException} naming it.
 */
final class CellMeasurement {
    /** How long the server may take to answer a question. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private final CellPreparation.Prepared prepared;
    private final Duration loadBudget;
    private final Progress progress;
    private final ScenarioRunner.PhaseListener phaseListener;
    private final Runnable windowOver;

    /**
     * @param loadBudget how long the load may take from the ramp to its result
     * @param windowOver called at the first memory point after the window: the measured window is over, the next cell may get ready
     */
    CellMeasurement(CellPreparation.Prepared prepared, Duration loadBudget, Progress progress,
                    ScenarioRunner.PhaseListener phaseListener, Runnable windowOver) {
        this.prepared = prepared;
        this.loadBudget = loadBudget;
        this.progress = progress;
        this.phaseListener = phaseListener;
        this.windowOver = windowOver;
    }

    void run() throws ChildException, InterruptedException {
        CellResultBuilder result = prepared.result;
        try (ChildProcess server = prepared.processes.server; ChildProcess loadgen = prepared.processes.loadgen) {
            if (!server.isAlive() || !loadgen.isAlive()) {
                throw new ChildException((server.isAlive() ? "load generator" : "server") + " exited while waiting for its cell; see "
                        + (server.isAlive() ? "loadgen.log" : "server.log"));
            }
            ProcessSnapshot idle = askStats(server, true).process();
            result.serverIdle(idle);
            readProxy(result::proxyIdle);
            loadgen.send(new ControlMessage.Ramp());
            LoadResult load = loadgen.await(ControlMessage.Result.class, loadBudget, message -> {
                if (!server.isAlive()) {
                    throw serverGone(server);
                }
                progress.onMessage(message);
                ProxyProcess proxy = prepared.processes.proxy();
                if (proxy != null && !proxy.isAlive()) {
                    throw proxyGone(proxy);
                }
                try {
                    onLoadMessage(message, server, loadgen, idle);
                } catch (ChildException e) {
                    throw serverGone(server);
                }
            }).result();
            result.load(load);
            if (!server.isAlive()) {
                throw new ChildException("server exited during the load; see server.log");
            }
            result.serverEnd(askStats(server, false));
            result.ok();
            result.checkValidity();
        } finally {
            ProxyProcess proxy = prepared.processes.proxy();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** Reads the proxy's processes, on a proxied path; a proxy that is gone fails the cell. */
    private void readProxy(java.util.function.Consumer<ProxyProcess.Reading> into) throws ChildException {
        ProxyProcess proxy = prepared.processes.proxy();
        if (proxy == null) {
            return;
        }
        if (!proxy.isAlive()) {
            throw proxyGone(proxy);
        }
        into.accept(proxy.read());
    }

    private static ChildException proxyGone(ProxyProcess proxy) {
        return new ChildException("the proxy (PID " + proxy.pid() + ") exited during the cell; see proxy.log");
    }

    private void onLoadMessage(ControlMessage message, ChildProcess server, ChildProcess loadgen, ProcessSnapshot serverIdle)
            throws ChildException, InterruptedException {
        CellResultBuilder result = prepared.result;
        if (message instanceof ControlMessage.MemoryPoint) {
            ControlMessage.MemoryPoint point = (ControlMessage.MemoryPoint) message;
            if (point.afterWindow()) {
                windowOver.run();
            }
            result.memory().read(point, gc -> askStats(server, gc), serverIdle);
            loadgen.send(new ControlMessage.Next());
        } else if (message instanceof ControlMessage.Phase) {
            String phase = ((ControlMessage.Phase) message).phase();
            phaseListener.onPhase(prepared.cell, phase, server.pid());
            if (phase.equals(ControlMessage.Phase.MEASURE)) {
                result.serverMeasureStart(askStats(server, false).process());
                readProxy(result::proxyMeasureStart);
            } else if (phase.equals(ControlMessage.Phase.DRAIN)) {
                result.serverMeasureEnd(askStats(server, false).process());
                readProxy(result::proxyMeasureEnd);
            }
        }
    }

    private static ChildException serverGone(ChildProcess server) {
        return new ChildException("server exited during the load (" + (server.isAlive() ? "not answering" : "process gone")
                + "); see server.log");
    }

    private static ControlMessage.Stats askStats(ChildProcess server, boolean gc) throws ChildException, InterruptedException {
        return server.ask(new ControlMessage.GetStats(gc), ControlMessage.Stats.class, ASK_TIMEOUT);
    }
}
