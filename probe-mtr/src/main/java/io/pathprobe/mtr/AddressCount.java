package io.pathprobe.mtr;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One address that answered for a hop, with its own figures: an ECMP hop (or a path change) shows several.
 *
 * @param address   the responding address
 * @param replies   answers from this address
 * @param avgNanos  their mean RTT
 * @param bestNanos their lowest RTT
 * @param worstNanos their highest RTT
 */
public record AddressCount(InetAddress address, long replies, double avgNanos, long bestNanos, long worstNanos) {
    public AddressCount {
        Objects.requireNonNull(address, "address");
    }
}
