package io.pathprobe.core.text;

import java.math.BigDecimal;
import java.math.MathContext;
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
