package io.pathprobe.agent.policy;

import java.util.List;

/**
 * The address ranges an allow rule opens only by naming them: the rule's prefix must lie inside the range (see
 * {@link TargetPolicy}). Ranges nest or are disjoint; an address is judged by the most specific one it is in.
 */
final class SpecialRange {
    /** The table, documented in {@link TargetPolicy}'s class comment; keep the two in step. */
    static final List<SpecialRange> ALL = List.of(
            // IPv4
            of("0.0.0.0/8", "\"this network\", unspecified, RFC 1122"),
            of("10.0.0.0/8", "private, RFC 1918"),
            of("100.64.0.0/10", "carrier-grade NAT shared space, RFC 6598"),
            of("100.100.100.200/32", "cloud metadata, Alibaba Cloud"),
            of("127.0.0.0/8", "loopback"),
            of("168.63.129.16/32", "cloud platform endpoint, Azure WireServer"),
            of("169.254.0.0/16", "link-local, RFC 3927"),
            of("169.254.169.254/32", "cloud metadata, link-local, AWS/GCP/Azure/OpenStack"),
            of("172.16.0.0/12", "private, RFC 1918"),
            of("192.0.0.0/24", "IETF protocol assignments, RFC 6890"),
            of("192.0.2.0/24", "documentation TEST-NET-1, RFC 5737"),
            of("192.88.99.0/24", "6to4 relay anycast, deprecated by RFC 7526"),
            of("192.168.0.0/16", "private, RFC 1918"),
            of("198.18.0.0/15", "benchmarking, RFC 2544"),
            of("198.51.100.0/24", "documentation TEST-NET-2, RFC 5737"),
            of("203.0.113.0/24", "documentation TEST-NET-3, RFC 5737"),
            of("224.0.0.0/4", "multicast"),
            of("240.0.0.0/4", "reserved, RFC 1112"),
            of("255.255.255.255/32", "limited broadcast"),
            // IPv6
            of("::/3", "unassigned, outside global unicast 2000::/3"),
            of("::/8", "reserved by the IETF, includes IPv4-compatible ::/96"),
            of("::/128", "unspecified"),
            of("::1/128", "loopback"),
            ordinary("64:ff9b::/96"), // NAT64 well-known prefix: global; its embedded IPv4 address is checked
            of("64:ff9b:1::/48", "local-use NAT64, RFC 8215"),
            of("100::/64", "discard-only, RFC 6666"),
            of("2001::/23", "IETF protocol assignments, RFC 2928, includes Teredo 2001::/32"),
            of("2001:db8::/32", "documentation, RFC 3849"),
            of("3fff::/20", "documentation, RFC 9637"),
            of("4000::/2", "unassigned, outside global unicast 2000::/3"),
            of("5f00::/16", "SRv6 SIDs, RFC 9602"),
            of("8000::/1", "unassigned, outside global unicast 2000::/3"),
            of("fc00::/7", "private, unique local, RFC 4193"),
            of("fd00:ec2::254/128", "cloud metadata, AWS, unique local"),
            of("fe80::/10", "link-local"),
            of("fec0::/10", "site-local, deprecated by RFC 3879"),
            of("ff00::/8", "multicast"));

    final Cidr cidr;
    final String name;

    private SpecialRange(Cidr cidr, String name) {
        this.cidr = cidr;
        this.name = name;
    }

    private static SpecialRange of(String cidr, String name) {
        return new SpecialRange(Cidr.of(cidr), name);
    }

    /** Ordinary space carved out of a special range (its most specific entry, so the range does not apply). */
    private static SpecialRange ordinary(String cidr) {
        return new SpecialRange(Cidr.of(cidr), null);
    }

    /** The most specific special range holding the address, or {@code null} for ordinary address space. */
    static SpecialRange of(byte[] address) {
        SpecialRange best = null;
        for (SpecialRange r : ALL) {
            if (r.cidr.contains(address) && (best == null || r.cidr.length() > best.cidr.length())) {
                best = r;
            }
        }
        return best == null || best.name == null ? null : best;
    }

    @Override
    public String toString() {
        return cidr + " (" + name + ")";
    }
}
