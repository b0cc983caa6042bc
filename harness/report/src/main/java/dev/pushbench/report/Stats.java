package dev.pushbench.report;

/**
 * One distribution as a cell's {@code summary.json} stores it (e.g. {@code latencyMicros}): count,
 * mean and percentiles, all in microseconds but {@code count}. Any figure may be absent ({@code null}).
 */
record Stats(Num count, Num mean, Num p50, Num p90, Num p99, Num p999, Num max) {

    /** Reads {@code <key>.count}, {@code <key>.p50} … ; {@code null} when the object is absent or not an object. */
    static Stats read(Fields fields, String key) {
        if (fields.object(key) == null) {
            return null;
        }
        return new Stats(
                fields.number(key + ".count"),
                fields.number(key + ".mean"),
                fields.number(key + ".p50"),
                fields.number(key + ".p90"),
                fields.number(key + ".p99"),
                fields.number(key + ".p999"),
                fields.number(key + ".max"));
    }
}
