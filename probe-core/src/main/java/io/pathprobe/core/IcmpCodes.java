package io.pathprobe.core;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Names of ICMP / ICMPv6 Destination Unreachable codes, as a person reading ping or mtr output knows them. */
public final class IcmpCodes {
    /** ICMPv4 Destination Unreachable. */
    public static final int ICMP_DEST_UNREACH = 3;
    /** ICMPv4 Time Exceeded. */
    public static final int ICMP_TIME_EXCEEDED = 11;
    /** ICMPv6 Destination Unreachable. */
    public static final int ICMP6_DST_UNREACH = 1;
    /** ICMPv6 Packet Too Big. */
    public static final int ICMP6_PACKET_TOO_BIG = 2;
    /** ICMPv6 Time Exceeded. */
    public static final int ICMP6_TIME_EXCEEDED = 3;

    private static final String[] V4 = {
        "network unreachable", "host unreachable", "protocol unreachable", "port unreachable",
        "fragmentation needed", "source route failed", "destination network unknown",
        "destination host unknown", "source host isolated", "network administratively prohibited",
        "host administratively prohibited", "network unreachable for TOS", "host unreachable for TOS",
        "communication administratively prohibited", "host precedence violation", "precedence cutoff in effect",
    };
    private static final String[] V6 = {
        "no route to destination", "communication administratively prohibited", "beyond scope of source address",
        "address unreachable", "port unreachable", "source address failed ingress/egress policy",
        "reject route to destination",
    };

    private IcmpCodes() {
    }

    /** Describes a Destination Unreachable (or, for IPv6, Packet Too Big) in words. */
    public static String describeUnreachable(InetAddress responder, int type, int code, int mtu, ErrnoCause cause) {
        boolean v6 = responder instanceof Inet6Address;
        String text;
        if (type < 0 || code < 0) {
            text = cause != null ? cause.message().toLowerCase(java.util.Locale.ROOT) : "unreachable";
        } else if (v6 && type == ICMP6_PACKET_TOO_BIG) {
            text = "packet too big (mtu " + mtu + ")";
        } else if (v6 && type == ICMP6_DST_UNREACH) {
            text = code < V6.length ? V6[code] : "destination unreachable, code " + code;
        } else if (!v6 && type == ICMP_DEST_UNREACH) {
            text = code < V4.length ? V4[code] : "destination unreachable, code " + code;
            if (code == 4 && mtu > 0) {
                text += " (mtu " + mtu + ")";
            }
        } else {
            text = "icmp type " + type + " code " + code;
        }
        return responder == null ? text : text + " from " + responder.getHostAddress();
    }
}
