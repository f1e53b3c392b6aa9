package io.pathprobe.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What one probe found, as data. Network failures are outcomes, never exceptions: a refused
 * connect, a silent drop and an ICMP error from a router are all ordinary results of a probe.
 *
 * <p>Times are nanoseconds measured from the moment the probe was handed to the socket.
 */
public sealed interface ProbeOutcome {

    /** The kind of outcome, for counting, metrics tags and display. */
    OutcomeType type();

    /** Whether the target itself answered as hoped (an echo reply, a completed TCP handshake). */
    default boolean isSuccess() {
        return type() == OutcomeType.REPLY || type() == OutcomeType.CONNECTED;
    }

    /** Round-trip time in nanoseconds, or -1 when nothing answered. */
    long rttNanos();

    /** The address that answered (target, or the router that reported an error), or {@code null}. */
    InetAddress responder();

    /**
     * An ICMP echo reply from the target.
     *
     * @param ttl   the TTL / hop limit of the reply as received, or -1 if the socket did not report it
     * @param bytes the size of the ICMP message received (header and payload), like ping's "64 bytes"
     */
    record Reply(long rttNanos, InetAddress responder, int ttl, int bytes) implements ProbeOutcome {
        public Reply {
            Objects.requireNonNull(responder, "responder");
        }

        @Override
        public OutcomeType type() {
            return OutcomeType.REPLY;
        }
    }

    /**
     * A completed TCP handshake.
     *
     * @param synRetransmits how many times the kernel retransmitted the SYN before the handshake completed
     *                       (from TCP_INFO); -1 when the transport cannot tell (NIO)
     * @param banner         what the server sent first, when a banner read was requested; else empty
     */
    record Connected(long rttNanos, InetAddress responder, int synRetransmits, String banner) implements ProbeOutcome {
        public Connected {
            Objects.requireNonNull(responder, "responder");
            banner = banner == null ? "" : banner;
        }

        @Override
        public OutcomeType type() {
            return OutcomeType.CONNECTED;
        }
    }

    /** The target answered the SYN with a RST: the host is up but nothing listens on the port. */
    record Refused(long rttNanos, InetAddress responder, ErrnoCause cause) implements ProbeOutcome {
        @Override
        public OutcomeType type() {
            return OutcomeType.REFUSED;
        }
    }

    /** Nothing answered within the timeout: a silent drop (firewall, blacklist, asymmetric routing) or loss. */
    record TimedOut(long timeoutNanos) implements ProbeOutcome {
        @Override
        public OutcomeType type() {
            return OutcomeType.TIMED_OUT;
        }

        @Override
        public long rttNanos() {
            return -1;
        }

        @Override
        public InetAddress responder() {
            return null;
        }
    }

    /**
     * The target could not be reached: an ICMP Destination Unreachable from a router or the target, or the
     * local routing table (no route).
     *
     * @param responder the router that reported it, or {@code null} when unknown (e.g. no route locally)
     * @param icmpType  ICMP (v4 or v6) type of the error, or -1 when unknown
     * @param icmpCode  ICMP code (net, host, port, admin-prohibited, ...), or -1 when unknown
     * @param mtu       next-hop MTU for "fragmentation needed" / "packet too big", else 0
     * @param cause     the errno-level cause as the socket reported it, or {@code null}
     * @param ttl       the IP TTL / hop limit with which the ICMP error arrived, or -1 when the prober did not read
     *                  it (a tracer infers the sender's distance from it)
     */
    record Unreachable(long rttNanos, InetAddress responder, int icmpType, int icmpCode, int mtu, ErrnoCause cause,
                       int ttl) implements ProbeOutcome {
        /** An Unreachable whose arrival TTL is unknown. */
        public Unreachable(long rttNanos, InetAddress responder, int icmpType, int icmpCode, int mtu,
                           ErrnoCause cause) {
            this(rttNanos, responder, icmpType, icmpCode, mtu, cause, -1);
        }

        @Override
        public OutcomeType type() {
            return OutcomeType.UNREACHABLE;
        }

        /** A short human description of the ICMP code, e.g. "host unreachable", "administratively prohibited". */
        public String describe() {
            return IcmpCodes.describeUnreachable(responder, icmpType, icmpCode, mtu, cause);
        }
    }

    /** The probe's TTL / hop limit ran out at router {@code responder} (ICMP Time Exceeded). */
    record TtlExceeded(long rttNanos, InetAddress responder, int icmpCode) implements ProbeOutcome {
        public TtlExceeded {
            Objects.requireNonNull(responder, "responder");
        }

        @Override
        public OutcomeType type() {
            return OutcomeType.TTL_EXCEEDED;
        }
    }

    /** The probe could not be sent or completed because of a local problem (socket error, no buffers, ...). */
    record LocalError(String message, ErrnoCause cause) implements ProbeOutcome {
        public LocalError {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public OutcomeType type() {
            return OutcomeType.LOCAL_ERROR;
        }

        @Override
        public long rttNanos() {
            return -1;
        }

        @Override
        public InetAddress responder() {
            return null;
        }
    }
}
