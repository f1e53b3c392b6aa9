package io.pathprobe.mtr;

import io.pathprobe.core.stats.StatsSnapshot;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One hop (TTL) of a trace at one moment.
 *
 * @param ttl                 the TTL / hop number
 * @param stats               mtr's statistics of every probe sent with this TTL (a Time Exceeded counts as a reply)
 * @param addresses           every address that answered, the main one first (most replies; first seen on a tie),
 *                            the others in the order first seen; empty for a silent hop ({@code ???})
 * @param otherAddressReplies replies from further addresses beyond those kept (a hop keeps at most
 *                            {@link TraceStatistics#MAX_ADDRESSES_PER_HOP}, for constant memory)
 * @param destination         whether the destination itself answered at this TTL
 * @param unreachable         how an Unreachable at this hop read, e.g. "host unreachable from 10.0.0.1"; empty if none
 * @param verdict             how to read this hop's loss
 */
public record HopSnapshot(int ttl, StatsSnapshot stats, List<AddressCount> addresses, long otherAddressReplies,
                          boolean destination, String unreachable, LossVerdict verdict) {
    public HopSnapshot {
        Objects.requireNonNull(stats, "stats");
        addresses = List.copyOf(addresses);
        unreachable = unreachable == null ? "" : unreachable;
        Objects.requireNonNull(verdict, "verdict");
    }

    /** The main responding address, or {@code null} for a silent hop. */
    public InetAddress host() {
        return addresses.isEmpty() ? null : addresses.get(0).address();
    }

    /** Probes that ended (answered or timed out): mtr's {@code xmit − transit}. */
    public long answeredOrLost() {
        return stats.sent() - stats.inFlight();
    }

    /** Probes that ended without an answer: mtr's Drop. */
    public long lost() {
        return stats.dropped();
    }

    HopSnapshot withVerdict(LossVerdict v) {
        return new HopSnapshot(ttl, stats, addresses, otherAddressReplies, destination, unreachable, v);
    }
}
