package io.pathprobe.mtr;

import java.util.Locale;

/** How a trace probes each hop, as mtr's default ICMP mode, {@code --udp} and {@code --tcp}. */
public enum ProbeMode {
    /** ICMP echo requests; the destination answers with an echo reply (mtr's default). */
    ICMP("icmp"),
    /** UDP datagrams to a port (traceroute style); the destination answers with ICMP port unreachable. */
    UDP("udp"),
    /** TCP connects with a limited TTL ({@code mtr --tcp}); the destination answers with SYN-ACK or RST. */
    TCP("tcp");

    private final String kind;

    ProbeMode(String kind) {
        this.kind = kind;
    }

    /** The prober kind used for this mode's probes, e.g. {@code "icmp"}. */
    public String kind() {
        return kind;
    }

    /** Parses {@code icmp}, {@code udp} or {@code tcp} (any case). */
    public static ProbeMode parse(String s) {
        for (ProbeMode m : values()) {
            if (m.kind.equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown trace mode '" + s + "': use icmp, udp or tcp");
    }
}
