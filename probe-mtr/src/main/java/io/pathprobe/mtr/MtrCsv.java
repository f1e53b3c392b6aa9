package io.pathprobe.mtr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * mtr's {@code --csv} layout: a header {@code Mtr_Version,Start_Time,Status,Host,Hop,Ip,<field titles>} and one
 * line per hop; the start time in Unix seconds, RTTs in milliseconds and Loss% with two decimals, counts as whole
 * numbers. Differences from mtr: the header has no trailing comma, the space column ({@code " "}) is kept for
 * column positions but left empty, and the version reads {@code pathprobe-VERSION}. Extra addresses of a hop are
 * not listed (the JSON has them).
 */
public final class MtrCsv {
    /** The version written in the first column. */
    public static final String VERSION = "pathprobe-0.1.0";

    private MtrCsv() {
    }

    public static String format(TraceSnapshot trace, FormatOptions options) {
        StringBuilder sb = new StringBuilder();
        write(trace, options, sb);
        return sb.toString();
    }

    public static void write(TraceSnapshot trace, FormatOptions options, Appendable out) {
        try {
            out.append("Mtr_Version,Start_Time,Status,Host,Hop,Ip");
            for (MtrField f : options.fields()) {
                out.append(',').append(f.title());
            }
            out.append('\n');
            long start = trace.info().start().getEpochSecond();
            for (HopSnapshot h : trace.hops()) {
                out.append(VERSION).append(',').append(Long.toString(start)).append(",OK,")
                        .append(quote(trace.info().targetHost())).append(',').append(Integer.toString(h.ttl()))
                        .append(',').append(quote(options.name(h.host())));
                for (MtrField f : options.fields()) {
                    out.append(',');
                    if (f.isSpace()) {
                        continue;
                    }
                    double v = f.value(h.stats());
                    out.append(f.isCount() ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v));
                }
                out.append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 4180 quoting, only when needed (host names never need it; user-given targets might). */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
