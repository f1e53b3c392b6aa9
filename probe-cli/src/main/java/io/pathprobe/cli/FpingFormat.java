package io.pathprobe.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.pathprobe.core.text.NumberText;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The lines fping 5 prints, as pure functions: host names padded to the longest one, times in fping's
 * "three significant digits" style, loss as a whole percentage rounded down.
 */
final class FpingFormat {
    private FpingFormat() {
    }

    /**
     * A time as fping prints it: 0.036, 1.23, 12.3, 123 (milliseconds, no unit), from {@code printf} of the double
     * {@code nanos / 1e6}. C rounds that double's exact binary value (half to even), where {@code String.format}
     * rounds its shortest decimal half up: they differ when the nanoseconds end on a tie (0.0045 ms: C 0.004, Java
     * 0.005), one RTT in a thousand below 1 ms. So the common magnitudes are done in integers, as C would.
     */
    static String tm(long nanos) {
        if (nanos >= 0 && nanos < 1_000_000_000_000L) { // 0 <= t < 1,000,000 ms
            int decimals = nanos < 1_000_000 ? 3 : nanos < 10_000_000 ? 2 : nanos < 100_000_000 ? 1 : 0;
            return fixed(nanos, decimals);
        }
        double t = nanos / 1e6;
        return String.format(Locale.ROOT, t < 0 ? "%.2g" : "%.3e", t);
    }

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /** {@code printf("%.*f", decimals, nanos / 1e6)}: 0 <= nanos < 10^12, decimals 0-3. */
    private static String fixed(long nanos, int decimals) {
        long unit = POW10[6 - decimals]; // nanoseconds in the last printed digit
        long k = nanos / unit;
        long rest = nanos % unit;
        if (2 * rest > unit) {
            k++;
        } else if (2 * rest == unit) {
            // A tie in decimal: the double nanos / 1e6 lies a little above or below it (or on it, half to even).
            int side = new BigDecimal(nanos / 1e6).compareTo(BigDecimal.valueOf(nanos, 6));
            if (side > 0 || side == 0 && (k & 1) == 1) {
                k++;
            }
        }
        return NumberText.fixedPoint(k, decimals);
    }

    /** {@code host} padded with spaces to {@code width}, as fping's {@code %-*s}. */
    static String pad(String host, int width) {
        StringBuilder b = new StringBuilder(Math.max(width, host.length())).append(host);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    /** Loss as fping prints it: a whole percentage, rounded down; 0 with nothing sent. */
    static long loss(long sent, long received) {
        return sent > 0 ? (sent - received) * 100 / sent : 0;
    }

    /** {@code host : [0], 64 bytes, 0.036 ms (0.036 avg, 0% loss)}; {@code index} counts from 0. */
    static String reply(String host, int width, long index, int bytes, long rttNanos, long avgNanos, long sent,
                        long received) {
        return pad(host, width) + " : [" + index + "], " + bytes + " bytes, " + tm(rttNanos) + " ms ("
                + tm(avgNanos) + " avg, " + loss(sent, received) + "% loss)";
    }

    /** {@code host : [1], timed out (NaN avg, 100% loss)}; {@code avgNanos} below 0 when nothing was received. */
    static String timedOut(String host, int width, long index, long avgNanos, long sent, long received) {
        return pad(host, width) + " : [" + index + "], timed out (" + (avgNanos < 0 ? "NaN" : tm(avgNanos))
                + " avg, " + loss(sent, received) + "% loss)";
    }

    /** {@code host : xmt/rcv/%loss = 4/2/50%, min/avg/max = a/b/c} (no times without a reply). */
    static String summary(String host, int width, long sent, long received, long min, long avg, long max) {
        String s = pad(host, width) + " : xmt/rcv/%loss = " + sent + "/" + received + "/" + loss(sent, received) + "%";
        return received > 0 ? s + ", min/avg/max = " + tm(min) + "/" + tm(avg) + "/" + tm(max) : s;
    }

    /** {@code host : 0.025 - 0.025}: one column per probe sent, {@code -} where it got no reply (below 0). */
    static String vector(String host, int width, long[] rtts, int sent) {
        StringBuilder b = new StringBuilder(pad(host, width)).append(" :");
        for (int i = 0; i < sent; i++) {
            b.append(' ').append(rtts[i] < 0 ? "-" : tm(rtts[i]));
        }
        return b.toString();
    }

    /** {@code host is alive}, with {@code (0.034 ms)} under -e. */
    static String alive(String host, boolean verbose, boolean elapsed, long rttNanos) {
        return host + (verbose ? " is alive" : "") + (elapsed ? " (" + tm(rttNanos) + " ms)" : "");
    }

    /** fping's -s block (every line of it, the blank ones included). */
    static List<String> stats(long targets, long alive, long unreachable, long unknown, long timeouts, long sent,
                              long replies, long otherIcmp, long min, long avg, long max, long elapsedNanos) {
        return List.of("",
                count(targets, "targets"), count(alive, "alive"), count(unreachable, "unreachable"),
                count(unknown, "unknown addresses"), "",
                count(timeouts, "timeouts (waiting for response)"), count(sent, "ICMP Echos sent"),
                count(replies, "ICMP Echo Replies received"), count(otherIcmp, "other ICMP received"), "",
                " " + tm(min) + " ms (min round trip time)",
                " " + tm(avg) + " ms (avg round trip time)",
                " " + tm(max) + " ms (max round trip time)",
                String.format(Locale.ROOT, " %12.3f sec (elapsed real time)", elapsedNanos / 1e9), "");
    }

    private static String count(long n, String what) {
        return String.format(Locale.ROOT, " %7d %s", n, what);
    }

    /** A JSON string literal. */
    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
