package io.pathprobe.ticket.evidence;

import java.util.List;

/**
 * One hop (TTL) of an MTR trace with mtr's statistics. RTT figures are {@code null} when nothing answered.
 *
 * @param ttl              the TTL / hop number, from 1
 * @param addresses        every address that answered at this TTL (more than one under ECMP), first the most seen
 * @param lossNotCarriedOn whether this hop's loss does not continue to later hops (the router rate-limits or
 *                         de-prioritises ICMP; not forwarding loss)
 * @param destination      whether this hop is the target itself
 */
public record HopEvidence(int ttl, List<String> addresses, long sent, long received, double lossPercent,
                          Double lastMs, Double avgMs, Double bestMs, Double worstMs, Double stdevMs,
                          boolean lossNotCarriedOn, boolean destination) {
    public HopEvidence {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    /** The first address, or {@code ???} as mtr shows a hop that never answered. */
    public String host() {
        return addresses.isEmpty() ? "???" : addresses.get(0);
    }
}
