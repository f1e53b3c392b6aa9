package io.pathprobe.icmp;

import io.pathprobe.core.ProbeOption;

/**
 * Options of {@code "icmp"} probe requests, like ping's. The TTL / hop limit ({@code -t}) and TOS / traffic class
 * ({@code -Q}) are the common {@link ProbeOption#TTL} and {@link ProbeOption#TOS}; source address and interface
 * ({@code -I}) come from the request's vantage point.
 */
public final class IcmpOptions {
    /** ping's default payload size: 56 bytes, 64 with the ICMP header. */
    public static final int DEFAULT_PAYLOAD_SIZE = 56;

    /**
     * Echo payload bytes after the 8-byte ICMP header, like ping's {@code -s}: 0 to 65507 (65535 less the IPv4 and
     * ICMP headers). Payloads of 16 bytes or more carry a per-probe token and the send time, so replies are
     * verified; shorter ones match on identifier and sequence alone.
     */
    public static final ProbeOption<Integer> PAYLOAD_SIZE = new ProbeOption<>("payload-size", Integer.class,
            DEFAULT_PAYLOAD_SIZE, v -> v >= 0 && v <= 65507, "0 to 65507 bytes");

    /**
     * Bytes that fill the payload after the token and send time, as hex like ping's {@code -p} (e.g.
     * {@code "ff00"}): 1 to 16 bytes. Empty (the default) fills byte i with i, as ping does.
     */
    public static final ProbeOption<String> PATTERN = new ProbeOption<>("pattern", String.class, "",
            IcmpOptions::validPattern, "empty or 1 to 16 bytes as an even number of hex digits, e.g. ff00");

    /** Set the IPv4 Don't Fragment bit (IPv6 never fragments in transit); like ping's {@code -M do}. */
    public static final ProbeOption<Boolean> DONT_FRAGMENT =
            new ProbeOption<>("dont-fragment", Boolean.class, false, v -> true, "true or false");

    /** Which socket kind to use; {@link IcmpSocketMode#AUTO} (the default) picks as iputils ping does. */
    public static final ProbeOption<IcmpSocketMode> SOCKET_MODE = new ProbeOption<>("socket-mode",
            IcmpSocketMode.class, IcmpSocketMode.AUTO, v -> true, "AUTO, DGRAM or RAW");

    private IcmpOptions() {
    }

    private static boolean validPattern(String hex) {
        if (hex.isEmpty()) {
            return true;
        }
        if (hex.length() % 2 != 0 || hex.length() > 32) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
