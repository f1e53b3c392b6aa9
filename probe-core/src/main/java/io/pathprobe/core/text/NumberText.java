package io.pathprobe.core.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Numbers as ping and mtr print them. Locale-independent (always a decimal point). */
public final class NumberText {
    private NumberText() {
    }

    /**
     * An RTT in milliseconds with three significant digits, as ping's reply lines show it: {@code 0.052},
     * {@code 1.23}, {@code 12.3}, {@code 123}.
     */
    public static String rttMs(long nanos) {
        double ms = nanos / 1e6;
        int decimals = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
        return String.format(Locale.ROOT, "%." + decimals + "f", ms);
    }

    /** Milliseconds with three decimals, as ping's summary shows them: {@code 0.065}. */
    public static String ms3(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Milliseconds with one decimal, as mtr's report shows them: {@code 12.3}. */
    public static String ms1(double ms) {
        return String.format(Locale.ROOT, "%.1f", ms);
    }

    /** A percentage with one decimal and the sign: {@code 12.5%}. */
    public static String percent1(double percent) {
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    /** C's {@code %g} (six significant digits, no trailing zeros), as ping prints its loss: 0, 0.333333, 100. */
    public static String g(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
