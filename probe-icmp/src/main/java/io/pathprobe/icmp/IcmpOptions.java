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
     * ICMP headers). Payloads of 8 bytes or more start with a random per-probe token (16 or more: and the send
     * time); a reply counts only if it carries the whole payload that was sent, and one with the token but other
     * bytes is reported as wrong data, never received. Payloads under 8 bytes have no room for the token: their
     * replies match on the (random) identifier and sequence and the exact bytes.
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

    /**
     * Paris-traceroute flows for IPv4: 0 to 65534 makes every echo request carry exactly this ICMP checksum while
     * its identifier, sequence, token and send time vary, so load balancers that hash the start of the ICMP header
     * (type, code, checksum) keep all probes with one value on one path. Two payload bytes, right after the token
     * and send time, are chosen to make the sum come out; the payload must therefore be at least
     * {@value #FLOW_CHECKSUM_MIN_PAYLOAD} bytes. -1 (the default) leaves the checksum to the data.
     *
     * <p>65535 is excluded: it is ones'-complement "negative zero", which no checksum computation yields (a ping
     * socket's kernel would send 0 instead). IPv6 is not supported: the kernel computes the ICMPv6 checksum over a
     * pseudo-header that includes the source address it selects for the route, which the prober does not know
     * when it encodes the probe; such requests are refused with an {@link IllegalArgumentException} (or a
     * local-error outcome when a host name resolves to an IPv6 address).
     */
    public static final ProbeOption<Integer> FLOW_CHECKSUM = new ProbeOption<>("flow-checksum", Integer.class, -1,
            v -> v >= -1 && v <= 65534, "-1 (off) or 0 to 65534");

    /** The smallest payload {@link #FLOW_CHECKSUM} works with: token (8), send time (8) and the 2 steering bytes. */
    public static final int FLOW_CHECKSUM_MIN_PAYLOAD = 18;

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
