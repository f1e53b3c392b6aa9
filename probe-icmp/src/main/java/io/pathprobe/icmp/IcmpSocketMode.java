package io.pathprobe.icmp;

/** Which kind of ICMP socket sends the echoes. */
public enum IcmpSocketMode {
    /**
     * The unprivileged ICMP datagram ("ping") socket when {@code net.ipv4.ping_group_range} admits this process,
     * else a raw socket — the order iputils ping uses.
     */
    AUTO,
    /** The unprivileged ping socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP}/{@code IPPROTO_ICMPV6}). */
    DGRAM,
    /** A raw socket ({@code SOCK_RAW}); needs root or {@code CAP_NET_RAW}. */
    RAW
}
