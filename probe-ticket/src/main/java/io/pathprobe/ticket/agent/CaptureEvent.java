package io.pathprobe.ticket.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.internal.Addresses;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One probe outcome of a capture, as it streams from an agent and as {@code events.jsonl} stores it: the one
 * serialised form of an outcome. Every {@link ProbeOutcome} type round-trips through it ({@link #toOutcome()}).
 * Keys are camelCase; keys without a value are left out.
 *
 * @param eventSeq       the event's number in its capture's stream, from 1, without gaps (a coordinator that
 *                       reconnects asks for the events after the last one it has)
 * @param t              the instant the outcome arrived (ISO-8601, the measuring host's clock; a coordinator
 *                       rewrites it onto its own clock)
 * @param ms             milliseconds since the capture started
 * @param vantage        the vantage point's id
 * @param check          {@code ping}, {@code tcp}, {@code mtr-icmp}, {@code mtr-tcp}
 * @param port           the TCP port, or {@code null}
 * @param seq            the probe's number in its series (for traces: the round)
 * @param ttl            the probe's TTL (traces), or {@code null}
 * @param outcome        the outcome label ({@link OutcomeType#label()})
 * @param rttMs          the round-trip time, or {@code null} when nothing answered
 * @param responder      the address that answered, or {@code null}
 * @param detail         a short description for people (unreachable code, errno, SYN retransmits), or {@code null}
 * @param replyTtl       the received TTL / hop limit of an echo reply or an unreachable, when known
 * @param bytes          an echo reply's ICMP message size
 * @param synRetransmits a completed handshake's SYN retransmissions
 * @param banner         a banner read after connecting
 * @param icmpType       an unreachable's ICMP type
 * @param icmpCode       an unreachable's or TTL-exceeded's ICMP code
 * @param mtu            an unreachable's next-hop MTU
 * @param errno          the errno of a refused, unreachable or local error
 * @param errnoName      its symbolic name
 * @param errnoMessage   its text
 * @param message        a local error's message
 * @param timeoutMs      how long a timed-out probe waited
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureEvent(long eventSeq, String t, long ms, String vantage, String check, Integer port, long seq,
                           Integer ttl, String outcome, Double rttMs, String responder, String detail,
                           Integer replyTtl, Integer bytes, Integer synRetransmits, String banner, Integer icmpType,
                           Integer icmpCode, Integer mtu, Integer errno, String errnoName, String errnoMessage,
                           String message,
                           Double timeoutMs) {
    public CaptureEvent {
        Objects.requireNonNull(vantage, "vantage");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * The event of {@code o}.
     *
     * @param port 0 when the check has none
     * @param ttl  0 unless a trace probe
     */
    public static CaptureEvent of(long eventSeq, String t, long ms, String vantage, String check, int port, long seq,
                                  int ttl, ProbeOutcome o) {
        Double rtt = o.rttNanos() >= 0 ? o.rttNanos() / 1e6 : null;
        String responder = o.responder() == null ? null : AddressText.of(o.responder());
        Integer replyTtl = null, bytes = null, syn = null, icmpType = null, icmpCode = null, mtu = null;
        String banner = null, message = null;
        Double timeout = null;
        ErrnoCause cause = null;
        if (o instanceof ProbeOutcome.Reply r) {
            replyTtl = r.ttl();
            bytes = r.bytes();
        } else if (o instanceof ProbeOutcome.Connected c) {
            syn = c.synRetransmits();
            banner = c.banner().isEmpty() ? null : c.banner();
        } else if (o instanceof ProbeOutcome.Refused r) {
            cause = r.cause();
        } else if (o instanceof ProbeOutcome.TimedOut to) {
            timeout = to.timeoutNanos() / 1e6;
        } else if (o instanceof ProbeOutcome.Unreachable u) {
            icmpType = u.icmpType();
            icmpCode = u.icmpCode();
            mtu = u.mtu();
            cause = u.cause();
            replyTtl = u.ttl() < 0 ? null : u.ttl();
        } else if (o instanceof ProbeOutcome.TtlExceeded te) {
            icmpCode = te.icmpCode();
        } else if (o instanceof ProbeOutcome.LocalError e) {
            cause = e.cause();
            message = e.message();
        }
        Integer errno = null;
        String errnoName = null, errnoMessage = null;
        if (cause != null) {
            errno = cause.errno();
            errnoName = cause.name();
            errnoMessage = cause.message();
        }
        return new CaptureEvent(eventSeq, t, ms, vantage, check, port == 0 ? null : port, seq, ttl == 0 ? null : ttl,
                o.type().label(), rtt, responder, detail(o), replyTtl, bytes, syn, banner, icmpType, icmpCode, mtu,
                errno, errnoName, errnoMessage, message, timeout);
    }

    /** The same event with another sequence number, instant and offset (a coordinator's view of it). */
    public CaptureEvent renumbered(long newSeq, String newT, long newMs) {
        return new CaptureEvent(newSeq, newT, newMs, vantage, check, port, seq, ttl, outcome, rttMs, responder,
                detail, replyTtl, bytes, synRetransmits, banner, icmpType, icmpCode, mtu, errno, errnoName, errnoMessage,
                message, timeoutMs);
    }

    /** The same event as seen from {@code newVantage} (a coordinator names its agents its own way). */
    public CaptureEvent withVantage(String newVantage) {
        return new CaptureEvent(eventSeq, t, ms, newVantage, check, port, seq, ttl, outcome, rttMs, responder,
                detail, replyTtl, bytes, synRetransmits, banner, icmpType, icmpCode, mtu, errno, errnoName, errnoMessage,
                message, timeoutMs);
    }

    /** The port, or 0. */
    @JsonIgnore
    public int portOrZero() {
        return port == null ? 0 : port;
    }

    /** The TTL, or 0. */
    @JsonIgnore
    public int ttlOrZero() {
        return ttl == null ? 0 : ttl;
    }

    /**
     * The outcome this event records.
     *
     * @throws IllegalArgumentException when the event is not a valid outcome (unknown label, missing responder)
     */
    public ProbeOutcome toOutcome() {
        long rtt = rttMs == null ? -1 : Math.round(rttMs * 1e6);
        InetAddress from = responder == null ? null : Addresses.require(responder, "event responder");
        ErrnoCause cause = errno == null && errnoName == null ? null
                : new ErrnoCause(errno == null ? 0 : errno, errnoName, errnoMessage);
        return switch (outcome) {
            case "reply" -> new ProbeOutcome.Reply(rtt, need(from), or(replyTtl, -1), or(bytes, 0));
            case "connected" -> new ProbeOutcome.Connected(rtt, need(from), or(synRetransmits, -1), banner);
            case "refused" -> new ProbeOutcome.Refused(rtt, from, cause);
            case "timed-out" -> new ProbeOutcome.TimedOut(timeoutMs == null ? 0 : Math.round(timeoutMs * 1e6));
            case "unreachable" -> new ProbeOutcome.Unreachable(rtt, from, or(icmpType, -1), or(icmpCode, -1),
                    or(mtu, 0), cause, or(replyTtl, -1));
            case "ttl-exceeded" -> new ProbeOutcome.TtlExceeded(rtt, need(from), or(icmpCode, 0));
            case "local-error" -> new ProbeOutcome.LocalError(message == null ? "local error" : message, cause);
            default -> throw new IllegalArgumentException("event outcome '" + outcome + "' is not known");
        };
    }

    private InetAddress need(InetAddress a) {
        if (a == null) {
            throw new IllegalArgumentException("a '" + outcome + "' event needs a responder");
        }
        return a;
    }

    private static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    private static String detail(ProbeOutcome o) {
        if (o instanceof ProbeOutcome.Unreachable u) {
            return u.describe();
        }
        if (o instanceof ProbeOutcome.LocalError e) {
            return e.message() + (e.cause() == null ? "" : " (" + e.cause() + ")");
        }
        if (o instanceof ProbeOutcome.Connected c && c.synRetransmits() > 0) {
            return "syn-retransmits=" + c.synRetransmits();
        }
        if (o instanceof ProbeOutcome.Refused r && r.cause() != null) {
            return r.cause().toString();
        }
        return null;
    }
}
