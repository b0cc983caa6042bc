package dev.pushbench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Formats stored figures for people: durations stored in microseconds as {@code µs}, {@code ms} or
 * {@code s} with three significant digits ({@code 700 µs}, {@code 1.10 ms}, {@code 12.3 s}); counts with
 * thousands separators; byte sizes in binary units. Absent figures show as an em dash.
 */
final class Units {
    static final String ABSENT = "—";

    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);

    private Units() {
    }

    static String micros(Num micros) {
        return micros == null ? ABSENT : micros(micros.value());
    }

    static String micros(double micros) {
        if (Double.isNaN(micros) || Double.isInfinite(micros)) {
            return Double.toString(micros) + " µs";
        }
        if (micros == 0) {
            return "0 µs";
        }
        // Round first, then pick the unit, so that 999.7 µs reads "1.00 ms", not "1000 µs".
        BigDecimal rounded = new BigDecimal(micros).round(THREE_DIGITS);
        BigDecimal magnitude = rounded.abs();
        if (magnitude.compareTo(BigDecimal.valueOf(1_000)) < 0) {
            return rounded.toPlainString() + " µs";
        }
        if (magnitude.compareTo(BigDecimal.valueOf(1_000_000)) < 0) {
            return rounded.movePointLeft(3).toPlainString() + " ms";
        }
        return rounded.movePointLeft(6).toPlainString() + " s";
    }

    /** The stored value with its unit, for a {@code title} attribute: {@code 1100 µs}. */
    static String rawMicros(Num micros) {
        return micros == null ? "" : micros.raw() + " µs";
    }

    static String count(Num count) {
        if (count == null) {
            return ABSENT;
        }
        double value = count.value();
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return count.raw();
    }

    static String percent(Num percent) {
        return percent == null ? ABSENT : String.format(Locale.ROOT, "%.1f %%", percent.value());
    }

    /** {@code part / whole} as a percentage, or empty when either is absent or the whole is zero. */
    static String share(Num part, Num whole) {
        if (part == null || whole == null || whole.value() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f %%", 100.0 * part.value() / whole.value());
    }

    static String bytes(Num bytes) {
        if (bytes == null) {
            return ABSENT;
        }
        double value = bytes.value();
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0
                ? String.format(Locale.ROOT, "%.0f B", value)
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** A measured figure with three significant digits and thousands separators: {@code 1,234}, {@code 12.3}. */
    static String significant(Num number) {
        if (number == null) {
            return ABSENT;
        }
        double value = number.value();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return number.raw();
        }
        if (Math.abs(value) >= 1_000) {
            return String.format(Locale.ROOT, "%,d", Math.round(value));
        }
        return new BigDecimal(value).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    }

    /** Seconds as stored in a window ({@code 5} → {@code 5 s}). */
    static String seconds(Num seconds) {
        return seconds == null ? ABSENT : seconds.raw() + " s";
    }
}
