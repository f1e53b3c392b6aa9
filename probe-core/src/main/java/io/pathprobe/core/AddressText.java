package io.pathprobe.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Address literals as inet_ntop writes them and ping, traceroute and mtr print them: IPv6 in RFC 5952 form (lower-case
 * hex, the longest run of two or more zero groups, the first on a tie, written {@code ::}), e.g. {@code fd00::2}
 * where {@link InetAddress#getHostAddress()} gives {@code fd00:0:0:0:0:0:0:2}. No scope id.
 */
public final class AddressText {
    private AddressText() {
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
