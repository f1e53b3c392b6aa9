package io.pathprobe.tcp.internal;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.internal.nativeio.SocketConstants;
import io.pathprobe.core.internal.nativeio.SocketError;

import java.net.InetAddress;

/** Turns a failed connect (its errno and the socket's error-queue entry, if any) into an outcome. Pure. */
final class Outcomes {
    private static final int ICMP_FRAG_NEEDED = 4;

    private Outcomes() {
    }

    /**
     * @param cause   the errno-level cause the transport reported, or {@code null} if unknown
     * @param queued  the socket's error-queue entry, or {@code null} (none, or NIO)
     * @param target  the probed address
     * @param elapsed nanoseconds from connect() to the failure
     * @param what    what failed, for a local error's message, e.g. "connect to 10.0.0.1:80"
     * @param failure the exception, for a local error's message when no errno is known
     */
    static ProbeOutcome failed(ErrnoCause cause, SocketError queued, InetAddress target, long elapsed, String what,
            Throwable failure) {
        if (queued != null && queued.isIcmp()) {
            ErrnoCause icmpCause = queued.errno() > 0 ? Errnos.cause(queued.errno()) : cause;
            boolean v6 = queued.origin() == SocketConstants.SO_EE_ORIGIN_ICMP6;
            int timeExceeded = v6 ? IcmpCodes.ICMP6_TIME_EXCEEDED : IcmpCodes.ICMP_TIME_EXCEEDED;
            if (queued.icmpType() == timeExceeded && queued.offender() != null) {
                return new ProbeOutcome.TtlExceeded(elapsed, queued.offender(), queued.icmpCode());
            }
            // An ICMP error, even a port unreachable (ECONNREFUSED) from a firewall's reject rule, is reported as
            // unreachable with its sender: it is not the target's RST.
            boolean mtuError = v6 ? queued.icmpType() == IcmpCodes.ICMP6_PACKET_TOO_BIG
                    : queued.icmpType() == IcmpCodes.ICMP_DEST_UNREACH && queued.icmpCode() == ICMP_FRAG_NEEDED;
            return new ProbeOutcome.Unreachable(elapsed, queued.offender(), queued.icmpType(), queued.icmpCode(),
                    mtuError ? queued.info() : 0, icmpCause);
        }
        if (cause == null && queued != null && queued.errno() > 0) {
            cause = Errnos.cause(queued.errno());
        }
        if (cause == null) {
            return new ProbeOutcome.LocalError(what + " failed: " + failure, null);
        }
        switch (cause.errno()) {
            case SocketConstants.ECONNREFUSED:
                return new ProbeOutcome.Refused(elapsed, target, cause);
            case SocketConstants.EHOSTUNREACH:
            case SocketConstants.ENETUNREACH:
            case SocketConstants.EHOSTDOWN:
            case SocketConstants.ENETDOWN:
                return new ProbeOutcome.Unreachable(elapsed, null, -1, -1, 0, cause);
            case SocketConstants.ETIMEDOUT: // the kernel gave up retransmitting the SYN before our timeout
                return new ProbeOutcome.TimedOut(elapsed);
            default:
                return new ProbeOutcome.LocalError(what + " failed: " + cause, cause);
        }
    }
}
