package io.pathprobe.cli;

import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeOutcome;

import java.net.Inet6Address;
import java.util.Locale;

/**
 * iputils ping's words for ICMP errors, so that a {@code From ...} line reads as ping's does (people grep for
 * them): ICMPv4 as in {@code Destination Net Unreachable}, ICMPv6 as in
 * {@code Destination unreachable: Address unreachable}. The words are ping's; {@link IcmpCodes} has pathprobe's
 * own, used everywhere else.
 */
final class IputilsText {
    private static final String[] UNREACHABLE_V4 = {
        "Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
        "Destination Port Unreachable", null, "Source Route Failed", "Destination Net Unknown",
        "Destination Host Unknown", "Source Host Isolated", "Destination Net Prohibited",
        "Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
        "Destination Host Unreachable for Type of Service", "Packet filtered", "Precedence Violation",
        "Precedence Cutoff",
    };
    private static final String[] UNREACHABLE_V6 = {
        "No route", "Administratively prohibited", "Beyond scope of source address", "Address unreachable",
        "Port unreachable",
    };
    private static final int FRAG_NEEDED = 4;

    private IputilsText() {
    }

    /** The words after {@code icmp_seq=N} for a Destination Unreachable (or ICMPv6 Packet Too Big). */
    static String unreachable(ProbeOutcome.Unreachable u) {
        int type = u.icmpType();
        int code = u.icmpCode();
        if (type < 0 || code < 0) {
            // No ICMP message: the kernel's own verdict (e.g. no neighbour answered ARP), in its words.
            return u.cause() != null ? u.cause().message() : "Destination Host Unreachable";
        }
        if (u.responder() instanceof Inet6Address) {
            if (type == IcmpCodes.ICMP6_PACKET_TOO_BIG) {
                return "Packet too big: mtu=" + u.mtu();
            }
            if (type != IcmpCodes.ICMP6_DST_UNREACH) {
                return "Unknown icmp type: " + type;
            }
            return "Destination unreachable: " + (code < UNREACHABLE_V6.length ? UNREACHABLE_V6[code] : "Unknown code " + code);
        }
        if (type != IcmpCodes.ICMP_DEST_UNREACH) {
            return "Bad ICMP type: " + type;
        }
        if (code == FRAG_NEEDED) {
            return "Frag needed and DF set (mtu = " + u.mtu() + ")";
        }
        return code < UNREACHABLE_V4.length ? UNREACHABLE_V4[code] : "Dest Unreachable, Bad Code: " + code;
    }

    /** The words for a Time Exceeded of {@code code}. */
    static String timeExceeded(boolean v6, int code) {
        if (v6) {
            return "Time exceeded: " + (code <= 0 ? "Hop limit" : code == 1 ? "Defragmentation failure" : "code " + code);
        }
        return code <= 0 ? "Time to live exceeded" : code == 1 ? "Frag reassembly time exceeded"
                : String.format(Locale.ROOT, "Time exceeded, Bad Code: %d", code);
    }
}
