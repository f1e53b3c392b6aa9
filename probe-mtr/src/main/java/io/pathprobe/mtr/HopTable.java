package io.pathprobe.mtr;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hops of a trace as shown (from the first TTL up to the destination, the hop that reported unreachable, or one
 * past the last responding hop, as mtr shows them), with why the list ends and where persistent loss begins.
 *
 * @param hops               the hops, in TTL order
 * @param stop               why the list ends
 * @param persistentLossFrom the first hop from which loss carries on to the last hop (see {@link LossAnalysis}),
 *                           or 0 when there is none (or too few probes to tell)
 */
public record HopTable(List<HopSnapshot> hops, StopReason stop, int persistentLossFrom) {
    public HopTable {
        hops = List.copyOf(hops);
        Objects.requireNonNull(stop, "stop");
    }

    /** The hop with TTL {@code ttl}, if shown. */
    public Optional<HopSnapshot> hop(int ttl) {
        return hops.stream().filter(h -> h.ttl() == ttl).findFirst();
    }
}
