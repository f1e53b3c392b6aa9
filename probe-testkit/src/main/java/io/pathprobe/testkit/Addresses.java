package io.pathprobe.testkit;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Address text as ping, traceroute and mtr print it, for comparing their output with lab addresses. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * The canonical text of {@code address} (RFC 5952 for IPv6: lower-case hex, no leading zeros, the longest
     * run of two or more zero groups, the first on a tie, written {@code ::}), e.g. {@code fd00:91:70:3::2}
     * where {@link InetAddress#getHostAddress()} gives {@code fd00:91:70:3:0:0:0:2}. No scope id.
     */
    public static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
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
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
