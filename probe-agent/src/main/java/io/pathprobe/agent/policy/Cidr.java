package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix: the network's bytes (host bits zero) and the prefix length. */
final class Cidr {
    private final byte[] network;
    private final int length;

    private Cidr(byte[] network, int length) {
        this.network = network;
        this.length = length;
    }

    /** A prefix written in the special-range table; must be well-formed (a programming error otherwise). */
    static Cidr of(String text) {
        return parse(text, text);
    }

    /**
     * Parses {@code ADDR/LEN} or a bare {@code ADDR} (one address: /32 or /128), strictly: canonical IPv4 only,
     * decimal length without leading zeros, and no host bits set. {@code rule} names the rule in messages.
     */
    static Cidr parse(String text, String rule) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        byte[] b = v6 ? AddressText.ipv6Bytes(addr) : AddressText.ipv4Bytes(addr);
        if (b == null) {
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": " + Literals.quote(addr)
                    + " is not " + (v6 ? "an IPv6 address" : "a canonical IPv4 address (four decimal numbers 0-255"
                    + " without leading zeros, e.g. 10.0.0.0)"));
        }
        int max = b.length * 8;
        int len = max;
        if (slash >= 0) {
            String l = text.substring(slash + 1);
            if (!l.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(l) > max) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": prefix length "
                        + Literals.quote(l) + " is not a number from 0 to " + max);
            }
            len = Integer.parseInt(l);
        }
        Cidr c = new Cidr(b, len);
        if (!Arrays.equals(mask(b, len), b)) {
            Cidr network = new Cidr(mask(b, len), len);
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": " + text + " has host bits"
                    + " set: use " + network + " for the network, or " + addrText(b) + "/" + max
                    + " for the one address");
        }
        return c;
    }

    private static byte[] mask(byte[] b, int len) {
        byte[] out = b.clone();
        for (int bit = len; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    boolean isIpv6() {
        return network.length == 16;
    }

    int length() {
        return length;
    }

    /** Whether the address (as bytes, 4 or 16) lies in this prefix; an IPv4 address is never in an IPv6 one. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = length % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (address[full] & m) == (network[full] & m);
    }

    boolean contains(InetAddress a) {
        return contains(a.getAddress());
    }

    /** Whether every address of {@code other} lies in this prefix. */
    boolean contains(Cidr other) {
        return other.length >= length && contains(other.network);
    }

    /** Address text for network bytes; IPv6 stays IPv6 even inside ::ffff:0:0/96. */
    private static String addrText(byte[] b) {
        try {
            InetAddress a = b.length == 16
                    ? Inet6Address.getByAddress(null, b, (NetworkInterface) null) : InetAddress.getByAddress(b);
            return Literals.text(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return addrText(network) + "/" + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.length == length && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + length;
    }
}
