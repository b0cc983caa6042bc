package dev.pushbench.runner.cluster;

import dev.pushbench.loadgen.Recorders.Metric;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramCodec;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Several load agents' measurements of one cell added into the cell's: the interval histograms they stream
 * ({@link ControlMessage.Interval}) into the cell's {@code latency.hlog} and into running totals, and, once their
 * results came, the cell's {@link LoadResult} with every percentile taken from the histograms added, never from the
 * agents' percentiles.
 *
 * <pre>
 *   AgentMerge merge = new AgentMerge(List.of("load-1", "load-2"), cellDir.resolve("latency.hlog"));
 *   merge.interval(message);                                  // any thread, as each agent's intervals come
 *   LoadResult cell = merge.result(byAgent);                  // once every agent's result came
 *   CellResult.AgentShare share = merge.share("load-1", host, 9_500, byAgent.get("load-1"), clock);
 *   List&lt;String&gt; problems = merge.problems(byAgent);          // streamed totals against each agent's own
 *   merge.close();                                            // writes what is left of the merged intervals
 * </pre>
 *
 * <p>The log: a header as the load generator writes its own (comment, format version, start and base time: this
 * object's creation, so make it before the load starts; legend), then every agent's interval {@code k} of metric
 * {@code m} under the tag {@code m@agent} as it arrives, and the merged interval {@code k} of {@code m}, the sum of
 * every agent's interval {@code k} of {@code m} (earliest start, latest end), under the plain tag {@code m}, so a
 * reader of the plain tags sees one load generator. A load generator sends an interval's metrics one after the other
 * and leaves empty ones out, so an agent is known to be done with interval {@code k} once it has sent anything of a
 * later interval; the merged interval {@code k} is written when every agent is, and at {@link #close} for what is
 * left (an agent that stopped sending holds the merge back until then).
 *
 * <p>An interval that cannot be taken (from an agent not named at creation, a tag not a metric's, a histogram that
 * does not decode, one already taken, one after {@link #close}) is left out and said in {@link #problems}; so is one
 * arriving after its interval was merged (out of order), which is still counted and written, its merged line alone.
 *
 * <p>The log is flushed after each interval taken. Thread-safe: every method holds this object's lock.
 */
public final class AgentMerge implements AutoCloseable {
    private static final Pattern AGENT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    /** A metric's tag as the load generator writes it: no spaces or commas, which would break a log line. */
    private static final Pattern METRIC_TAG = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final int SIGNIFICANT_DIGITS = 3;

    private final List<String> agents;
    private final Map<String, Streamed> streamed = new LinkedHashMap<>();
    /** Every agent's histograms added, by metric tag. */
    private final Map<String, Histogram> merged = new LinkedHashMap<>();
    /**
     * Intervals not merged yet, by seq, then tag: the agents' histograms as they came, still encoded (a few hundred
     * bytes each, where a decoded one of the generator's range holds some 200 KB of counts).
     */
    private final TreeMap<Long, Map<String, List<Part>>> pending = new TreeMap<>();
    /** Intervals below this one are merged. */
    private long nextMergeSeq;
    private final List<String> arrivalProblems = new ArrayList<>();
    private final Path hlogFile;
    private final PrintStream out;
    private final HistogramLogWriter log;
    private boolean closed;

    /** One agent's streamed intervals: how far it got, how many histograms, and their totals by tag. */
    private static final class Streamed {
        long highestSeq = -1;
        long histograms;
        final Map<String, Histogram> totals = new LinkedHashMap<>();
        final Set<String> taken = new HashSet<>();
    }

    private record Part(String histogram, long startMillis, long endMillis) {
    }

    /**
     * Creates {@code hlogFile} (and its directory) and writes the log's header.
     *
     * @param agents the load agents whose intervals will come, by name ({@code [a-z0-9][a-z0-9._-]{0,39}}, distinct)
     * @throws IllegalArgumentException when {@code agents} is empty, holds a name twice or a name not of that form
     */
    public AgentMerge(List<String> agents, Path hlogFile) throws IOException {
        if (agents == null || agents.isEmpty()) {
            throw new IllegalArgumentException("agents must name at least one load agent, got " + agents);
        }
        for (String agent : agents) {
            if (agent == null || !AGENT_NAME.matcher(agent).matches()) {
                throw new IllegalArgumentException("agent name must match " + AGENT_NAME.pattern() + ", got '" + agent + "'");
            }
            if (streamed.put(agent, new Streamed()) != null) {
                throw new IllegalArgumentException("agents must be distinct, got '" + agent + "' twice in " + agents);
            }
        }
        this.agents = List.copyOf(agents);
        this.hlogFile = hlogFile;
        Path dir = hlogFile.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        this.out = new PrintStream(Files.newOutputStream(hlogFile), false, StandardCharsets.UTF_8);
        this.log = new HistogramLogWriter(out);
        long startMillis = System.currentTimeMillis();
        log.outputComment("pushbench cluster: values in nanoseconds; tags: <metric>@<agent> as each load agent streamed"
                + " it, <metric> merged over the agents " + String.join(", ", this.agents));
        log.outputLogFormatVersion();
        log.outputStartTime(startMillis);
        log.setBaseTime(startMillis);
        log.outputBaseTime(startMillis);
        log.outputLegend();
    }

    /** Takes one agent's interval histogram: into the log under {@code metric@agent}, into the totals, into the merge. */
    public synchronized void interval(ControlMessage.Interval message) {
        if (closed) {
            arrivalProblems.add("an interval (" + describe(message) + ") came after the merge was closed: left out");
            return;
        }
        Streamed agent = message.agent() == null ? null : streamed.get(message.agent());
        if (agent == null) {
            arrivalProblems.add("an interval from '" + message.agent() + "', not one of the load agents " + agents
                    + ": left out");
            return;
        }
        if (message.tag() == null || !METRIC_TAG.matcher(message.tag()).matches() || message.seq() < 0) {
            arrivalProblems.add(message.agent() + " sent an interval with tag '" + message.tag() + "' and seq "
                    + message.seq() + ": a tag must match " + METRIC_TAG.pattern() + " and seq be 0 or more; left out");
            return;
        }
        Histogram h;
        try {
            h = HistogramCodec.decode(message.histogram());
        } catch (IllegalArgumentException | NullPointerException e) {
            arrivalProblems.add(message.agent() + "'s interval " + message.seq() + " of " + message.tag()
                    + " does not decode (" + e.getMessage() + "): left out");
            return;
        }
        if (!agent.taken.add(message.seq() + "/" + message.tag())) {
            arrivalProblems.add(message.agent() + " sent interval " + message.seq() + " of " + message.tag()
                    + " twice: the second left out");
            return;
        }
        agent.totals.computeIfAbsent(message.tag(), t -> emptyLike(h)).add(h);
        merged.computeIfAbsent(message.tag(), t -> emptyLike(h)).add(h);
        agent.histograms++;
        agent.highestSeq = Math.max(agent.highestSeq, message.seq());
        write(h, message.tag() + "@" + message.agent(), message.startMillis(), message.endMillis());

        if (message.seq() < nextMergeSeq) {
            arrivalProblems.add(message.agent() + "'s interval " + message.seq() + " of " + message.tag()
                    + " came after that interval was merged: written as a merged line of its own");
            write(h, message.tag(), message.startMillis(), message.endMillis());
        } else {
            pending.computeIfAbsent(message.seq(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(message.tag(), t -> new ArrayList<>())
                    .add(new Part(message.histogram(), message.startMillis(), message.endMillis()));
        }
        long everyAgentPast = Long.MAX_VALUE;
        for (Streamed s : streamed.values()) {
            everyAgentPast = Math.min(everyAgentPast, s.highestSeq);
        }
        writeMergedBelow(everyAgentPast);
        out.flush(); // a reader may follow the log while the cell runs
    }

    /** Writes the merged intervals below {@code seq}: every agent has sent something of a later one. */
    private void writeMergedBelow(long seq) {
        while (!pending.isEmpty() && pending.firstKey() < seq) {
            pending.pollFirstEntry().getValue().forEach(this::writeMerged);
        }
        nextMergeSeq = Math.max(nextMergeSeq, seq);
    }

    private void writeMerged(String tag, List<Part> parts) {
        Histogram sum = null;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (Part p : parts) {
            Histogram h = HistogramCodec.decode(p.histogram()); // decoded once already when it came
            if (sum == null) {
                sum = emptyLike(h);
            }
            sum.add(h);
            start = Math.min(start, p.startMillis());
            end = Math.max(end, p.endMillis());
        }
        if (sum != null) {
            write(sum, tag, start, end);
        }
    }

    private void write(Histogram h, String tag, long startMillis, long endMillis) {
        h.setTag(tag);
        h.setStartTimeStamp(startMillis);
        h.setEndTimeStamp(endMillis);
        log.outputIntervalHistogram(h);
    }

    private static Histogram emptyLike(Histogram h) {
        Histogram empty = new Histogram(h.getLowestDiscernibleValue(), h.getHighestTrackableValue(),
                h.getNumberOfSignificantValueDigits());
        empty.setAutoResize(true); // another agent's histograms may reach higher
        return empty;
    }

    /**
     * The cell's load figures from every agent's: counts summed, percentiles from the merged histograms (see
     * {@link LoadResultSum}). The window's edges are taken as each agent reported them, on its own clock: on one host
     * that is the server's; across hosts use {@link #result(Map, Map)}.
     *
     * @param byAgent every agent's result, by name; an agent left out is left out of the histograms too
     * @throws IllegalArgumentException when {@code byAgent} is empty, names an agent not given at creation, or holds a null
     */
    public LoadResult result(Map<String, LoadResult> byAgent) {
        return result(byAgent, Map.of());
    }

    /**
     * As {@link #result(Map)}, with each agent's window moved onto the serving agent's clock by its offset.
     *
     * @param serverOffsetNanos by agent: how far the serving agent's clock reads ahead of the agent's; absent: 0
     */
    public synchronized LoadResult result(Map<String, LoadResult> byAgent, Map<String, Long> serverOffsetNanos) {
        checkAgents(byAgent);
        return LoadResultSum.of(byAgent, metric -> HistogramSummary.ofNanos(addedUp(byAgent.keySet(), metric.tag())),
                serverOffsetNanos);
    }

    private void checkAgents(Map<String, LoadResult> byAgent) {
        if (byAgent == null || byAgent.isEmpty()) {
            throw new IllegalArgumentException("byAgent must hold at least one load agent's result, got " + byAgent);
        }
        byAgent.forEach((agent, r) -> {
            if (!streamed.containsKey(agent)) {
                throw new IllegalArgumentException("byAgent names '" + agent + "', not one of the load agents " + agents);
            }
            if (r == null) {
                throw new IllegalArgumentException("byAgent holds no result for '" + agent + "'");
            }
        });
    }

    /** The named agents' streamed histograms of {@code tag} added (empty when none came). */
    private Histogram addedUp(Iterable<String> names, String tag) {
        Histogram sum = null;
        for (String agent : names) {
            Histogram h = streamed.get(agent).totals.get(tag);
            if (h != null && sum == null) {
                sum = emptyLike(h);
            }
            if (h != null) {
                sum.add(h);
            }
        }
        return sum == null ? new Histogram(SIGNIFICANT_DIGITS) : sum;
    }

    /**
     * One agent's share of the cell: its own figures as its load generator reported them, its clock, and how many
     * interval histograms it streamed.
     *
     * @param own its load generator's result; null when none came (only the streamed count is then known)
     * @throws IllegalArgumentException when {@code agent} is not one given at creation
     */
    public synchronized CellResult.AgentShare share(String agent, String host, long subscribers, LoadResult own,
                                                    CellResult.AgentClock clock) {
        Streamed s = streamed.get(agent);
        if (s == null) {
            throw new IllegalArgumentException("agent '" + agent + "' is not one of the load agents " + agents);
        }
        return new CellResult.AgentShare(agent, host, subscribers, own == null ? null : own.delivery(),
                own == null ? null : own.latencyMicros(), own == null ? null : own.connections(),
                own == null ? null : own.loadgen(), own == null ? null : own.costs(), clock, s.histograms);
    }

    /**
     * What does not add up, one sentence each: an agent with no result; an agent whose streamed {@code latency},
     * {@code latency-actual} or {@code connect} values are not as many as its own result counts (an interval lost on
     * the way, or one the merge could not take); every interval left out or out of order; the log failing to write.
     * Empty when everything adds up.
     */
    public synchronized List<String> problems(Map<String, LoadResult> byAgent) {
        List<String> problems = new ArrayList<>();
        for (String agent : agents) {
            LoadResult own = byAgent == null ? null : byAgent.get(agent);
            if (own == null) {
                problems.add(agent + ": no result came");
                continue;
            }
            check(problems, agent, Metric.LATENCY, own.latencyMicros());
            check(problems, agent, Metric.LATENCY_ACTUAL, own.latencyActualMicros());
            check(problems, agent, Metric.CONNECT, own.connectMicros());
        }
        problems.addAll(arrivalProblems);
        if (out.checkError()) {
            problems.add(hlogFile + ": writing the merged interval log failed");
        }
        return problems;
    }

    private void check(List<String> problems, String agent, Metric metric, HistogramSummary own) {
        Histogram h = streamed.get(agent).totals.get(metric.tag());
        long streamedCount = h == null ? 0 : h.getTotalCount();
        long ownCount = own == null || own.count() == null ? 0 : own.count();
        if (streamedCount != ownCount) {
            problems.add(String.format(Locale.ROOT, "%s: its streamed %s intervals hold %,d values, its own result counts %,d",
                    agent, metric.tag(), streamedCount, ownCount));
        }
    }

    /** Every agent's streamed histograms of {@code metric} (a tag: {@code latency}, {@code connect}, …) added: a copy. */
    public synchronized Histogram total(String metric) {
        Histogram h = merged.get(metric);
        return h == null ? new Histogram(SIGNIFICANT_DIGITS) : h.copy();
    }

    /** One agent's streamed histograms of {@code metric} added: a copy. */
    public synchronized Histogram total(String agent, String metric) {
        Streamed s = streamed.get(agent);
        if (s == null) {
            throw new IllegalArgumentException("agent '" + agent + "' is not one of the load agents " + agents);
        }
        Histogram h = s.totals.get(metric);
        return h == null ? new Histogram(SIGNIFICANT_DIGITS) : h.copy();
    }

    /** Writes the merged intervals not written yet, whoever is missing from them, and closes the log. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        writeMergedBelow(Long.MAX_VALUE);
        closed = true;
        out.close();
    }

    private static String describe(ControlMessage.Interval m) {
        return m.agent() + ", seq " + m.seq() + ", " + m.tag();
    }
}
