package io.pathprobe.udp;

import io.pathprobe.core.ProbeOption;

/**
 * Options of {@code "udp"} probe requests (traceroute-style UDP datagrams to a port, see {@link UdpProberProvider}).
 * The TTL / hop limit and TOS are the common {@link ProbeOption#TTL} and {@link ProbeOption#TOS}.
 */
public final class UdpOptions {
    /** Bytes a probe's payload carries to be recognised in the ICMP error that quotes it: key (4) and token (8). */
    public static final int MIN_PAYLOAD_SIZE = 12;

    /**
     * The local port probes leave from: 1 to 65535 binds exactly that port (a Paris-traceroute flow: every probe
     * with the same source port, destination and destination port follows one load-balanced path); 0 (the default)
     * lets the kernel pick one, kept for every probe of the engine with port 0. A port in use by another socket
     * ends the probe with a local error saying so.
     */
    public static final ProbeOption<Integer> SOURCE_PORT = new ProbeOption<>("source-port", Integer.class, 0,
            v -> v >= 0 && v <= 65535, "0 (kernel-chosen) to 65535");

    /** UDP payload bytes (after the UDP header): {@value #MIN_PAYLOAD_SIZE} to 65507; default 36 (mtr's 64-byte packet over IPv4). */
    public static final ProbeOption<Integer> PAYLOAD_SIZE = new ProbeOption<>("payload-size", Integer.class, 36,
            v -> v >= MIN_PAYLOAD_SIZE && v <= 65507, MIN_PAYLOAD_SIZE + " to 65507 bytes");

    private UdpOptions() {
    }
}
