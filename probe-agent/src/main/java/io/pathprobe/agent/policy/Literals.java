package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Address literals for {@link HostSyntax} and the allow rules, on top of core's strict parser
 * ({@link AddressText#ipv4Bytes}, {@link AddressText#ipv6Bytes}): addresses whose host name is their text (so no
 * reverse lookup ever happens), IPv4-mapped IPv6 as IPv4, and text for messages.
 */
final class Literals {
    private Literals() {
    }

    /**
     * The address for these bytes, IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as its IPv4 address: on a dual-stack
     * socket the kernel sends IPv4 packets for it, so it is that address. The literal text is set as the host
     * name so that no {@link InetAddress#getHostName()} call ever makes a reverse lookup.
     */
    static InetAddress address(byte[] bytes) {
        byte[] b = isMapped(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
        try {
            InetAddress plain = InetAddress.getByAddress(b);
            return InetAddress.getByAddress(AddressText.of(plain), b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + b.length, e);
        }
    }

    /** The canonical form of an address: an IPv4-mapped IPv6 address becomes its IPv4 address; others unchanged. */
    static InetAddress canonical(InetAddress a) {
        return isMapped(a.getAddress()) ? address(a.getAddress()) : a;
    }

    static boolean isMapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** Text for messages and rules: RFC 5952 for IPv6. */
    static String text(InetAddress a) {
        return AddressText.of(a);
    }

    /** {@code addr:port}, {@code [v6]:port}, or the bare address for port 0 (no port, e.g. ICMP). */
    static String endpoint(InetAddress a, int port) {
        String t = text(a);
        if (port == 0) {
            return t;
        }
        return (a.getAddress().length == 16 ? "[" + t + "]" : t) + ":" + port;
    }

    /** A user-supplied string made safe for one-line messages and logs: printable ASCII, at most 80 characters. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < s.length() && sb.length() < 81; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        if (sb.length() >= 81) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
