package io.pathprobe.ticket.report;

import io.pathprobe.core.text.NumberText;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Formats of the text and HTML reports: absent values as {@code -}, times; numbers are {@link NumberText}'s. */
final class Formats {
    private Formats() {
    }

    /** Milliseconds with three decimals, or {@code -} when absent. */
    static String ms3(Double ms) {
        return ms == null ? "-" : NumberText.ms3(ms);
    }

    /** Milliseconds with one decimal as mtr prints them, or {@code -}. */
    static String ms1(Double ms) {
        return ms == null ? "-" : NumberText.ms1(ms);
    }

    static String pct1(double p) {
        return NumberText.percent1(p);
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
