package dev.pushbench.runner.run;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.runner.scenario.SearchSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One cell's capacity search: the largest value of the search's variable at which the cell meets its SLO. It
 * doubles from the start until a step fails (halving instead while the first steps fail), then bisects until the
 * lowest failing value is within the resolution above the highest passing one, and runs that passing value until
 * it has passed {@code confirm} times; one failure among them makes it the failing value and the search goes on
 * below. Every step is a whole cell run by the {@link StepRunner}: ramp, warm-up, window and drain on fresh JVMs.
 *
 * <pre>
 *   CapacitySearch.Outcome o = new CapacitySearch(spec, fileCap, (value, index) -> runStep(value, index),
 *           System::nanoTime).run();
 *   o.capacity().display();    // "4,800", "≥ 19,744 (limit: open files)", "≥ 6,000 (generator-bound)"
 * </pre>
 *
 * <p>A step is valid only if the load generator delivered its plan ({@link #generatorFault}): it opened every
 * subscriber, kept its own schedule, did not use most of the machine's CPU and did not stall. A step that is not
 * valid ends the search: the result is at least the highest value passed, {@code generator}-bound, never a capacity
 * figure, so that the generator's limit is never read as the server's. Reaching the open-file limit (subscribers),
 * {@code search.max} or the time budget ends it the same way, with its own bound.
 */
final class CapacitySearch {
    /** A step is not valid when the generator's own stalls' p99 exceeds this share of the SLO's p99. */
    static final double GENERATOR_STALL_SHARE = 0.10;
    /** While the first steps fail, halve at most this many times. */
    static final int MAX_HALVINGS = 4;

    /**
     * Runs one step: the cell at {@code value}, the {@code index}-th step of the search (from 1), and returns its result;
     * throws {@link Refused} when the scenario cannot be run at that value at all.
     */
    @FunctionalInterface
    interface StepRunner {
        Step run(double value, int index) throws IOException, InterruptedException, Refused;
    }

    /** The workload cannot run at a value (a rule between the scenario's keys, a heap too small for it): a limit. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    /**
     * One step's result as the search needs it.
     *
     * @param result the step's {@code summary.json}
     * @param dir    its directory, relative to the cell's
     * @param fatal  why the cell cannot be searched at all (a failed verify, a failed clock check), or null
     */
    record Step(CellResult result, String dir, String fatal) {
    }

    /**
     * The search's end.
     *
     * @param capacity the {@code capacity} block
     * @param point    the step whose figures the cell reports: the last run of the capacity value, or the first step
     *                 when none passed
     * @param fatal    why the cell failed outright, or null
     */
    record Outcome(CellResult.Capacity capacity, Step point, String fatal) {
    }

    private final SearchSpec spec;
    /** The most subscribers the open-file limit allows; {@link Double#MAX_VALUE} for the feed's variables. */
    private final double fileCap;
    private final StepRunner runner;
    private final LongSupplier clock;
    private final List<CellResult.CapacityStep> steps = new ArrayList<>();
    private final List<Step> runs = new ArrayList<>();
    private final java.util.Map<Double, Integer> passes = new java.util.HashMap<>();

    CapacitySearch(SearchSpec spec, double fileCap, StepRunner runner, LongSupplier nanoClock) {
        this.spec = spec;
        this.fileCap = fileCap;
        this.runner = runner;
        this.clock = nanoClock;
    }

    Outcome run() throws IOException, InterruptedException {
        long started = clock.getAsLong();
        boolean fileBound = fileCap < spec.max();
        double cap = round(Math.min(spec.max(), fileCap));
        Double lo = null;
        Double hi = null;
        int halvings = 0;
        double v = round(Math.min(spec.start(), cap));
        String boundBy;
        String note;
        while (true) {
            if (clock.getAsLong() - started >= spec.budget().toNanos()) {
                boundBy = "budget";
                note = "the search's budget of " + dev.pushbench.runner.scenario.ScenarioUnits.formatDuration(spec.budget())
                        + " ran out before it settled";
                break;
            }
            Step step;
            try {
                step = runner.run(v, runs.size() + 1);
            } catch (Refused e) {
                boundBy = "max";
                note = "the scenario cannot run at " + format(v) + ": " + e.getMessage();
                break;
            }
            if (step.fatal() != null) {
                record(v, step, false, false, step.fatal());
                return new Outcome(capacity(lo, "slo", hi, "the cell failed: " + step.fatal()), pointOf(lo), step.fatal());
            }
            String generator = generatorFault(step.result(), sloFailure(step.result()) != null);
            if (generator != null) {
                record(v, step, false, false, generator);
                boundBy = "generator";
                note = "the load generator could not deliver the plan at " + format(v) + ": " + generator;
                break;
            }
            String failure = sloFailure(step.result());
            record(v, step, failure == null, true, failure);
            if (failure == null) {
                passes.merge(v, 1, Integer::sum);
                lo = lo == null ? v : Math.max(lo, v);
                if (hi == null) {
                    if (v >= cap) {
                        boundBy = fileBound ? "fileLimit" : "max";
                        note = fileBound ? "the next step would pass the open-file limit (" + format(cap) + " subscribers"
                                + " with the files a process needs besides)" : "search.max (" + format(cap) + ") passed";
                        break;
                    }
                    v = round(Math.min(2 * v, cap));
                    continue;
                }
            } else {
                hi = hi == null ? v : Math.min(hi, v);
                if (v == (lo == null ? -1 : lo)) {
                    // a confirmation failed: the capacity is below it
                    lo = highestPassBelow(v);
                }
                if (lo == null) {
                    double half = round(v / 2);
                    if (halvings >= MAX_HALVINGS || half <= 0 || half == v) {
                        boundBy = "slo";
                        note = "fails the SLO at the lowest value tried, " + format(v) + ": " + failure;
                        break;
                    }
                    halvings++;
                    v = half;
                    continue;
                }
            }
            double mid = round((lo + hi) / 2);
            if ((hi - lo) / lo <= spec.resolution() || mid <= lo || mid >= hi) {
                if (passes.getOrDefault(lo, 0) >= spec.confirm()) {
                    boundBy = "slo";
                    note = format(lo) + " passed " + spec.confirm() + " of " + spec.confirm() + " runs; " + format(hi)
                            + " failed";
                    break;
                }
                v = lo; // confirm it
            } else {
                v = mid;
            }
        }
        return new Outcome(capacity(lo, boundBy, hi, note), pointOf(lo), null);
    }

    /** The highest value that passed below {@code v}, or null. */
    private Double highestPassBelow(double v) {
        Double best = null;
        for (CellResult.CapacityStep s : steps) {
            if (Boolean.TRUE.equals(s.passed()) && s.value() < v && (best == null || s.value() > best)) {
                best = s.value();
            }
        }
        return best;
    }

    /** The last run of the capacity value, or the first step when none passed. */
    private Step pointOf(Double lo) {
        if (lo != null) {
            for (int i = runs.size() - 1; i >= 0; i--) {
                CellResult.CapacityStep s = steps.get(i);
                if (s.value().equals(lo) && Boolean.TRUE.equals(s.passed())) {
                    return runs.get(i);
                }
            }
        }
        return runs.isEmpty() ? null : runs.get(0);
    }

    private CellResult.Capacity capacity(Double lo, String boundBy, Double hi, String note) {
        SearchSpec.Slo slo = spec.slo();
        double lowest = steps.stream().mapToDouble(CellResult.CapacityStep::value).min().orElse(spec.start());
        String display = lo == null ? switch (boundBy) {
            case "slo" -> "< " + format(lowest) + " (fails the SLO at the lowest value tried)";
            case "generator" -> "unknown (generator-bound at " + format(lowest) + ")";
            default -> "unknown (" + boundBy + " before a step passed)";
        } : switch (boundBy) {
            case "slo" -> format(lo);
            case "generator" -> "≥ " + format(lo) + " (generator-bound)";
            case "fileLimit" -> "≥ " + format(lo) + " (limit: open files)";
            case "max" -> "≥ " + format(lo) + " (search.max)";
            default -> "≥ " + format(lo) + " (budget ran out)";
        };
        Step point = pointOf(lo);
        return new CellResult.Capacity(spec.variable().key(), lo, boundBy, display,
                new CellResult.Slo(slo.p99().toNanos() / 1e3, slo.lost(), slo.serverCpuPercent()), spec.resolution(),
                lo == null ? null : passes.getOrDefault(lo, 0), hi, List.copyOf(steps),
                lo == null || point == null ? null : UnitCosts.of(spec.variable(), lo, point.result()), note);
    }

    private void record(double value, Step step, boolean passed, boolean valid, String reason) {
        CellResult r = step.result();
        HistogramSummary latency = r == null ? null : r.latencyMicros();
        CellResult.Loadgen g = r == null ? null : r.loadgen();
        CellResult.Delivery d = r == null ? null : r.delivery();
        Double perSecond = r == null ? null : UnitCosts.deliveredPerSecond(r);
        steps.add(new CellResult.CapacityStep(value, passed, valid, latency == null ? null : latency.p50(),
                latency == null ? null : latency.p99(), d == null ? null : d.lost(), g == null ? null : g.serverCpuPercent(),
                g == null ? null : g.cpuPercent(), g == null || g.delayMicros() == null ? null : g.delayMicros().p99(),
                g == null ? null : g.saturated(), perSecond, reason, step.dir()));
        runs.add(step);
    }

    /**
     * Why the load generator did not deliver this step's plan, or null when it did: a cell that failed because of
     * the generator itself, its CPU at the saturation rule's bound, its own sends in the window behind its plan (the
     * causes {@link Saturation} names for it; a ramp behind its plan is not one, it ends before the window), or its
     * own stalls, on a step that failed the SLO, when their p99 is above {@link #GENERATOR_STALL_SHARE} of the SLO's
     * p99 and the step's p99 less it would have met the SLO (an event read during a stall is timestamped late by it;
     * a step that passed despite them passed). The server's feed falling behind and the
     * two processes together using the machine are the server's part of a step, and a failing SLO shows them.
     */
    String generatorFault(CellResult r, boolean failing) {
        if (r.status() == CellStatus.FAILED) {
            String reason = r.reason() == null ? "" : r.reason();
            return reason.startsWith("load generator") || reason.contains("the load generator exited")
                    ? reason : null;
        }
        CellResult.Loadgen g = r.loadgen();
        if (g == null) {
            return null;
        }
        List<String> causes = new ArrayList<>();
        String because = g.saturatedBecause() == null ? "" : g.saturatedBecause();
        for (String cause : because.split("; ")) {
            // a ramp behind its schedule only delays connects, before the window: the step still measures the steady
            // state with every subscriber open, so it is recorded (saturated) but does not make the step invalid
            if (cause.startsWith("the load generator")) {
                causes.add(cause);
            }
        }
        HistogramSummary delay = g.delayMicros();
        double slo = spec.slo().p99().toNanos() / 1e3;
        double bound = GENERATOR_STALL_SHARE * slo;
        Double p99 = r.latencyMicros() == null ? null : r.latencyMicros().p99();
        if (failing && delay != null && delay.p99() != null && delay.p99() > bound && p99 != null
                && p99 - delay.p99() <= slo) {
            causes.add(String.format(Locale.ROOT, "its own stalls' p99 was %s (max %s), above %.0f %% of the SLO's p99, and"
                            + " the step's p99 of %s less them would meet the SLO: its reading may have failed the step",
                    CellLine.micros(delay.p99()), CellLine.micros(delay.max()), GENERATOR_STALL_SHARE * 100,
                    CellLine.micros(p99)));
        }
        return causes.isEmpty() ? null : String.join("; ", causes);
    }

    /** Why a valid step failed the SLO, or null when it met it. */
    String sloFailure(CellResult r) {
        if (r.status() != CellStatus.OK) {
            return r.status().id() + ": " + r.reason();
        }
        SearchSpec.Slo slo = spec.slo();
        List<String> failures = new ArrayList<>();
        double p99Bound = slo.p99().toNanos() / 1e3;
        Double p99 = r.latencyMicros() == null ? null : r.latencyMicros().p99();
        if (p99 == null) {
            failures.add("no latency was measured");
        } else if (p99 > p99Bound) {
            failures.add("p99 " + CellLine.micros(p99) + " > " + CellLine.micros(p99Bound));
        }
        Long lost = r.delivery() == null ? null : r.delivery().lost();
        if (lost != null && lost > slo.lost()) {
            failures.add("lost " + lost + " > " + slo.lost());
        }
        Double serverCpu = r.loadgen() == null ? null : r.loadgen().serverCpuPercent();
        if (slo.serverCpuPercent() != null && serverCpu != null && serverCpu > slo.serverCpuPercent()) {
            failures.add(String.format(Locale.ROOT, "server CPU %.0f %% > %.0f %%", serverCpu, slo.serverCpuPercent()));
        }
        return failures.isEmpty() ? null : String.join(", ", failures);
    }

    /** A value as the variable counts it: whole subscribers or bytes; a rate to 3 significant figures. */
    private double round(double value) {
        if (spec.variable().whole()) {
            return Math.max(1, Math.round(value));
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).doubleValue();
    }

    private String format(double value) {
        return switch (spec.variable()) {
            case CONNECTIONS -> String.format(Locale.ROOT, "%,d", Math.round(value));
            case FEED_RATE -> dev.pushbench.runner.scenario.ScenarioUnits.formatRate(value);
            case FEED_PAYLOAD -> dev.pushbench.runner.scenario.ScenarioUnits.formatSize((int) Math.round(value));
        };
    }
}
