package io.pathprobe.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on the command line: a plain number is seconds, as in ping ({@code 1},
 * {@code 0.2}); a unit may follow ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}; also {@code us}).
 */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(us|ms|s|m|h)?");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /**
     * Parses {@code text}; zero is allowed (callers that need a positive value check it).
     *
     * @throws IllegalArgumentException saying what was wrong and how to write a duration
     */
    static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("'" + text.trim() + "' is negative: give a positive duration");
        }
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + (text == null ? "" : text.trim())
                    + "' is not a duration: give seconds (1, 0.2) or a number with a unit (500ms, 30s, 10m, 1h)");
        }
        BigDecimal nanosPerUnit = BigDecimal.valueOf(unitNanos(m.group(2)));
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(nanosPerUnit).setScale(0, RoundingMode.HALF_UP);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("'" + text.trim() + "' is too long: give at most 292 years");
        }
        if (nanos.signum() == 0 && new BigDecimal(m.group(1)).signum() != 0) {
            throw new IllegalArgumentException("'" + text.trim() + "' is shorter than a nanosecond: give a longer duration");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    private static long unitNanos(String unit) {
        if (unit == null || unit.equals("s")) {
            return 1_000_000_000L;
        }
        switch (unit) {
            case "us":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                throw new IllegalStateException("unit " + unit + " matched but not handled");
        }
    }

    /** Seconds for display, e.g. {@code 1 s}, {@code 0.2 s}, {@code 0.005 s} (up to nanoseconds, no trailing zeros). */
    static String format(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros();
        return seconds.toPlainString() + " s";
    }
}
