package io.pathprobe.mtr;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * mtr 0.95's {@code --csv} layout: the header {@code Mtr_Version,Start_Time,Status,Host,Hop,Ip,<field titles>,}
 * (with mtr's trailing comma) and one line per hop: {@code MTR.0.95}, the start time in Unix seconds, {@code OK},
 * the target as given, the hop number, the hop's name (or address), then the fields: counts (and the space
 * field, which mtr writes as {@code 0}) as whole numbers, RTTs in milliseconds and Loss% with two decimals. With
 * {@link FormatOptions#wide()} (mtr's {@code -w}) each further address of a hop gets a line of its own carrying
 * the hop's figures, as mtr writes them. The version column names the format (these lines are laid out as mtr
 * 0.95 lays out its own), so that readers of mtr's CSV read this one.
 */
public final class MtrCsv {
    /** The version written in the first column: the mtr release whose CSV this is. */
    public static final String VERSION = "MTR.0.95";

    private MtrCsv() {
    }

    public static String format(TraceSnapshot trace, FormatOptions options) {
        return TraceText.format(MtrCsv::body, trace, options);
    }

    public static void write(TraceSnapshot trace, FormatOptions options, Appendable out) {
        TraceText.write(MtrCsv::body, trace, options, out);
    }

    private static void body(TraceSnapshot trace, FormatOptions options, Appendable out) throws IOException {
        out.append("Mtr_Version,Start_Time,Status,Host,Hop,Ip,");
        for (MtrField f : options.fields()) {
            out.append(f.title()).append(',');
        }
        out.append('\n');
        String start = Long.toString(trace.info().start().getEpochSecond());
        String target = quote(trace.info().targetHost());
        for (HopSnapshot h : trace.hops()) {
            StringBuilder figures = new StringBuilder();
            for (MtrField f : options.fields()) {
                double v = f.value(h.stats());
                figures.append(',').append(f.isCount() || f.isSpace() ? Long.toString((long) v)
                        : String.format(Locale.ROOT, "%.2f", v));
            }
            row(out, start, target, h.ttl(), options.name(h.host()), figures);
            if (options.wide()) {
                List<AddressCount> more = h.addresses();
                for (int i = 1; i < more.size(); i++) {
                    row(out, start, target, h.ttl(), options.name(more.get(i).address()), figures);
                }
            }
        }
    }

    private static void row(Appendable out, String start, String target, int ttl, String name, CharSequence figures)
            throws IOException {
        out.append(VERSION).append(',').append(start).append(",OK,").append(target).append(',')
                .append(Integer.toString(ttl)).append(',').append(quote(name)).append(figures).append('\n');
    }

    /** RFC 4180 quoting, only when needed (host names never need it; user-given targets might). */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
