package io.pathprobe.core.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Numbers as ping and mtr print them. Locale-independent (always a decimal point). */
public final class NumberText {
    private NumberText() {
    }

    /**
     * An RTT in milliseconds with three significant digits, as iputils' ping prints its reply lines: {@code 0.052},
     * {@code 1.23}, {@code 12.3}, {@code 123}. Like ping it works in whole microseconds and picks the form after
     * rounding, so a time that rounds up to the next power of ten takes that one's form: 9.996 ms is {@code 10.0}
     * (not {@code 10.00}), 999.6 us is {@code 1.00}. Below 1 ms all three decimals are the microseconds. A negative
     * time (a clock stepped back between the two stamps) is {@code 0.000}, as ping counts it 0.
     */
    public static String rttMs(long nanos) {
        long us = nanos < 0 ? 0 : nanos / 1000 + (nanos % 1000 >= 500 ? 1 : 0);
        if (us >= 99_950) {
            return fixedPoint((us + 500) / 1000, 0);
        }
        if (us >= 9_995) {
            return fixedPoint((us + 50) / 100, 1);
        }
        if (us >= 1_000) {
            return fixedPoint((us + 5) / 10, 2);
        }
        return fixedPoint(us, 3);
    }

    /**
     * {@code scaled / 10^decimals} with exactly {@code decimals} digits after the point, as C's {@code %.*f} prints
     * the number once rounded: (1234, 2) is {@code 12.34}, (5, 3) is {@code 0.005}, (7, 0) is {@code 7}.
     *
     * @param scaled   the number times 10^decimals, 0 or more
     * @param decimals 0 to 3
     */
    public static String fixedPoint(long scaled, int decimals) {
        long scale = switch (decimals) {
            case 0 -> 1;
            case 1 -> 10;
            case 2 -> 100;
            case 3 -> 1000;
            default -> throw new IllegalArgumentException("decimals must be 0 to 3, was " + decimals);
        };
        if (scale == 1) {
            return Long.toString(scaled);
        }
        // scale + the fraction has decimals + 1 digits: dropping its leading 1 leaves the fraction zero-padded
        return scaled / scale + "." + Long.toString(scale + scaled % scale).substring(1);
    }

    /** Milliseconds with three decimals, as ping's summary shows them: {@code 0.065}. */
    public static String ms3(double ms) {
        return decimals(ms, 3);
    }

    /** Milliseconds with one decimal, as mtr's report shows them: {@code 12.3}. */
    public static String ms1(double ms) {
        return decimals(ms, 1);
    }

    /** A percentage with one decimal and the sign: {@code 12.5%}. */
    public static String percent1(double percent) {
        return decimals(percent, 1) + "%";
    }

    /**
     * What {@code String.format(Locale.ROOT, "%.Nf", v)} prints, without the formatter: it rounds the shortest
     * decimal of the double (its {@code Double.toString}) half up, as the formatter does. A cold formatter parses
     * its pattern with a regular expression on every call: the summaries of a 254-target ping (1,016 numbers) took
     * 58-75 ms on C1 that way, 11 ms this way. The non-finite keep the formatter's own text.
     */
    static String decimals(double v, int n) {
        if (!Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%." + n + "f", v);
        }
        if (Double.doubleToRawLongBits(v) < 0) { // the sign stays when the magnitude rounds to 0, -0.0 included
            return "-" + decimals(-v, n);
        }
        return new BigDecimal(Double.toString(v)).setScale(n, RoundingMode.HALF_UP).toPlainString();
    }

    /** C's {@code %g} (six significant digits, no trailing zeros), as ping prints its loss: 0, 0.333333, 100. */
    public static String g(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
