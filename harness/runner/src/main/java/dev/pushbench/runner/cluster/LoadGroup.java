package dev.pushbench.runner.cluster;

import dev.pushbench.model.control.ControlChannel.MessageHandler;
import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.run.Child;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * Several load agents' load generators shown to the cell as one: what the runner sends goes to each;
 * what they say is joined before the runner sees it. A phase begins when every agent has reached it, a
 * memory point is taken once every agent holds its share there (so the agents ramp, warm up and measure
 * in step), progress is summed, interval histograms go to the {@link AgentMerge} that writes the cell's
 * {@code latency.hlog}, and the result is the agents' results merged, once every one has come.
 *
 * <pre>
 *   LoadGroup group = new LoadGroup(List.of(load1, load2), merge, results -&gt; shares(results));
 *   group.send(new ControlMessage.Ramp());
 *   LoadResult cell = group.await(ControlMessage.Result.class, budget, m -&gt; { }).result();
 * </pre>
 *
 * <p>Any member's load generator exiting, or its agent leaving the cluster, fails the wait with a
 * {@link ChildException} naming the agent.
 */
public final class LoadGroup implements Child {
    /** Called once every agent's result has come, before the merged one is handed on. */
    @FunctionalInterface
    public interface Finisher {
        void finish(Map<String, LoadResult> byAgent) throws ChildException, InterruptedException;
    }

    private final List<RemoteChild> members;
    private final AgentMerge merge;
    private final Finisher finisher;
    /** Joined messages ready for the runner. */
    private final Queue<ControlMessage> ready = new ArrayDeque<>();
    private final Map<String, Integer> phases = new HashMap<>();
    private final Map<String, Long> phaseLive = new HashMap<>();
    private final Map<String, ControlMessage.MemoryPoint> points = new LinkedHashMap<>();
    private final Map<String, ControlMessage.Progress> progress = new LinkedHashMap<>();
    private final Map<String, LoadResult> results = new LinkedHashMap<>();
    private int readies;

    public LoadGroup(List<RemoteChild> members, AgentMerge merge, Finisher finisher) {
        this.members = List.copyOf(members);
        this.merge = merge;
        this.finisher = finisher;
    }

    public List<RemoteChild> members() {
        return members;
    }

    @Override
    public String role() {
        return "loadgen";
    }

    @Override
    public long pid() {
        return members.get(0).pid();
    }

    @Override
    public boolean isAlive() {
        return members.stream().allMatch(RemoteChild::isAlive);
    }

    @Override
    public void send(ControlMessage message) throws ChildException {
        for (RemoteChild m : members) {
            m.send(message);
        }
    }

    @Override
    public <T extends ControlMessage, E extends Exception> T await(Class<T> type, Duration timeout, MessageHandler<E> others)
            throws ChildException, InterruptedException, E {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            ControlMessage joined = ready.poll();
            if (joined != null) {
                if (type.isInstance(joined)) {
                    return type.cast(joined);
                }
                others.accept(joined);
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new ChildException("the load agents did not all report '" + ControlCodec.typeName(type) + "' within "
                        + timeout.toSeconds() + " s (waiting for " + waitingFor(type) + ")");
            }
            boolean any = false;
            for (RemoteChild m : members) {
                Object next = m.poll(Duration.ZERO);
                if (next != null) {
                    any = true;
                    take(m, next);
                }
            }
            if (!any) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
    }

    /** Which agents have not sent the awaited message yet, for a timeout's reason. */
    private String waitingFor(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (RemoteChild m : members) {
            boolean done = type == ControlMessage.Result.class ? results.containsKey(m.agent().name())
                    : type == ControlMessage.MemoryPoint.class && points.containsKey(m.agent().name());
            if (!done) {
                names.add(m.agent().name());
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private void take(RemoteChild member, Object next) throws ChildException, InterruptedException {
        String agent = member.agent().name();
        if (next instanceof RemoteChild.Exited e) {
            if (results.containsKey(agent)) {
                return; // its result was its last word: it has nothing more to say
            }
            throw new ChildException(member.where() + " exited during the cell: " + e.detail());
        }
        ControlMessage m = (ControlMessage) next;
        int n = members.size();
        if (m instanceof ControlMessage.Interval i) {
            merge.interval(i);
        } else if (m instanceof ControlMessage.Ready) {
            if (++readies == n) {
                ready.add(m);
            }
        } else if (m instanceof ControlMessage.Phase p) {
            int count = phases.merge(p.phase(), 1, Integer::sum);
            long live = phaseLive.merge(p.phase(), p.live(), Long::sum);
            if (count == n) {
                ready.add(new ControlMessage.Phase(p.phase(), p.nanoTime(), live));
            }
        } else if (m instanceof ControlMessage.MemoryPoint p) {
            points.put(agent, p);
            if (points.size() == n) {
                long connections = 0;
                List<ProcessSnapshot> readings = new ArrayList<>();
                for (ControlMessage.MemoryPoint each : points.values()) {
                    connections += each.connections();
                    readings.add(each.process());
                }
                ready.add(new ControlMessage.MemoryPoint(connections, LoadResultSum.snapshot(readings), p.sweep()));
                points.clear();
            }
        } else if (m instanceof ControlMessage.Progress p) {
            progress.put(agent, p);
            if (progress.size() == n) {
                long live = 0;
                long connected = 0;
                long failures = 0;
                long events = 0;
                double p99 = 0;
                for (ControlMessage.Progress each : progress.values()) {
                    live += each.live();
                    connected += each.connected();
                    failures += each.connectFailures();
                    events += each.eventsInInterval();
                    p99 = Math.max(p99, each.p99Micros());
                }
                ready.add(new ControlMessage.Progress(p.phase(), live, connected, failures, events, p99));
                progress.clear();
            }
        } else if (m instanceof ControlMessage.Result r) {
            results.put(agent, r.result());
            if (results.size() == n) {
                finisher.finish(results);
                ready.add(new ControlMessage.Result(merge.result(results)));
            }
        } else {
            ready.add(m);
        }
    }

    @Override
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean all = true;
        for (RemoteChild m : members) {
            all &= m.awaitExit(timeout);
        }
        return all;
    }

    @Override
    public void close() {
        for (RemoteChild m : members) {
            m.close();
        }
    }

    @Override
    public void kill() {
        for (RemoteChild m : members) {
            m.kill();
        }
    }
}
