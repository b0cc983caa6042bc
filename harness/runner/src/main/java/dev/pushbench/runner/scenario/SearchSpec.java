package dev.pushbench.runner.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * A capacity search ({@code search} in a scenario): which figure of the workload varies, what each step must
 * meet, and how the search runs. Per cell, the runner finds the largest value of {@link #variable()} that meets
 * {@link #slo()}: it doubles from {@link #start()} until a step fails, then bisects until the failing value is
 * within {@link #resolution()} of the passing one, and runs the passing value nearest the boundary
 * {@link #confirm()} times in all.
 *
 * <pre>
 *   SearchSpec s = scenario.search();                     // null: no search, one load per cell
 *   Scenario step = scenario.at(s.variable(), 4800);      // the scenario of one step
 * </pre>
 *
 * @param variable   what varies
 * @param start      the first step's value (the scenario's own value of the variable unless written)
 * @param max        the highest value the search tries; the file limit lowers it for {@code clients.connections}
 * @param resolution bisect until (failing − passing) ÷ passing is at most this
 * @param confirm    runs of the boundary value, each of which must pass
 * @param budget     the longest one cell's search may take; a step is not begun after it
 * @param slo        what every step must meet
 */
public record SearchSpec(Variable variable, double start, double max, double resolution, int confirm, Duration budget,
                         Slo slo) {

    /** The figure a search varies, by its key in the scenario. */
    public enum Variable {
        CONNECTIONS("clients.connections", true),
        FEED_RATE("feed.rate", false),
        FEED_PAYLOAD("feed.payload", true);

        private final String key;
        private final boolean whole;

        Variable(String key, boolean whole) {
            this.key = key;
            this.whole = whole;
        }

        /** The scenario key it varies: {@code clients.connections}. */
        public String key() {
            return key;
        }

        /** True if its values are whole numbers (subscribers, bytes). */
        public boolean whole() {
            return whole;
        }

        public static Variable fromKey(String key) {
            for (Variable v : values()) {
                if (v.key.equals(key)) {
                    return v;
                }
            }
            return null;
        }
    }

    /**
     * What a step must meet.
     *
     * @param p99              delivery latency's p99 from each event's intended publish time, at most this
     * @param lost             events lost, at most this many
     * @param serverCpuPercent the server's CPU over the window at most this, 100 per core; null: not a condition
     */
    public record Slo(Duration p99, long lost, Double serverCpuPercent) {
        public Slo {
            Objects.requireNonNull(p99, "p99");
        }
    }

    public SearchSpec {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(slo, "slo");
        if (!(start > 0)) {
            throw new IllegalArgumentException("search.start must be above 0, got " + start);
        }
        if (!(resolution > 0 && resolution < 1)) {
            throw new IllegalArgumentException("search.resolution must be between 0 and 1, got " + resolution);
        }
        if (confirm < 1) {
            throw new IllegalArgumentException("search.confirm must be at least 1, got " + confirm);
        }
    }
}
