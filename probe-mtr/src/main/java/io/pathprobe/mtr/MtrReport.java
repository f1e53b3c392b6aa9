package io.pathprobe.mtr;

import io.pathprobe.core.AddressText;

import java.io.IOException;
import java.net.InetAddress;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * mtr's {@code --report} layout:
 * <pre>
 * Start: 2024-05-01T10:00:00+0000
 * HOST: client                      Loss%   Snt   Last   Avg  Best  Wrst StDev
 *   1.|-- 10.91.0.2                  0.0%    10    0.1   0.1   0.1   0.2   0.0
 *   2.|-- ???                       100.0    10    0.0   0.0   0.0   0.0   0.0
 * </pre>
 * Further addresses of a hop (ECMP, path changes) follow it on lines of their own, as mtr prints them. As in mtr,
 * the host column is 33 characters from the line's start and a longer name is cut where the figures begin; use
 * {@link FormatOptions#wide()} to widen it as {@code mtr -w} does (with mtr's two-character offset between the
 * header's titles and the rows' figures). With
 * {@link FormatOptions#annotate()} lines follow the table with the stop reason, the loss analysis and the paths.
 */
public final class MtrReport {
    private static final int HOST_COLUMN = 33;
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ", Locale.ROOT);

    private MtrReport() {
    }

    /** The report as a string. */
    public static String format(TraceSnapshot trace, FormatOptions options) {
        return TraceText.format(MtrReport::body, trace, options);
    }

    /** Writes the report to {@code out}. */
    public static void write(TraceSnapshot trace, FormatOptions options, Appendable out) {
        TraceText.write(MtrReport::body, trace, options, out);
    }

    private static void body(TraceSnapshot trace, FormatOptions options, Appendable out) throws IOException {
        out.append("Start: ").append(START.format(trace.info().start().atZone(options.zone()))).append('\n');
        List<HopSnapshot> hops = trace.hops();
        // Narrow: mtr's fixed 33-character column, figures written over whatever is longer. Wide (mtr -w):
        // the header's and each row's name padded to the longest name, so, as in mtr, the rows' figures sit
        // two characters right of the header's titles (" nn.|-- " is two longer than "HOST: ").
        int nameWidth = 0;
        if (options.wide()) {
            nameWidth = trace.info().source().length();
            for (HopSnapshot h : hops) {
                nameWidth = Math.max(nameWidth, options.name(h.host()).length());
            }
        }
        StringBuilder line = new StringBuilder();
        line.append(options.wide() ? pad("HOST: " + trace.info().source(), 6 + nameWidth)
                : fit("HOST: " + trace.info().source(), HOST_COLUMN));
        for (MtrField f : options.fields()) {
            line.append(String.format(Locale.ROOT, "%" + f.width() + "s", f.title()));
        }
        out.append(line).append('\n');
        for (HopSnapshot h : hops) {
            line.setLength(0);
            String name = String.format(Locale.ROOT, " %2d.|-- %s", h.ttl(), options.name(h.host()));
            line.append(options.wide() ? pad(name, 8 + nameWidth) : fit(name, HOST_COLUMN));
            for (MtrField f : options.fields()) {
                line.append(f.cell(h.stats()));
            }
            out.append(line).append('\n');
            List<AddressCount> more = h.addresses();
            for (int i = 1; i < more.size(); i++) {
                out.append(i == 1 ? "    |  `|-- " : "    |   |-- ")
                        .append(AddressText.of(more.get(i).address())).append('\n');
            }
        }
        if (options.annotate()) {
            annotate(trace, options, out);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String fit(String s, int width) {
        if (s.length() >= width) {
            return s.substring(0, width);
        }
        return s + " ".repeat(width - s.length());
    }

    private static void annotate(TraceSnapshot trace, FormatOptions options, Appendable out) throws IOException {
        out.append("Stop: ").append(trace.stop().describe()).append('\n');
        if (trace.info().mode() == ProbeMode.TCP) {
            out.append("Note: TCP mode connects from a kernel-chosen source port per probe, so probes are not held"
                    + " on one load-balanced path (a hop may list several addresses); --udp holds flows\n");
        }
        for (HopSnapshot h : trace.hops()) {
            if (h.verdict() == LossVerdict.NOT_CARRIED_ON) {
                out.append("Loss: hop ").append(hopLabel(h, options)).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f%%", h.stats().lossPercent()))
                        .append(" is not carried on by later hops: the router limits its ICMP answers,"
                                + " this is not forwarding loss\n");
            } else if (h.verdict() == LossVerdict.RATE_LIMITED) {
                out.append("Loss: hop ").append(hopLabel(h, options)).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f%%", h.stats().lossPercent()))
                        .append(" is the destination rate-limiting its ICMP errors (as Linux does by default),"
                                + " not loss; ICMP or TCP mode measures its loss\n");
            }
        }
        int from = trace.table().persistentLossFrom();
        if (from > 0) {
            HopSnapshot start = trace.table().hop(from).orElseThrow();
            HopSnapshot end = lastResponding(trace.hops());
            out.append("Loss: persistent from hop ").append(hopLabel(start, options))
                    .append(String.format(Locale.ROOT, ", %.1f%% at hop %d", end.stats().lossPercent(), end.ttl()))
                    .append('\n');
        }
        if (trace.paths().size() > 1) {
            List<List<InetAddress>> routes = trace.distinctRoutes();
            out.append("Paths: ").append(String.valueOf(routes.size())).append(" distinct of ")
                    .append(String.valueOf(trace.paths().size())).append(" flows\n");
            for (PathSnapshot p : trace.paths()) {
                out.append("  flow ").append(String.valueOf(p.flow())).append(" (").append(p.label()).append("):");
                for (InetAddress a : p.route()) {
                    out.append(' ').append(options.name(a));
                }
                HopSnapshot end = lastResponding(p.table().hops());
                if (end != null) {
                    out.append(String.format(Locale.ROOT, "  loss %.1f%% at hop %d", end.stats().lossPercent(),
                            end.ttl()));
                }
                if (p.table().persistentLossFrom() > 0) {
                    out.append(", persistent from hop ").append(String.valueOf(p.table().persistentLossFrom()));
                }
                out.append('\n');
            }
        }
    }

    private static String hopLabel(HopSnapshot h, FormatOptions options) {
        return h.ttl() + " (" + options.name(h.host()) + ")";
    }

    static HopSnapshot lastResponding(List<HopSnapshot> hops) {
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (hops.get(i).stats().received() > 0) {
                return hops.get(i);
            }
        }
        return null;
    }
}
