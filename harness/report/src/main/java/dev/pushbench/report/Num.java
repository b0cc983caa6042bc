package dev.pushbench.report;

/**
 * A number read from a results file: {@code raw} is its text as stored (shown on hover, compared in
 * golden files), {@code value} the same number for formatting and comparisons.
 */
record Num(String raw, double value) {

    static Num of(long value) {
        return new Num(Long.toString(value), value);
    }

    boolean isPositive() {
        return value > 0;
    }
}
