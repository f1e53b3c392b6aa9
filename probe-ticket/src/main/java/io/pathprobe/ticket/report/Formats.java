package io.pathprobe.ticket.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formats shared by the text and HTML reports. */
final class Formats {
    private Formats() {
    }

    /** C's {@code %g} for the values ping prints (6 significant digits, no trailing zeros): 0, 0.333333, 100. */
    static String g(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Milliseconds with three decimals, or {@code -} when absent. */
    static String ms3(Double ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Milliseconds with one decimal as mtr prints them, or {@code -}. */
    static String ms1(Double ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }

    static String pct1(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    /** An ISO instant for people: {@code 2026-11-23 21:12:19 UTC}; anything unparsable as given, null as "-". */
    static String instant(String iso) {
        if (iso == null) {
            return "-";
        }
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    /** An axis label for {@code ms} on an axis with ticks {@code stepMs} apart: {@code 2.5s}, {@code 1m30s}. */
    static String axisTime(long ms, long stepMs) {
        if (stepMs % 1000 != 0 && ms < 60_000) {
            return new BigDecimal(ms / 1000.0).round(new MathContext(3)).stripTrailingZeros().toPlainString() + "s";
        }
        return duration(ms);
    }

    /** A duration for axis labels and facts: {@code 45s}, {@code 2m30s}, {@code 1h05m}. */
    static String duration(long ms) {
        long s = Math.round(ms / 1000.0);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", s % 60));
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02dm", (s % 3600) / 60);
    }
}
