package dev.pushbench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Formats stored figures for people: durations stored in microseconds as {@code µs}, {@code ms} or
 * {@code s} with three significant digits ({@code 700 µs}, {@code 1.10 ms}, {@code 12.3 s}); counts with
 * thousands separators; byte sizes in binary units; instants as UTC. Absent figures ({@code null}) show as
 * an em dash. {@link #plain} writes a figure as the file stores it, for hover titles and golden files.
 */
final class Format {
    static final String ABSENT = "—";

    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);
    private static final MathContext FOUR_DIGITS = new MathContext(4);
    private static final DateTimeFormatter SHOWN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Format() {
    }

    /** The number as JSON writes it, without a needless {@code .0}: {@code 1100}, {@code 1016.3}; null → "—". */
    static String plain(Number number) {
        if (number == null) {
            return ABSENT;
        }
        if (number instanceof Double || number instanceof Float) {
            double value = number.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return Double.toString(value);
            }
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        return number.toString();
    }

    /** A computed figure, kept to four significant digits so that golden files stay readable. */
    static double fourDigits(double value) {
        if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new BigDecimal(value).round(FOUR_DIGITS).doubleValue();
    }

    static String micros(Number micros) {
        return micros == null ? ABSENT : micros(micros.doubleValue());
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

    /** The stored value with its unit, for a {@code title} attribute: {@code 1100 µs}; null → null. */
    static String plainMicros(Number micros) {
        return micros == null ? null : plain(micros) + " µs";
    }

    static String count(Number count) {
        if (count == null) {
            return ABSENT;
        }
        double value = count.doubleValue();
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return plain(count);
    }

    static String percent(Number percent) {
        return percent == null ? ABSENT : String.format(Locale.ROOT, "%.1f %%", percent.doubleValue());
    }

    /** {@code part / whole} as a percentage, or empty when either is absent or the whole is zero. */
    static String share(Number part, Number whole) {
        if (part == null || whole == null || whole.doubleValue() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f %%", 100.0 * part.doubleValue() / whole.doubleValue());
    }

    static String bytes(Number bytes) {
        if (bytes == null) {
            return ABSENT;
        }
        double value = bytes.doubleValue();
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
    static String significant(Number number) {
        if (number == null) {
            return ABSENT;
        }
        double value = number.doubleValue();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return plain(number);
        }
        if (Math.abs(value) >= 1_000) {
            return String.format(Locale.ROOT, "%,d", Math.round(value));
        }
        return new BigDecimal(value).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    }

    /** Seconds as stored in a window ({@code 5} → {@code 5 s}). */
    static String seconds(Number seconds) {
        return seconds == null ? ABSENT : plain(seconds) + " s";
    }

    /** An ISO-8601 instant as {@code 2026-11-25 15:30:00 UTC}; anything else as stored; {@code null} as "—". */
    static String time(String iso) {
        Instant instant = instant(iso);
        if (instant == null) {
            return iso == null ? ABSENT : iso;
        }
        return SHOWN_TIME.format(instant.atOffset(ZoneOffset.UTC)) + " UTC";
    }

    /** Parses an ISO-8601 date-time with offset, or {@code null}. */
    static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
