package dev.pushbench.runner.run;

import dev.pushbench.core.Schedule;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.runner.link.RelayProcess;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.scenario.FaultPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies a scenario's faults to one cell during its measured window, on its own thread, at the planned
 * times counted from the window's start: a cut or a blackhole through the relay, a restart of the server,
 * a reload of the proxy. Each applied fault is recorded in the cell's result with the moment it took
 * effect, and the load generator is told ({@link ControlMessage.Faulted}) which of its connections were
 * hit, so it can time their detection and resume from that moment.
 *
 * <pre>
 *   FaultInjector faults = new FaultInjector(plans, window, processes, restarter, result);
 *   faults.start(measureStartNanos);   // at the measure phase
 *   ...
 *   faults.close();                    // at the window's end, or when the cell fails
 * </pre>
 *
 * <p>A fault that cannot be applied (the relay or the proxy gone, a restart that did not come up) ends the
 * cell with the reason, as the server going away does: {@link #failure()} holds it.
 */
final class FaultInjector implements AutoCloseable {
    /** The longest a fault may take to apply: a restart's stop, its JVM start and the new server's first answer. */
    static final Duration RESTART_TIMEOUT = Duration.ofSeconds(90);

    /** Starts a new server on the old one's port with the old one's t0, once the old one has exited. */
    interface Restarter {
        /** @return the new server, listening */
        ChildProcess restart() throws Exception;
    }

    /** One fault at its time. */
    private record Planned(Duration at, FaultPlan plan) {
    }

    private final List<Planned> planned = new ArrayList<>();
    private final CellProcesses processes;
    private final Restarter restarter;
    private final CellResultBuilder result;
    private final Outage outage;
    private final Duration window;
    private volatile Thread thread;
    /** Set when the window is over: no fault starts after it; one being applied (a restart) finishes. */
    private volatile boolean closed;
    private volatile Exception failure;
    /** Set while a restart has the server down: the measurement must not take that for the server's death. */
    private volatile boolean restarting;

    /**
     * @param window      the measured window's length: faults are planned inside it
     * @param schedule    the feed's, to count the events a restart kept from being published
     * @param connections subscribers, spread round-robin over the topics
     */
    FaultInjector(List<FaultPlan> plans, Duration window, CellProcesses processes, Restarter restarter,
                  CellResultBuilder result, Schedule schedule, int connections) {
        for (FaultPlan plan : plans) {
            for (Duration at : plan.times(window)) {
                planned.add(new Planned(at, plan));
            }
        }
        planned.sort(Comparator.comparing(Planned::at));
        this.processes = processes;
        this.restarter = restarter;
        this.result = result;
        this.window = window;
        this.outage = new Outage(schedule, connections);
    }

    /** What restarts cost: the events never published, the servers' subscribe counts. */
    Outage outage() {
        return outage;
    }

    boolean isEmpty() {
        return planned.isEmpty();
    }

    /** Starts applying faults, their times counted from {@code windowStartNanos}. */
    void start(long windowStartNanos) {
        if (planned.isEmpty() || thread != null) {
            return;
        }
        outage.window(windowStartNanos, windowStartNanos + window.toNanos());
        Thread t = new Thread(() -> run(windowStartNanos), "pushbench-faults");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The reason a fault could not be applied, or null. */
    Exception failure() {
        return failure;
    }

    /** True while a restart has the server down. */
    boolean restarting() {
        return restarting;
    }

    private void run(long windowStartNanos) {
        int next = 0;
        try {
            for (; next < planned.size(); next++) {
                Planned p = planned.get(next);
                long due = windowStartNanos + p.at().toNanos();
                for (long wait = due - System.nanoTime(); wait > 0 && !closed; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                if (closed) {
                    break;
                }
                apply(p, windowStartNanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            next++;
        }
        // what the window's end (or a failure) left unapplied is said, not dropped
        for (; next < planned.size(); next++) {
            Planned p = planned.get(next);
            result.fault(new CellResult.Fault(p.plan().type().id(), p.plan().mode() == null ? null : p.plan().mode().id(),
                    p.at().toNanos() / 1e9, null, null, null, failure != null
                            ? "not applied: an earlier fault failed (" + failure.getMessage() + ")"
                            : "not applied: the window ended first (the fault before it was still being applied)"));
        }
    }

    private void apply(Planned p, long windowStartNanos) throws Exception {
        FaultPlan plan = p.plan();
        double plannedSeconds = p.at().toNanos() / 1e9;
        switch (plan.type()) {
            case CUT, BLACKHOLE -> {
                RelayProcess relay = processes.relay();
                if (relay == null || !relay.isAlive()) {
                    throw new ChildException("the relay is gone: the " + plan.type().id() + " fault at "
                            + plannedSeconds + " s could not be applied; see relay.log");
                }
                ControlMessage.FaultApplied applied = relay.apply(new ControlMessage.ApplyFault(plan.type().id(),
                        plan.mode() == null ? null : plan.mode().id(), plan.share(), plan.duration().toNanos()));
                String kind = plan.mode() == null ? plan.type().id() : plan.type().id() + "-" + plan.mode().id();
                processes.loadgen.send(new ControlMessage.Faulted(kind, applied.atNanos(), applied.clientPorts()));
                result.fault(new CellResult.Fault(plan.type().id(), plan.mode() == null ? null : plan.mode().id(),
                        plannedSeconds, applied.atNanos(), (long) applied.clientPorts().size(), null,
                        "of " + applied.liveConnections() + " passing bytes at the relay"));
            }
            case RESTART -> restart(plan, plannedSeconds);
            case PROXY_RELOAD -> {
                ProxyProcess proxy = processes.proxy();
                if (proxy == null) {
                    return; // a direct cell of a matrix that also has proxied ones: nothing to reload
                }
                int before = proxy.read().processes();
                long at = proxy.reload();
                processes.loadgen.send(new ControlMessage.Faulted(plan.type().id(), at, null));
                Thread.sleep(1000);
                int after = proxy.isAlive() ? proxy.read().processes() : 0;
                result.fault(new CellResult.Fault(plan.type().id(), null, plannedSeconds, at, null, null,
                        proxy.kind().id() + " reloaded (" + proxy.reloadSignal() + "): " + before + " processes before, "
                                + after + " one second after (old workers still draining count)"));
            }
        }
    }

    private void restart(FaultPlan plan, double plannedSeconds) throws Exception {
        Child old = processes.server();
        outage.beforeStop(old);
        restarting = true;
        long stopAt = System.nanoTime();
        try {
            processes.loadgen.send(new ControlMessage.Faulted(plan.type().id(), stopAt, null));
            // it stops its feed, says what it published, then closes its connections and exits
            long publishedByOld = old.ask(new ControlMessage.Stop(), ControlMessage.Stats.class,
                    CellMeasurement.ASK_TIMEOUT).published();
            old.close();
            if (!old.awaitExit(Duration.ofSeconds(15))) {
                old.kill();
                old.awaitExit(Duration.ofSeconds(5));
            }
            if (!plan.down().isZero()) {
                Thread.sleep(plan.down().toMillis());
            }
            ChildProcess restarted = restarter.restart();
            long upAt = System.nanoTime();
            processes.replaceServer(restarted);
            result.serverRestarted();
            long lost = outage.afterStart(restarted, publishedByOld);
            result.fault(new CellResult.Fault(plan.type().id(), null, plannedSeconds, stopAt, null,
                    Math.round((upAt - stopAt) / 1e4) / 100.0,
                    "the server (PID " + old.pid() + ") stopped; a new one (PID " + restarted.pid() + ") listened "
                            + TimeUnit.NANOSECONDS.toMillis(upAt - stopAt) + " ms later on the same port with the same"
                            + " schedule; " + lost + " events (× their subscribers) fell due while none was publishing"));
        } finally {
            restarting = false;
        }
    }

    /** Starts no more faults (the window is over, or the cell ended); one being applied finishes. */
    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Waits until the fault being applied, if any, has finished and the unapplied ones are recorded. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        close();
        Thread t = thread;
        if (t != null) {
            t.join(timeout.toMillis());
        }
    }

    /**
     * The events a restart kept from ever being published, within the measured window, times the subscribers
     * owed each (spread round-robin over topics), summed over restarts; and the servers' subscribe counts per
     * second, kept across restarts for the reconnect peak.
     */
    static final class Outage {
        private final Schedule schedule;
        private final int connections;
        private volatile long windowStartNanos;
        private volatile long windowEndNanos;
        private long lost;
        private final List<ControlMessage.SubscribeRates> rates = new ArrayList<>();

        Outage(Schedule schedule, int connections) {
            this.schedule = schedule;
            this.connections = connections;
        }

        void window(long startNanos, long endNanos) {
            windowStartNanos = startNanos;
            windowEndNanos = endNanos;
        }

        /** Reads the old server's subscribe counts before it stops: they go with it. */
        void beforeStop(Child server) throws ChildException, InterruptedException {
            synchronized (this) {
                rates.add(server.ask(new ControlMessage.GetSubscribeRates(), ControlMessage.SubscribeRates.class,
                        CellMeasurement.ASK_TIMEOUT));
            }
        }

        /**
         * The new server publishes from the first event due after its feed started: from how many it has published
         * by now, the first it published is known exactly; the old one said how many it published before it stopped.
         * The events between were never published.
         *
         * @param publishedByOld the old server's published count once its feed had stopped
         * @return the events (not yet times subscribers) this restart lost, within the window
         */
        long afterStart(Child server, long publishedByOld) throws ChildException, InterruptedException {
            ControlMessage.Stats stats = server.ask(new ControlMessage.GetStats(false), ControlMessage.Stats.class,
                    CellMeasurement.ASK_TIMEOUT);
            long firstPublished = dueBetween(schedule.t0Nanos(), stats.nanoTime()) - stats.published();
            int topics = schedule.topics();
            long lostEvents = 0;
            long lostOwed = 0;
            // events are published in the order of their due times, seq by seq and topic by topic within a seq
            for (long k = publishedByOld; k < firstPublished; k++) {
                int topic = (int) (k % topics);
                long due = schedule.intendedNanos(topic, k / topics + 1);
                if (due >= windowStartNanos && due < windowEndNanos) {
                    lostEvents++;
                    lostOwed += subscribersOf(topic);
                }
            }
            synchronized (this) {
                lost += lostOwed;
            }
            return lostEvents;
        }

        /** Events owed to subscribers that a restart kept from being published. */
        synchronized long lost() {
            return lost;
        }

        /** The server's subscribe counts per second: the servers before restarts, then {@code last}. */
        synchronized List<ControlMessage.SubscribeRates> rates(ControlMessage.SubscribeRates last) {
            List<ControlMessage.SubscribeRates> all = new ArrayList<>(rates);
            if (last != null) {
                all.add(last);
            }
            return all;
        }

        private long subscribersOf(int topic) {
            int topics = schedule.topics();
            return connections / topics + (topic < connections % topics ? 1 : 0);
        }

        /** Events of all topics due in [from, to). */
        private long dueBetween(long from, long to) {
            long count = 0;
            for (int topic = 0; topic < schedule.topics(); topic++) {
                count += Math.max(0, firstSeqAtOrAfter(topic, to) - firstSeqAtOrAfter(topic, from));
            }
            return count;
        }

        /** The first seq (from 1) of {@code topic} due at or after {@code nanos}. */
        private long firstSeqAtOrAfter(int topic, long nanos) {
            long base = schedule.intendedNanos(topic, 1);
            if (nanos <= base) {
                return 1;
            }
            double period = 1e9 / schedule.ratePerSecond();
            long seq = 1 + (long) Math.floor((nanos - base) / period);
            while (schedule.intendedNanos(topic, seq) < nanos) {
                seq++;
            }
            while (seq > 1 && schedule.intendedNanos(topic, seq - 1) >= nanos) {
                seq--;
            }
            return seq;
        }

    }
}
