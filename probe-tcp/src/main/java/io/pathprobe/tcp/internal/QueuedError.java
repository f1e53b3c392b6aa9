package io.pathprobe.tcp.internal;

import java.net.InetAddress;

/**
 * An entry of the socket's error queue (IP_RECVERR): the kernel's {@code sock_extended_err} and the offender.
 * Placeholder until the core native layer's {@code SocketError} lands.
 */
record QueuedError(int errno, int origin, int icmpType, int icmpCode, int info, InetAddress offender) {
    static final int ORIGIN_LOCAL = 1;
    static final int ORIGIN_ICMP = 2;
    static final int ORIGIN_ICMP6 = 3;

    boolean isIcmp() {
        return origin == ORIGIN_ICMP || origin == ORIGIN_ICMP6;
    }
}
