package dev.pushbench.runner.scenario;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations, sizes and rates written as people write them, parsed exactly and printed back in the
 * same notation, so that a scenario, an error message and the reference table all read alike.
 *
 * <pre>
 *   ScenarioUnits.parseDuration("250ms");   // PT0.25S          units: ns, us, ms, s, m, h
 *   ScenarioUnits.parseSize("4KiB");        // 4096             units: B, KiB, MiB, GiB (binary), kB, MB, GB (decimal)
 *   ScenarioUnits.parseRate("600/min");     // 10.0 per second  units: /s, /min, /h
 *   ScenarioUnits.formatDuration(Duration.ofSeconds(120));   // "2m"
 * </pre>
 *
 * <p>A bare number is always an error: {@code 5} could be seconds or milliseconds, {@code 1024}
 * bytes or events, and a benchmark that silently guesses measures the wrong thing. Numbers may
 * have a fraction ({@code 1.5s}, {@code 0.5/s}); the result must still be a whole number of
 * nanoseconds or bytes. Negative values are rejected here; ranges are the caller's business.
 */
public final class ScenarioUnits {

    /** The duration units, for "allowed:" texts. */
    public static final String DURATION_UNITS = "ns, us, ms, s, m, h";
    /** The size units, for "allowed:" texts. */
    public static final String SIZE_UNITS = "B, KiB, MiB, GiB (1024-based), kB, MB, GB (1000-based)";
    /** The rate units, for "allowed:" texts. */
    public static final String RATE_UNITS = "/s, /min, /h";
    /** Bandwidth units, 1000-based as link speeds are quoted. */
    public static final String BANDWIDTH_UNITS = "bit/s, kbit/s, Mbit/s, Gbit/s";

    private static final Map<String, Long> NANOS_PER_DURATION_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L,
            "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final Map<String, String> DURATION_MISSPELLINGS = Map.ofEntries(
            Map.entry("µs", "us"), Map.entry("μs", "us"), Map.entry("micros", "us"),
            Map.entry("msec", "ms"), Map.entry("millis", "ms"),
            Map.entry("sec", "s"), Map.entry("secs", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"),
            Map.entry("min", "m"), Map.entry("mins", "m"), Map.entry("minute", "m"), Map.entry("minutes", "m"),
            Map.entry("hr", "h"), Map.entry("hrs", "h"), Map.entry("hour", "h"), Map.entry("hours", "h"));

    private static final Map<String, Long> BYTES_PER_SIZE_UNIT = Map.of(
            "B", 1L, "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30,
            "kB", 1_000L, "MB", 1_000_000L, "GB", 1_000_000_000L);
    /** Largest first: formatting picks the first that divides exactly. */
    private static final List<String> BINARY_SIZE_UNITS = List.of("GiB", "MiB", "KiB");

    private static final Map<String, Long> SECONDS_PER_RATE_UNIT = Map.of("s", 1L, "min", 60L, "h", 3600L);
    private static final Map<String, String> RATE_MISSPELLINGS = Map.ofEntries(
            Map.entry("sec", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"),
            Map.entry("m", "min"), Map.entry("minute", "min"), Map.entry("minutes", "min"),
            Map.entry("hr", "h"), Map.entry("hour", "h"), Map.entry("hours", "h"));

    private static final Map<String, Long> BITS_PER_BANDWIDTH_UNIT = Map.of(
            "bit/s", 1L, "kbit/s", 1_000L, "Mbit/s", 1_000_000L, "Gbit/s", 1_000_000_000L);
    private static final Map<String, String> BANDWIDTH_MISSPELLINGS = Map.ofEntries(
            Map.entry("bps", "bit/s"), Map.entry("kbps", "kbit/s"), Map.entry("mbps", "Mbit/s"), Map.entry("gbps", "Gbit/s"),
            Map.entry("kbit", "kbit/s"), Map.entry("mbit", "Mbit/s"), Map.entry("gbit", "Gbit/s"), Map.entry("bit", "bit/s"),
            Map.entry("kb/s", "kbit/s"), Map.entry("mb/s", "Mbit/s"), Map.entry("gb/s", "Gbit/s"));

    private static final Pattern NUMBER_THEN_UNIT =
            Pattern.compile("([+-]?)([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)\\s*(.*)", Pattern.DOTALL);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private ScenarioUnits() {
    }

    /**
     * A value that is not a well-formed duration, size or rate. {@link #problem()} says what is
     * wrong without repeating the value; {@link #suggestion()} is the likely intended spelling, or
     * null.
     */
    public static final class UnitException extends IllegalArgumentException {
        private final String problem;
        private final String suggestion;

        UnitException(String text, String problem, String suggestion) {
            super("'" + text + "' " + problem + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
            this.problem = problem;
            this.suggestion = suggestion;
        }

        public String problem() {
            return problem;
        }

        public String suggestion() {
            return suggestion;
        }
    }

    /** @throws UnitException if {@code text} is not a number followed by one of {@link #DURATION_UNITS} */
    public static Duration parseDuration(String text) {
        Quantity q = split(text, "duration", "5s");
        Long nanosPerUnit = NANOS_PER_DURATION_UNIT.get(q.unit);
        if (nanosPerUnit == null) {
            throw unknownUnit(text, q, "duration", DURATION_UNITS, NANOS_PER_DURATION_UNIT, DURATION_MISSPELLINGS);
        }
        BigDecimal nanos = q.number.multiply(BigDecimal.valueOf(nanosPerUnit));
        BigInteger whole = wholeOrNull(nanos);
        if (whole == null) {
            throw new UnitException(text, "is not a whole number of nanoseconds", null);
        }
        if (whole.compareTo(MAX_LONG) > 0) {
            throw new UnitException(text, "is too long to be measured in nanoseconds (at most about 292 years)", null);
        }
        return Duration.ofNanos(whole.longValueExact());
    }

    /** @throws UnitException if {@code text} is not a number followed by one of {@link #SIZE_UNITS} */
    public static long parseSize(String text) {
        Quantity q = split(text, "size", "256B");
        Long bytesPerUnit = BYTES_PER_SIZE_UNIT.get(q.unit);
        if (bytesPerUnit == null) {
            if (q.unit.equals("KB")) {
                // JEDEC KB means 1024, SI kB means 1000: make the writer choose
                throw new UnitException(text, "is ambiguous: write " + q.numberText + "KiB for 1024-based or "
                        + q.numberText + "kB for 1000-based kilobytes", null);
            }
            throw unknownUnit(text, q, "size", SIZE_UNITS, BYTES_PER_SIZE_UNIT, Map.of("b", "B", "bytes", "B", "k", "KiB"));
        }
        BigInteger whole = wholeOrNull(q.number.multiply(BigDecimal.valueOf(bytesPerUnit)));
        if (whole == null) {
            throw new UnitException(text, "is not a whole number of bytes", null);
        }
        if (whole.compareTo(MAX_LONG) > 0) {
            throw new UnitException(text, "is too large", null);
        }
        return whole.longValueExact();
    }

    /**
     * @return events per second
     * @throws UnitException if {@code text} is not a number followed by one of {@link #RATE_UNITS}
     */
    public static double parseRate(String text) {
        Quantity q = split(text, "rate", "10/s");
        if (!q.unit.startsWith("/")) {
            String hint = q.unit.isEmpty() ? q.numberText + "/s" : null;
            throw new UnitException(text, q.unit.isEmpty()
                    ? "has no unit (a bare number is ambiguous); a rate is a count per time unit"
                    : "has an unknown unit '" + q.unit + "'; a rate is a count per time unit", hint);
        }
        String per = q.unit.substring(1).strip();
        Long secondsPerUnit = SECONDS_PER_RATE_UNIT.get(per);
        if (secondsPerUnit == null) {
            String hint = RATE_MISSPELLINGS.get(per.toLowerCase(Locale.ROOT));
            if (SECONDS_PER_RATE_UNIT.containsKey(per.toLowerCase(Locale.ROOT))) {
                hint = per.toLowerCase(Locale.ROOT);
            }
            throw new UnitException(text, "has an unknown unit '/" + per + "'",
                    hint == null ? null : q.numberText + "/" + hint);
        }
        double perSecond = q.number.doubleValue() / secondsPerUnit;
        if (!Double.isFinite(perSecond)) {
            throw new UnitException(text, "is too large", null);
        }
        return perSecond;
    }

    /**
     * @return bits per second, a whole number
     * @throws UnitException if {@code text} is not a number followed by one of {@link #BANDWIDTH_UNITS}
     */
    public static long parseBandwidth(String text) {
        Quantity q = split(text, "bandwidth", "10Mbit/s");
        Long bitsPerUnit = BITS_PER_BANDWIDTH_UNIT.get(q.unit);
        if (bitsPerUnit == null) {
            throw unknownUnit(text, q, "bandwidth", BANDWIDTH_UNITS, BITS_PER_BANDWIDTH_UNIT, BANDWIDTH_MISSPELLINGS);
        }
        BigInteger whole = wholeOrNull(q.number.multiply(BigDecimal.valueOf(bitsPerUnit)));
        if (whole == null) {
            throw new UnitException(text, "is not a whole number of bits per second", null);
        }
        if (whole.compareTo(MAX_LONG) > 0) {
            throw new UnitException(text, "is too large", null);
        }
        return whole.longValueExact();
    }

    /** The shortest exact form, e.g. {@code 1.6Mbit/s}, {@code 768kbit/s}. */
    public static String formatBandwidth(long bitsPerSecond) {
        for (String unit : List.of("Gbit/s", "Mbit/s", "kbit/s")) {
            long per = BITS_PER_BANDWIDTH_UNIT.get(unit);
            if (bitsPerSecond >= per && bitsPerSecond % (per / 100) == 0) {
                return BigDecimal.valueOf(bitsPerSecond).divide(BigDecimal.valueOf(per)).stripTrailingZeros().toPlainString() + unit;
            }
        }
        return bitsPerSecond + "bit/s";
    }

    /** The shortest exact form: the largest unit of {@link #DURATION_UNITS} that divides it. */
    public static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        for (String unit : List.of("h", "m", "s", "ms", "us")) {
            long per = NANOS_PER_DURATION_UNIT.get(unit);
            if (nanos % per == 0) {
                return nanos / per + unit;
            }
        }
        return nanos + "ns";
    }

    /** The shortest exact binary form, e.g. {@code 16MiB}, {@code 1000B}. */
    public static String formatSize(long bytes) {
        if (bytes != 0) {
            for (String unit : BINARY_SIZE_UNITS) {
                long per = BYTES_PER_SIZE_UNIT.get(unit);
                if (bytes % per == 0) {
                    return bytes / per + unit;
                }
            }
        }
        return bytes + "B";
    }

    /** Per second, without a trailing {@code .0}: {@code 10/s}, {@code 0.5/s}. */
    public static String formatRate(double perSecond) {
        return BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString() + "/s";
    }

    private record Quantity(BigDecimal number, String numberText, String unit) {
    }

    private static Quantity split(String text, String kind, String example) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new UnitException(text, "is empty; a " + kind + " is a number and a unit, e.g. " + example, null);
        }
        Matcher m = NUMBER_THEN_UNIT.matcher(t);
        if (!m.matches()) {
            throw new UnitException(text, "is not a " + kind + ": it must start with a number, e.g. " + example, null);
        }
        if (m.group(1).equals("-")) {
            throw new UnitException(text, "is negative; a " + kind + " is at least 0", null);
        }
        String numberText = m.group(2);
        String unit = m.group(3).strip();
        if (unit.isEmpty() && !kind.equals("rate")) {
            throw new UnitException(text, "has no unit (a bare number is ambiguous)", null);
        }
        return new Quantity(new BigDecimal(numberText), numberText, unit);
    }

    private static UnitException unknownUnit(String text, Quantity q, String kind, String allowed,
            Map<String, Long> units, Map<String, String> misspellings) {
        String hint = misspellings.get(q.unit);
        if (hint == null) {
            hint = misspellings.get(q.unit.toLowerCase(Locale.ROOT));
        }
        if (hint == null) {
            for (String u : units.keySet()) {
                if (u.equalsIgnoreCase(q.unit)) {
                    hint = u; // units are case-sensitive: MB is not Mb (megabits) and m is not M
                }
            }
        }
        return new UnitException(text, "has an unknown " + kind + " unit '" + q.unit + "'",
                hint == null ? null : q.numberText + hint);
    }

    private static BigInteger wholeOrNull(BigDecimal value) {
        try {
            return value.toBigIntegerExact();
        } catch (ArithmeticException notWhole) {
            return null;
        }
    }
}
