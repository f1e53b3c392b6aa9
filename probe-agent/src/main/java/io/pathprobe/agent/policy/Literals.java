package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict address-literal parsing shared by {@link HostSyntax} and the allow rules: only a canonical dotted quad for
 * IPv4 and RFC 4291 text for IPv6 (whose optional trailing dotted quad must be canonical too). Nothing here calls
 * {@link InetAddress#getByName}, whose own parser accepts forms such as {@code 127.1}.
 */
final class Literals {
    private Literals() {
    }

    /** The four bytes of a canonical dotted quad (decimal 0-255, no leading zeros, ASCII), or {@code null}. */
    static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    /** The sixteen bytes of an RFC 4291 IPv6 text form (no brackets, no zone), or {@code null}. */
    static byte[] ipv6(String s) {
        int n = s.length();
        if (n < 2 || n > 45) {
            return null;
        }
        int[] words = new int[8];
        int count = 0;
        int gap = -1; // index in words where "::" stands
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return new byte[16];
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
                value = value * 16 + Character.digit(s.charAt(i), 16);
                i++;
            }
            int digits = i - start;
            if (i < n && s.charAt(i) == '.') {
                // A trailing dotted quad: the last 32 bits, in canonical form only.
                byte[] v4 = count <= 6 ? ipv4(s.substring(start)) : null;
                if (v4 == null) {
                    return null;
                }
                words[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                words[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = n;
                break;
            }
            if (digits == 0 || digits > 4) {
                return null;
            }
            words[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // a single trailing ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int w = 0; w < count; w++) {
            int at = gap >= 0 && w >= gap ? 8 - tail + (w - gap) : w;
            out[2 * at] = (byte) (words[w] >>> 8);
            out[2 * at + 1] = (byte) words[w];
        }
        return out;
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
