package io.pathprobe.nativeio;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a socket's error queue: the kernel's {@code struct sock_extended_err} plus the offender address and
 * the datagram it refers to.
 *
 * @param errno         {@code ee_errno}, e.g. ECONNREFUSED (111) for a port unreachable, EHOSTUNREACH for a
 *                      time exceeded
 * @param origin        {@code ee_origin}: {@link SocketConstants#SO_EE_ORIGIN_ICMP} (2),
 *                      {@link SocketConstants#SO_EE_ORIGIN_ICMP6} (3), {@link SocketConstants#SO_EE_ORIGIN_LOCAL}
 *                      (1), ...
 * @param icmpType      {@code ee_type}: the ICMP/ICMPv6 type for ICMP origins
 * @param icmpCode      {@code ee_code}: the ICMP/ICMPv6 code for ICMP origins
 * @param info          {@code ee_info}, e.g. the next-hop MTU of a "fragmentation needed"/"packet too big"
 * @param offender      who reported it ({@code SO_EE_OFFENDER}), e.g. the router whose TTL ran out; null when the
 *                      kernel gives none (local errors)
 * @param quotedPayload the datagram the error refers to as this socket sent it (for ping sockets the ICMP echo
 *                      header and payload, for UDP the UDP payload), possibly cut to the reader's buffer; never
 *                      null, may be empty. The record owns the array: do not modify it.
 */
public record SocketError(int errno, int origin, int icmpType, int icmpCode, int info, InetAddress offender,
        byte[] quotedPayload) {
    private static final byte[] EMPTY = new byte[0];

    public SocketError {
        quotedPayload = quotedPayload == null ? EMPTY : quotedPayload;
    }

    /** Whether an ICMP or ICMPv6 message caused it (then {@link #icmpType()}/{@link #icmpCode()} mean something). */
    public boolean isIcmp() {
        return origin == SocketConstants.SO_EE_ORIGIN_ICMP || origin == SocketConstants.SO_EE_ORIGIN_ICMP6;
    }

    /** Whether the local stack raised it (e.g. EMSGSIZE for a datagram above the path MTU). */
    public boolean isLocal() {
        return origin == SocketConstants.SO_EE_ORIGIN_LOCAL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SocketError
                && errno == ((SocketError) o).errno && origin == ((SocketError) o).origin
                && icmpType == ((SocketError) o).icmpType && icmpCode == ((SocketError) o).icmpCode
                && info == ((SocketError) o).info && Objects.equals(offender, ((SocketError) o).offender)
                && Arrays.equals(quotedPayload, ((SocketError) o).quotedPayload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(errno, origin, icmpType, icmpCode, info, offender) * 31 + Arrays.hashCode(quotedPayload);
    }

    @Override
    public String toString() {
        return "SocketError[" + NativeIo.errnoName(errno) + ", origin=" + origin + ", type=" + icmpType + ", code="
                + icmpCode + ", info=" + info + ", offender="
                + (offender == null ? "none" : offender.getHostAddress()) + ", quoted=" + quotedPayload.length
                + " bytes]";
    }
}
