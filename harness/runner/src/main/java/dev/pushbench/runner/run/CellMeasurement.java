package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.link.RelayProcess;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.time.Duration;

/**
 * Measures one prepared cell: reads the server at idle, lets the load generator ramp, reads the
 * server at the window's edges as the load generator's phases say, reads both at each memory point
 * (the ramp's pauses and the steps down after the window) through the {@link MemorySweep}, takes the load generator's result and reads the server a last
 * time. Everything goes into the cell's {@link CellResultBuilder}. A cell with faults has them applied from
 * the window's start ({@link FaultInjector}); a server a restart replaced is read from then on.
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
    /** When the measured window began, on the shared clock; 0 before. */
    private volatile long measureStartNanos;

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
        CellProcesses processes = prepared.processes;
        FaultInjector faults = prepared.faults;
        try (Child loadgen = processes.loadgen; FaultInjector ignored = faults) {
            Child first = processes.server();
            if (!first.isAlive() || !loadgen.isAlive()) {
                throw new ChildException((first.isAlive() ? "load generator" : "server") + " exited while waiting for its cell; see "
                        + (first.isAlive() ? "loadgen.log" : "server.log"));
            }
            ProcessSnapshot idle = askStats(first, true).process();
            result.serverIdle(idle);
            readPath(Reading.IDLE);
            loadgen.send(new ControlMessage.Ramp());
            LoadResult load = loadgen.await(ControlMessage.Result.class, loadBudget, message -> {
                checkAlive(faults);
                progress.onMessage(message);
                try {
                    onLoadMessage(message, loadgen, idle);
                } catch (ChildException e) {
                    if (faults != null && faults.restarting()) {
                        throw e;
                    }
                    throw serverGone(processes.server());
                }
            }).result();
            result.load(load);
            if (faults != null) {
                faults.awaitEnd(FaultInjector.RESTART_TIMEOUT);
            }
            checkAlive(faults);
            Child server = processes.server();
            result.serverEnd(askStats(server, false));
            if (faults != null) {
                serverResilience(faults, server);
            }
            result.ok();
            result.checkValidity();
        } finally {
            processes.server().close();
            ProxyProcess proxy = processes.proxy();
            if (proxy != null) {
                proxy.close();
            }
            RelayProcess relay = processes.relay();
            if (relay != null) {
                relay.close();
            }
        }
    }

    /** The server, the proxy and the relay are still there (a server being restarted is let be); a failed fault ends the cell. */
    private void checkAlive(FaultInjector faults) throws ChildException {
        if (faults != null && faults.failure() != null) {
            Exception e = faults.failure();
            throw new ChildException("a fault could not be applied: " + e.getMessage());
        }
        Child server = prepared.processes.server();
        if (!server.isAlive() && (faults == null || !faults.restarting())) {
            throw serverGone(server);
        }
        ProxyProcess proxy = prepared.processes.proxy();
        if (proxy != null && !proxy.isAlive()) {
            throw proxyGone(proxy);
        }
        RelayProcess relay = prepared.processes.relay();
        if (relay != null && !relay.isAlive()) {
            throw new ChildException("the relay (PID " + relay.pid() + ") exited during the cell; see relay.log");
        }
    }

    /**
     * The server's side of resilience: the most subscriptions begun in one second from the window's start on
     * (every server of the cell, a restart's too, on one time line from the feed's t0), and the events restarts
     * kept from being published.
     */
    private void serverResilience(FaultInjector faults, Child server) throws ChildException, InterruptedException {
        ControlMessage.SubscribeRates last = server.ask(new ControlMessage.GetSubscribeRates(),
                ControlMessage.SubscribeRates.class, ASK_TIMEOUT);
        java.util.List<ControlMessage.SubscribeRates> all = faults.outage().rates(last);
        long[] perSecond = new long[all.stream().mapToInt(r -> r.perSecond().size()).max().orElse(0)];
        for (ControlMessage.SubscribeRates r : all) {
            for (int i = 0; i < r.perSecond().size(); i++) {
                perSecond[i] += r.perSecond().get(i);
            }
        }
        long from = Math.max(0, (long) Math.ceil((measureStartNanos - last.t0Nanos()) / 1e9));
        long peak = 0;
        for (long i = from; i < perSecond.length; i++) {
            peak = Math.max(peak, perSecond[(int) i]);
        }
        result().serverResilience(peak, faults.outage().lost());
    }

    private CellResultBuilder result() {
        return prepared.result;
    }

    /** Which reading of the processes on the way (the proxy's, the relay's) is taken. */
    private enum Reading { IDLE, MEASURE_START, MEASURE_END }

    /** Reads the proxy's and the relay's processes, those the cell has; one that is gone fails the cell. */
    private void readPath(Reading which) throws ChildException {
        ProxyProcess proxy = prepared.processes.proxy();
        if (proxy != null) {
            if (!proxy.isAlive()) {
                throw proxyGone(proxy);
            }
            into(prepared.result.proxy, which, proxy.read());
        }
        RelayProcess relay = prepared.processes.relay();
        if (relay != null) {
            if (!relay.isAlive()) {
                throw new ChildException("the relay (PID " + relay.pid() + ") exited during the cell; see relay.log");
            }
            into(prepared.result.relay, which, relay.read());
        }
    }

    private static void into(PathProcess process, Reading which, ProxyProcess.Reading reading) {
        switch (which) {
            case IDLE -> process.idle(reading);
            case MEASURE_START -> process.measureStart(reading);
            case MEASURE_END -> process.measureEnd(reading);
        }
    }

    private static ChildException proxyGone(ProxyProcess proxy) {
        return new ChildException("the proxy (PID " + proxy.pid() + ") exited during the cell; see proxy.log");
    }

    private void onLoadMessage(ControlMessage message, Child loadgen, ProcessSnapshot serverIdle)
            throws ChildException, InterruptedException {
        CellResultBuilder result = prepared.result;
        if (message instanceof ControlMessage.MemoryPoint) {
            ControlMessage.MemoryPoint point = (ControlMessage.MemoryPoint) message;
            if (point.afterWindow()) {
                windowOver.run();
                if (prepared.faults != null) {
                    prepared.faults.close();
                }
            }
            Child server = prepared.processes.server();
            result.memory().read(point, gc -> askStats(server, gc), serverIdle);
            loadgen.send(new ControlMessage.Next());
        } else if (message instanceof ControlMessage.Phase) {
            ControlMessage.Phase phase = (ControlMessage.Phase) message;
            Child server = prepared.processes.server();
            phaseListener.onPhase(prepared.cell, phase.phase(), server.pid());
            if (phase.phase().equals(ControlMessage.Phase.MEASURE)) {
                measureStartNanos = phase.nanoTime();
                result.serverMeasureStart(askStats(server, false).process());
                readPath(Reading.MEASURE_START);
                if (prepared.faults != null) {
                    prepared.faults.start(phase.nanoTime());
                }
            } else if (phase.phase().equals(ControlMessage.Phase.DRAIN)) {
                if (prepared.faults != null) {
                    prepared.faults.close();
                }
                if (!(prepared.faults != null && prepared.faults.restarting())) {
                    result.serverMeasureEnd(askStats(server, false).process());
                }
                readPath(Reading.MEASURE_END);
            }
        }
    }

    private static ChildException serverGone(Child server) {
        return new ChildException("server exited during the load (" + (server.isAlive() ? "not answering" : "process gone")
                + "); see server.log");
    }

    private static ControlMessage.Stats askStats(Child server, boolean gc) throws ChildException, InterruptedException {
        return server.ask(new ControlMessage.GetStats(gc), ControlMessage.Stats.class, ASK_TIMEOUT);
    }

}
