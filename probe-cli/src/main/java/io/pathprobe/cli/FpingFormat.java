package io.pathprobe.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.List;
import java.util.Locale;

/**
 * The lines fping 5 prints, as pure functions: host names padded to the longest one, times in fping's
 * "three significant digits" style, loss as a whole percentage rounded down.
 */
final class FpingFormat {
    private FpingFormat() {
    }

    /** A time as fping prints it: 0.036, 1.23, 12.3, 123 (milliseconds, no unit). */
    static String tm(long nanos) {
        double t = nanos / 1e6;
        if (t < 0) {
            return String.format(Locale.ROOT, "%.2g", t);
        } else if (t < 1) {
            return String.format(Locale.ROOT, "%.3f", t);
        } else if (t < 10) {
            return String.format(Locale.ROOT, "%.2f", t);
        } else if (t < 100) {
            return String.format(Locale.ROOT, "%.1f", t);
        } else if (t < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f", t);
        }
        return String.format(Locale.ROOT, "%.3e", t);
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
