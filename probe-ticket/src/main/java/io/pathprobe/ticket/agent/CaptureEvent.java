package io.pathprobe.ticket.agent;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.OutcomeAttributes;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.internal.Addresses;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One probe outcome of a capture, as it streams from an agent and as {@code events.jsonl} stores it: the one
 * serialised form of an outcome, for every prober. The generic fields come first; then the outcome's
 * {@linkplain ProbeOutcome#attributes() attributes} under their keys ({@code replyTtl}, {@code synRetransmits},
 * {@code icmpCode}, a DNS prober's {@code dnsRcode}, ...), in the prober's order. Every outcome round-trips through
 * it ({@link #toOutcome()}). Keys are camelCase; keys without a value are left out.
 *
 * @param eventSeq   the event's number in its capture's stream, from 1, without gaps (a coordinator that
 *                   reconnects asks for the events after the last one it has)
 * @param t          the instant the outcome arrived (ISO-8601, the measuring host's clock; a coordinator
 *                   rewrites it onto its own clock)
 * @param ms         milliseconds since the capture started
 * @param vantage    the vantage point's id
 * @param check      {@code ping}, {@code tcp}, {@code mtr-icmp}, {@code mtr-tcp}, or another prober's check
 * @param port       the port, or {@code null}
 * @param seq        the probe's number in its series (for traces: the round)
 * @param ttl        the probe's TTL (traces), or {@code null}
 * @param outcome    the outcome's kind ({@link OutcomeType#label()})
 * @param rttMs      the round-trip time, or {@code null} when nothing answered
 * @param responder  the address that answered, or {@code null}
 * @param detail     a short description for people ({@link ProbeOutcome#detail()}), or {@code null}
 * @param category   the kind's {@link OutcomeCategory#label()}, for kinds other than the first schema's (a reader
 *                   that lacks the prober still knows what the outcome means); {@code null} for those seven, whose
 *                   category every reader knows from the label ({@link #FIRST_KINDS})
 * @param attributes the outcome's attributes by key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureEvent(long eventSeq, String t, long ms, String vantage, String check, Integer port, long seq,
                           Integer ttl, String outcome, Double rttMs, String responder, String detail,
                           String category,
                           @JsonAnySetter @JsonAnyGetter Map<String, Object> attributes) {
    /**
     * The kinds of the first event schema, which wrote no category, with the category each means: events of these
     * labels leave the category out still (their bytes are those of the first schema), and a reader that lacks the
     * prober of one (the ICMP prober's {@code reply}, the TCP prober's {@code connected}) still knows what it means.
     */
    static final Map<String, OutcomeCategory> FIRST_KINDS = Map.of("reply", OutcomeCategory.ANSWERED,
            "connected", OutcomeCategory.ANSWERED, "refused", OutcomeCategory.REFUSED,
            "timed-out", OutcomeCategory.NO_ANSWER, "unreachable", OutcomeCategory.PATH_ERROR,
            "ttl-exceeded", OutcomeCategory.PATH_ERROR, "local-error", OutcomeCategory.LOCAL_ERROR);

    public CaptureEvent {
        Objects.requireNonNull(vantage, "vantage");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(outcome, "outcome");
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
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
        OutcomeType type = o.type();
        return new CaptureEvent(eventSeq, t, ms, vantage, check, port == 0 ? null : port, seq, ttl == 0 ? null : ttl,
                type.label(), rtt, responder, o.detail(),
                FIRST_KINDS.get(type.label()) == type.category() ? null : type.category().label(),
                o.attributes().byKey());
    }

    /** The same event with another sequence number, instant and offset (a coordinator's view of it). */
    public CaptureEvent renumbered(long newSeq, String newT, long newMs) {
        return new CaptureEvent(newSeq, newT, newMs, vantage, check, port, seq, ttl, outcome, rttMs, responder,
                detail, category, attributes);
    }

    /** The same event as seen from {@code newVantage} (a coordinator names its agents its own way). */
    public CaptureEvent withVantage(String newVantage) {
        return new CaptureEvent(eventSeq, t, ms, newVantage, check, port, seq, ttl, outcome, rttMs, responder,
                detail, category, attributes);
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

    /** Whether the outcome counts as received ({@link OutcomeCategory#ANSWERED}); false for a kind not known here. */
    @JsonIgnore
    public boolean answered() {
        OutcomeType known = OutcomeType.find(outcome).orElse(null);
        if (known != null) {
            return known.category() == OutcomeCategory.ANSWERED;
        }
        return category == null ? FIRST_KINDS.get(outcome) == OutcomeCategory.ANSWERED
                : OutcomeCategory.ANSWERED.label().equals(category);
    }

    /**
     * The outcome this event records: the prober's own outcome when its kind is known here, else a
     * {@link ProbeOutcome.Observed} of the category the event names.
     *
     * @throws IllegalArgumentException when the event is not a valid outcome (unknown kind without a category,
     *                                  missing responder, an attribute that is no scalar)
     */
    public ProbeOutcome toOutcome() {
        long rtt = rttMs == null ? -1 : Math.round(rttMs * 1e6);
        InetAddress from = responder == null ? null : Addresses.require(responder, "event responder");
        OutcomeType type = OutcomeType.find(outcome).orElse(null);
        if (type == null) {
            OutcomeCategory implied = category == null ? FIRST_KINDS.get(outcome) : OutcomeCategory.ofLabel(category);
            if (implied == null) {
                throw new IllegalArgumentException("event outcome '" + outcome + "' is not known and the event"
                        + " names no category");
            }
            type = OutcomeType.of(outcome, implied);
        }
        return type.decode(rtt, from, OutcomeAttributes.fromKeys(attributes), detail);
    }
}
