package io.pathprobe.core;

import io.pathprobe.core.text.NumberText;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What one probe found, as data. Network failures are outcomes, never exceptions: a refused
 * connect, a silent drop and an ICMP error from a router are all ordinary results of a probe.
 *
 * <p>The model is open: every outcome has a generic {@link OutcomeCategory}, a kind ({@link OutcomeType}, a label
 * such as {@code connected} or a prober's own {@code nxdomain}), an RTT, a responder and typed
 * {@link OutcomeAttributes}; statistics, formatters and codecs use only these, so a new prober adds outcomes
 * without any change to them. It either returns {@link Observed} outcomes with its own kinds and attributes, or
 * implements this interface with its own record (and gives its kinds a {@link OutcomeType.Decoder}), as the ICMP
 * prober's echo reply and the TCP prober's completed handshake do in their modules. The records here are the
 * generic outcomes any prober may have: a refusal, no answer, an ICMP error from the path (any IP prober can
 * get one), a local error.
 *
 * <p>Times are nanoseconds measured from the moment the probe was handed to the socket.
 */
public interface ProbeOutcome {

    /** The kind of outcome, for counting, metrics tags and display. */
    OutcomeType type();

    /** The generic category ({@code type().category()}). */
    default OutcomeCategory category() {
        return type().category();
    }

    /** Whether the target itself answered as hoped ({@link OutcomeCategory#ANSWERED}): counts as received. */
    default boolean isSuccess() {
        return category() == OutcomeCategory.ANSWERED;
    }

    /** Round-trip time in nanoseconds, or -1 when nothing answered. */
    long rttNanos();

    /** The address that answered (target, or the router that reported an error), or {@code null}. */
    InetAddress responder();

    /** What the prober knows beyond the generic fields, in the order codecs write it. */
    default OutcomeAttributes attributes() {
        return OutcomeAttributes.EMPTY;
    }

    /** One attribute, or {@code null} when absent. */
    default <T> T attribute(OutcomeAttribute<T> attribute) {
        return attributes().get(attribute);
    }

    /**
     * How many times the prober's transport resent this probe before it was answered, unseen by the prober (hidden
     * loss: a TCP SYN the kernel retransmitted); 0 when none or not known. Statistics count it.
     */
    default int retransmits() {
        return 0;
    }

    /** A short description for people (an unreachable's code, an errno, a DNS answer), or {@code null}. */
    default String detail() {
        return null;
    }

    /**
     * One line for people about this outcome of a probe of {@code target} (a label such as {@code 10.0.0.1:80}),
     * e.g. {@code connected to 10.0.0.1:80 time=0.210 ms}; the prober's own words. The default:
     * {@code KIND TARGET [from RESPONDER] [time=RTT ms] [(DETAIL)]}.
     */
    default String line(String target) {
        StringBuilder sb = new StringBuilder(type().label()).append(' ').append(target);
        if (responder() != null && !target.startsWith(AddressText.of(responder()))) {
            sb.append(" from ").append(AddressText.of(responder()));
        }
        if (rttNanos() >= 0) {
            sb.append(" time=").append(NumberText.rttMs(rttNanos())).append(" ms");
        }
        String d = detail();
        return d == null || d.isEmpty() ? sb.toString() : sb.append(" (").append(d).append(')').toString();
    }

    /**
     * An outcome of a prober that has no record of its own: its kind, the generic fields, its attributes and its
     * description. What codecs rebuild for kinds declared without a decoder.
     *
     * @param rttNanos -1 when nothing answered
     * @param detail   a short description for people, or {@code null}
     */
    record Observed(OutcomeType type, long rttNanos, InetAddress responder, OutcomeAttributes attributes,
                    String detail) implements ProbeOutcome {
        public Observed {
            Objects.requireNonNull(type, "type");
            attributes = attributes == null ? OutcomeAttributes.EMPTY : attributes;
            if (rttNanos < -1) {
                throw new IllegalArgumentException("rttNanos must be -1 (no answer) or more, not " + rttNanos);
            }
        }
    }

    /**
     * The target answered no: the host is up but will not take the probe, e.g. a TCP RST (nothing listens on the
     * port) or an ICMP port unreachable from the target that a prober reads as refusal (the DNS prober's "nothing
     * listens on port 53"). The generic outcome of {@link OutcomeCategory#REFUSED}; a prober with a refusal of its
     * own (a DNS REFUSED answer) declares its own kind.
     *
     * @param rttNanos -1 when the refusal came without a measured time (a connect that failed at once)
     * @param cause    the errno-level cause as the socket reported it ({@code ECONNREFUSED}), or {@code null}
     */
    record Refused(long rttNanos, InetAddress responder, ErrnoCause cause) implements ProbeOutcome {
        @Override
        public OutcomeType type() {
            return OutcomeType.REFUSED;
        }

        @Override
        public OutcomeAttributes attributes() {
            return OutcomeAttributes.builder().cause(cause).build();
        }

        @Override
        public String detail() {
            return cause == null ? null : cause.toString();
        }

        @Override
        public String line(String target) {
            return "refused by " + target + (rttNanos >= 0 ? " time=" + NumberText.rttMs(rttNanos) + " ms" : "");
        }
    }

    /** Nothing answered within the timeout: a silent drop (firewall, blacklist, asymmetric routing) or loss. */
    record TimedOut(long timeoutNanos) implements ProbeOutcome {
        @Override
        public OutcomeType type() {
            return OutcomeType.TIMED_OUT;
        }

        @Override
        public OutcomeAttributes attributes() {
            return OutcomeAttributes.builder().put(OutcomeAttribute.TIMEOUT_MS, timeoutNanos / 1e6).build();
        }

        @Override
        public String line(String target) {
            return "timeout " + target + " after " + Math.round(timeoutNanos / 1e6) + " ms";
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

        @Override
        public OutcomeAttributes attributes() {
            return OutcomeAttributes.builder().put(OutcomeAttribute.REPLY_TTL, ttl < 0 ? null : ttl)
                    .put(OutcomeAttribute.ICMP_TYPE, icmpType).put(OutcomeAttribute.ICMP_CODE, icmpCode)
                    .put(OutcomeAttribute.MTU, mtu).cause(cause).build();
        }

        @Override
        public String detail() {
            return describe();
        }

        @Override
        public String line(String target) {
            // The description without the responder, which the line names itself.
            String what = IcmpCodes.describeUnreachable(null, icmpType, icmpCode, mtu, cause);
            return "unreachable " + target + (responder != null ? " from " + AddressText.of(responder) : "") + " ("
                    + what + ")";
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

        @Override
        public OutcomeAttributes attributes() {
            return OutcomeAttributes.builder().put(OutcomeAttribute.ICMP_CODE, icmpCode).build();
        }

        @Override
        public String line(String target) {
            return "ttl exceeded " + target + " from " + AddressText.of(responder) + " time="
                    + NumberText.rttMs(rttNanos) + " ms";
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
        public OutcomeAttributes attributes() {
            return OutcomeAttributes.builder().cause(cause).put(OutcomeAttribute.MESSAGE, message).build();
        }

        @Override
        public String detail() {
            return message + (cause == null ? "" : " (" + cause + ")");
        }

        @Override
        public String line(String target) {
            String c = cause == null || message.contains(cause.message()) ? "" : " (" + cause + ")";
            return "error " + target + ": " + message + c;
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
