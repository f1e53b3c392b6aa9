package io.pathprobe.ticket.evidence;

import java.util.List;
import java.util.Objects;

/**
 * An MTR trace to the target in one mode, as the MTR module reports it.
 *
 * @param mode                  {@code "icmp"}, {@code "tcp"} or {@code "udp"}
 * @param port                  the destination port (TCP, UDP), or 0
 * @param rounds                how many rounds were sent
 * @param hops                  the hops in TTL order
 * @param persistentLossFromTtl the first hop from which loss continues to the destination, or {@code null} when
 *                              there is none
 * @param destinationReached    whether the target itself answered at least once
 * @param stopReason            why the trace stopped growing: e.g. {@code "destination reached"},
 *                              {@code "max TTL reached"}, {@code "unreachable from hop N"}
 * @param error                 why the trace could not run (e.g. no permission), or {@code null}
 * @param report                the trace in mtr's {@code --report} layout as the MTR module prints it, or
 *                              {@code null} (evidence from elsewhere); summary.txt prints it as is
 */
public record TraceEvidence(String mode, int port, long rounds, List<HopEvidence> hops, Integer persistentLossFromTtl,
                            boolean destinationReached, String stopReason, String error, String report) {
    public TraceEvidence {
        Objects.requireNonNull(mode, "mode");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    /** E.g. {@code mtr icmp} or {@code mtr tcp:443}. */
    public String label() {
        return "mtr " + mode + (port == 0 ? "" : ":" + port);
    }

    /** The highest TTL that answered at least once, or 0. */
    public int lastRespondingTtl() {
        int last = 0;
        for (HopEvidence h : hops) {
            if (h.received() > 0) {
                last = Math.max(last, h.ttl());
            }
        }
        return last;
    }

    /** The hop with {@code ttl}, or {@code null}. */
    public HopEvidence hop(int ttl) {
        for (HopEvidence h : hops) {
            if (h.ttl() == ttl) {
                return h;
            }
        }
        return null;
    }
}
