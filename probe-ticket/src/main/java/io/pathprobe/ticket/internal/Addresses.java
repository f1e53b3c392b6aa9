package io.pathprobe.ticket.internal;

import io.pathprobe.core.AddressText;

import java.net.InetAddress;
import java.util.Objects;

/** Address literals: parsed, compared and classified without ever looking a name up (no DNS traffic). */
public final class Addresses {
    private Addresses() {
    }

    /** Parses an IPv4 or IPv6 literal ({@link AddressText#parse}), or returns {@code null} for anything else. */
    public static InetAddress literal(String s) {
        return AddressText.parse(s);
    }

    /** Parses a literal, or throws naming {@code what} and what is expected. */
    public static InetAddress require(String s, String what) {
        InetAddress a = literal(s == null ? null : s.trim());
        if (a == null) {
            throw new IllegalArgumentException(what + " '" + s + "' is not an IP address: give an IPv4 or IPv6"
                    + " address literal, e.g. 10.0.0.5 or 2001:db8::5");
        }
        return a;
    }

    /** Whether two literals name the same address ({@code ::1} equals {@code 0:0:0:0:0:0:0:1}). */
    public static boolean same(String a, String b) {
        if (Objects.equals(a, b)) {
            return a != null;
        }
        InetAddress x = literal(a);
        return x != null && x.equals(literal(b));
    }

    /** Private, link-local, loopback, carrier-grade NAT or unique-local space: not a public address. */
    public static boolean isPrivate(String s) {
        InetAddress a = literal(s);
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        boolean ula = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isLoopbackAddress() || cgnat || ula;
    }

    /** Whether literal {@code s} lies in {@code prefix} ({@code 10.0.1.0/24}, {@code fd00:1::/64}); false for junk. */
    public static boolean inPrefix(String s, String prefix) {
        int slash = prefix == null ? -1 : prefix.indexOf('/');
        InetAddress a = literal(s);
        InetAddress net = slash < 0 ? null : literal(prefix.substring(0, slash));
        if (a == null || net == null) {
            return false;
        }
        byte[] x = a.getAddress();
        byte[] y = net.getAddress();
        int bits;
        try {
            bits = Integer.parseInt(prefix.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (x.length != y.length || bits < 0 || bits > 8 * x.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((x[i / 8] & mask) != (y[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
