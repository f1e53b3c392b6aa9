package io.pathprobe.mtr;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The figures of one flow identifier of a trace ({@code --paths N} probes N flows; Paris mode one): a flow follows
 * one load-balanced path, so each has its own hops and statistics.
 *
 * @param flow  flow number, from 0
 * @param label how the flow is identified on the wire, e.g. "source port 33434" or "icmp checksum 0x5a3c"
 * @param table its hops
 */
public record PathSnapshot(int flow, String label, HopTable table) {
    public PathSnapshot {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(table, "table");
    }

    /** The main address of each hop in order, {@code null} for a silent hop: flows with equal lists took one path. */
    public List<InetAddress> route() {
        List<InetAddress> r = new ArrayList<>();
        for (HopSnapshot h : table.hops()) {
            r.add(h.host());
        }
        return r;
    }
}
