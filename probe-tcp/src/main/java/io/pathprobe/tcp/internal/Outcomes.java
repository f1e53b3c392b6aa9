package io.pathprobe.tcp.internal;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Turns a failed connect (its errno and the socket's error-queue entry, if any) into an outcome. Pure. */
final class Outcomes {
    private static final int ICMP_FRAG_NEEDED = 4;

    private Outcomes() {
    }

    /**
     * Whether an ICMP error queued on a connecting socket quotes this connection's SYN: the quoted destination
     * ({@code msg_name}) is the remote address and port, and the quoted TCP header's ports are the socket's.
     *
     * <p>The kernel has already checked more than this before it queues anything (tcp_v4_err, tcp_v6_err): it
     * looks the socket up by the quoted 4-tuple, and for a socket in SYN-SENT it drops the error unless the
     * quoted sequence number lies in [snd_una, snd_nxt], i.e. is the SYN's random 32-bit ISN (counted as
     * OutOfWindowIcmps in {@code nstat}). A blind attacker therefore needs the ephemeral source port and the ISN,
     * about 2^47 guesses; this check only keeps a malformed entry from being taken as evidence.
     *
     * @param localPort the socket's local port, 0 when unknown (then only the destination port is compared)
     */
    static boolean quotesConnection(SocketError e, InetSocketAddress quotedDestination, InetSocketAddress remote,
            int localPort) {
        if (quotedDestination != null && (quotedDestination.getPort() != remote.getPort()
                || quotedDestination.getAddress() == null || remote.getAddress() == null
                || !java.util.Arrays.equals(quotedDestination.getAddress().getAddress(),
                        remote.getAddress().getAddress()))) {
            return false; // compared as bytes: a link-local quote carries a scope id the target may lack
        }
        byte[] q = e.quotedPayload();
        if (q.length < 8) {
            return quotedDestination != null; // no TCP header quoted: only the kernel's checks stand
        }
        int sport = (q[0] & 0xff) << 8 | (q[1] & 0xff);
        int dport = (q[2] & 0xff) << 8 | (q[3] & 0xff);
        return dport == remote.getPort() && (localPort == 0 || sport == localPort);
    }

    /**
     * The connect time. Without a retransmitted SYN, the kernel's own sample (tcpi_rtt, microseconds): on the
     * handshake's ACK, tcp_ack_update_rtt takes the SYN's send stamp to now, and tcp_rtt_estimator sets the first
     * smoothed RTT to that sample, so it is the wire's SYN to SYN-ACK, whatever kept this loop busy meanwhile. After
     * a retransmission Karn's rule makes that sample refer to a later SYN, and what a person waits (telnet's time)
     * is from connect() to the SYN-ACK: the loop's measure less how long ago the kernel took the SYN-ACK
     * (tcpi_last_data_recv, whole milliseconds, so at most a jiffy too long), which is 0 unless the loop read late.
     *
     * @param totalRetrans tcpi_total_retrans, or -1 when TCP_INFO is unknown
     * @param rttMicros    tcpi_rtt
     * @param sinceAnswerMillis tcpi_last_data_recv
     * @param loopRtt      nanoseconds from connect() to the loop seeing the handshake done
     */
    static long handshakeRtt(long totalRetrans, long rttMicros, long sinceAnswerMillis, long loopRtt) {
        if (totalRetrans < 0) {
            return loopRtt;
        }
        if (totalRetrans != 0 || rttMicros <= 0) {
            return Math.max(0, loopRtt - sinceAnswerMillis * 1_000_000L);
        }
        return Math.min(loopRtt, rttMicros * 1000L);
    }

    /**
     * @param cause   the errno-level cause the transport reported, or {@code null} if unknown
     * @param queued  the socket's error-queue entry, or {@code null} (none, or NIO)
     * @param target  the probed address
     * @param elapsed nanoseconds from connect() to the failure
     * @param request the probe's request, for a local error's message ("connect to 10.0.0.1:80 failed: ..."), made
     *                only then: a sweep's 65,535 refused ports built and dropped two strings each
     * @param failure the exception, for a local error's message when no errno is known
     */
    static ProbeOutcome failed(ErrnoCause cause, SocketError queued, InetAddress target, long elapsed,
            ProbeRequest request, Throwable failure) {
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
            return new ProbeOutcome.LocalError(what(request) + " failed: " + failure, null);
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
                return new ProbeOutcome.LocalError(what(request) + " failed: " + cause, cause);
        }
    }

    private static String what(ProbeRequest request) {
        return "connect to " + request.targetLabel();
    }
}
