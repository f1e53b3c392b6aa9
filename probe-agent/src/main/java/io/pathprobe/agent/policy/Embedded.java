package io.pathprobe.agent.policy;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 address carried inside an IPv6 one, where packets to the IPv6 address reach the IPv4 one (through a
 * translator, a relay or a tunnel), so the policy checks both. IPv4-mapped addresses are not here: they are
 * canonicalised to their IPv4 address before any check ({@link Literals#canonical}).
 */
final class Embedded {
    private static final Cidr COMPATIBLE = Cidr.of("::/96");
    private static final Cidr TRANSLATED = Cidr.of("::ffff:0:0:0/96");
    private static final Cidr NAT64 = Cidr.of("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.of("2002::/16");

    final InetAddress ipv4;
    final String how;

    private Embedded(byte[] v4, String how) {
        this.ipv4 = Literals.address(v4);
        this.how = how;
    }

    /** The embedded IPv4 address of {@code a}, or {@code null} when it carries none. */
    static Embedded of(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16) {
            return null;
        }
        byte[] last = Arrays.copyOfRange(b, 12, 16);
        if (NAT64.contains(b)) {
            return new Embedded(last, "NAT64 well-known prefix 64:ff9b::/96, RFC 6052");
        }
        if (SIX_TO_FOUR.contains(b)) {
            return new Embedded(Arrays.copyOfRange(b, 2, 6), "6to4 prefix 2002::/16, RFC 3056");
        }
        if (TRANSLATED.contains(b)) {
            return new Embedded(last, "IPv4-translated ::ffff:0:0:0/96, RFC 2765");
        }
        // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
        boolean unspecifiedOrLoopback = (last[0] | last[1] | last[2]) == 0 && (last[3] & 0xfe) == 0;
        if (COMPATIBLE.contains(b) && !unspecifiedOrLoopback) {
            return new Embedded(last, "IPv4-compatible ::/96, deprecated by RFC 4291");
        }
        return null;
    }
}
