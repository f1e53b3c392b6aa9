package io.pathprobe.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Address literals as inet_ntop writes them and ping, traceroute and mtr print them: IPv6 in RFC 5952 form (lower-case
 * hex, the longest run of two or more zero groups, the first on a tie, written {@code ::}), e.g. {@code fd00::2}
 * where {@link InetAddress#getHostAddress()} gives {@code fd00:0:0:0:0:0:0:2}. No scope id. And the one parser of
 * them ({@link #parse}): strict, and never a name lookup.
 */
public final class AddressText {
    private AddressText() {
    }

    /**
     * The address an IP literal names, or {@code null} when {@code text} is not one: a canonical dotted quad
     * ({@link #ipv4Bytes}) or RFC 4291 IPv6 text ({@link #ipv6Bytes}), without brackets, zone or surrounding space.
     * Never looks a name up (unlike {@link InetAddress#getByName}, which also takes forms such as {@code 127.1} and
     * sends anything else to DNS). An IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.1}) gives the IPv4 address,
     * as {@code getByName} does.
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        byte[] b = text.indexOf(':') >= 0 ? ipv6Bytes(text) : ipv4Bytes(text);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes", e);
        }
    }

    /** Whether {@code text} is an IP address literal (as {@link #parse} takes it), so using it sends no DNS query. */
    public static boolean isLiteral(String text) {
        return parse(text) != null;
    }

    /**
     * The four bytes of a canonical dotted quad (decimal 0-255, no leading zeros, ASCII), or {@code null} for
     * anything else ({@code 127.1}, {@code 010.0.0.1} and names included).
     */
    public static byte[] ipv4Bytes(String s) {
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

    /**
     * The sixteen bytes of an RFC 4291 IPv6 text form (no brackets, no zone; a trailing dotted quad canonical too),
     * or {@code null} for anything else.
     */
    public static byte[] ipv6Bytes(String s) {
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
                byte[] v4 = count <= 6 ? ipv4Bytes(s.substring(start)) : null;
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

    public static String of(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero words (the first on a tie) becomes "::".
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
