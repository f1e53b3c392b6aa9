package io.pathprobe.mtr;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import io.pathprobe.core.AddressText;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.util.List;

/**
 * mtr's {@code --json} shape with numbers as numbers (mtr 0.95's), plus pathprobe's additions in keys mtr does not
 * use, so a reader of mtr's JSON reads ours:
 * <pre>
 * {"report": {
 *    "mtr":  {"src", "dst", "tos", "tests", "psize", "bitpattern", + "mode", "port", "paths"},
 *    "hubs": [{"count": 1, "host": "10.0.0.1" (a name with reverse DNS), "Loss%": 0.0, "Snt": 10, ...,
 *              + "addresses": [{"host", "ip" (the address, also when "host" is a name), "count", "Avg", "Best",
 *                "Wrst"}], "lossVerdict": "no-loss"}],
 *    + "stop": {"reason", "hop", "host", "lastRespondingHop", "detail", "text"},
 *    + "persistentLossFromHop": 3 (or null),
 *    + "paths": [{"flow", "label", "route", "stop", "persistentLossFromHop", "hubs"}], "distinctRoutes": 1}}
 * </pre>
 * RTTs are milliseconds and Loss% percent, rounded to 3 decimals (mtr's microsecond resolution); the space field
 * is left out, as in mtr.
 */
public final class MtrJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** mtr's layout: four spaces an indent, and {@code "key": value} (Jackson's default puts a space before the colon). */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n")));

    private MtrJson() {
    }

    /** The JSON tree. */
    public static ObjectNode tree(TraceSnapshot trace, FormatOptions options) {
        TraceHeader info = trace.info();
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode report = root.putObject("report");
        ObjectNode mtr = report.putObject("mtr");
        mtr.put("src", info.source());
        mtr.put("dst", info.targetHost());
        mtr.put("tos", Math.max(0, info.tos()));
        mtr.put("tests", info.count());
        mtr.put("psize", Integer.toString(info.packetSize()));
        mtr.put("bitpattern", "0x00");
        mtr.put("mode", info.mode().kind());
        mtr.put("port", info.port());
        mtr.put("paths", info.paths());
        hubs(report.putArray("hubs"), trace.hops(), options);
        stop(report.putObject("stop"), trace.stop());
        persistent(report, trace.table());
        ArrayNode paths = report.putArray("paths");
        for (PathSnapshot p : trace.paths()) {
            ObjectNode path = paths.addObject();
            path.put("flow", p.flow());
            path.put("label", p.label());
            ArrayNode route = path.putArray("route");
            p.route().forEach(a -> route.add(options.name(a)));
            stop(path.putObject("stop"), p.table().stop());
            persistent(path, p.table());
            hubs(path.putArray("hubs"), p.table().hops(), options);
        }
        report.put("distinctRoutes", trace.distinctRoutes().size());
        return root;
    }

    /** The JSON text, indented like mtr's, ending with a newline. */
    public static String format(TraceSnapshot trace, FormatOptions options) {
        try {
            return PRETTY.writeValueAsString(tree(trace, options)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #format} to {@code out}. */
    public static void write(TraceSnapshot trace, FormatOptions options, Writer out) {
        try {
            out.write(format(trace, options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void hubs(ArrayNode hubs, List<HopSnapshot> hops, FormatOptions options) {
        for (HopSnapshot h : hops) {
            ObjectNode hub = hubs.addObject();
            hub.put("count", h.ttl());
            hub.put("host", options.name(h.host()));
            for (MtrField f : options.fields()) {
                if (f.isSpace()) {
                    continue;
                }
                if (f.isCount()) {
                    hub.put(f.title(), (long) f.value(h.stats()));
                } else {
                    hub.put(f.title(), round3(f.value(h.stats())));
                }
            }
            ArrayNode addresses = hub.putArray("addresses");
            for (AddressCount a : h.addresses()) {
                ObjectNode o = addresses.addObject();
                o.put("host", options.name(a.address()));
                o.put("ip", AddressText.of(a.address()));
                o.put("count", a.replies());
                o.put("Avg", round3(a.avgNanos() / 1e6));
                o.put("Best", round3(a.bestNanos() / 1e6));
                o.put("Wrst", round3(a.worstNanos() / 1e6));
            }
            if (h.otherAddressReplies() > 0) {
                hub.put("otherAddressReplies", h.otherAddressReplies());
            }
            hub.put("lossVerdict", label(h.verdict()));
            if (!h.unreachable().isEmpty()) {
                hub.put("unreachable", h.unreachable());
            }
        }
    }

    private static void stop(ObjectNode o, StopReason stop) {
        o.put("reason", stop.kind().label());
        o.put("hop", stop.hop());
        InetAddress r = stop.responder();
        if (r == null) {
            o.putNull("host");
        } else {
            o.put("host", AddressText.of(r));
        }
        o.put("lastRespondingHop", stop.lastRespondingHop());
        o.put("detail", stop.detail());
        o.put("text", stop.describe());
    }

    private static void persistent(ObjectNode o, HopTable table) {
        if (table.persistentLossFrom() > 0) {
            o.put("persistentLossFromHop", table.persistentLossFrom());
        } else {
            o.putNull("persistentLossFromHop");
        }
    }

    /** E.g. {@code "not-carried-on"}. */
    static String label(LossVerdict v) {
        return v.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
