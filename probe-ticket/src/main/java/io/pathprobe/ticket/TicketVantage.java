package io.pathprobe.ticket;

import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.VantagePoint;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where a ticket capture measures from. Every vantage point runs the same plan, so that "only from here" can be
 * told from "from everywhere". Two kinds run on this host with a {@link io.pathprobe.core.ProbeEngine}:
 * {@link EngineVantage#local} (optionally bound to a source address or an interface) and
 * {@link EngineVantage#namespace} (a Linux network namespace). A remote agent would be a third implementation of
 * this interface whose capture runs elsewhere and returns the same
 * {@link io.pathprobe.ticket.evidence.VantageEvidence}.
 */
public interface TicketVantage {
    /** Stable identifier for output, e.g. {@code local}, {@code src:10.0.0.2}, {@code netns:lab1}. */
    String id();

    /** {@code local}, {@code netns}, ... */
    String kind();

    /** Descriptive key/values for the report. */
    Map<String, String> details();

    /**
     * Parses a {@code --vantage} value: {@code local}; {@code netns:NAME}; {@code src:ADDR} or a bare address
     * literal; {@code dev:IFACE} (or {@code if:IFACE}). A namespace may be combined with a source address or
     * interface inside it: {@code netns:NAME,src:ADDR}.
     *
     * @throws IllegalArgumentException naming the part that is wrong and the accepted forms
     */
    static TicketVantage parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--vantage needs a value: local, netns:NAME, src:ADDR or dev:IFACE");
        }
        String ns = null;
        Optional<InetAddress> src = Optional.empty();
        Optional<String> dev = Optional.empty();
        for (String part : spec.trim().split(",")) {
            String p = part.trim();
            if (p.equals("local")) {
                continue;
            }
            if (p.startsWith("netns:")) {
                ns = p.substring(6);
                io.pathprobe.core.internal.nativeio.NetworkNamespaces.path(ns); // checks the name's form
            } else if (p.startsWith("src:")) {
                src = Optional.of(io.pathprobe.ticket.internal.Addresses.require(p.substring(4), "--vantage source"));
            } else if (p.startsWith("dev:") || p.startsWith("if:")) {
                dev = Optional.of(p.substring(p.indexOf(':') + 1));
            } else if (io.pathprobe.ticket.internal.Addresses.literal(p) != null) {
                src = Optional.of(io.pathprobe.ticket.internal.Addresses.literal(p));
            } else {
                throw new IllegalArgumentException("--vantage '" + spec + "': '" + p + "' is not understood; use"
                        + " local, netns:NAME, src:ADDR (or an address), dev:IFACE, or netns:NAME,src:ADDR");
            }
        }
        LocalVantagePoint point = new LocalVantagePoint(src, dev);
        return ns == null ? EngineVantage.local(point) : EngineVantage.namespace(ns, point);
    }

    /** The vantage point of this host as the kernel routes (no binding). */
    static TicketVantage local() {
        return EngineVantage.local(VantagePoint.local());
    }
}
