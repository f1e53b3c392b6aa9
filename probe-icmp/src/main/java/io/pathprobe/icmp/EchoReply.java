package io.pathprobe.icmp;

import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.OutcomeAttributes;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.text.NumberText;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An ICMP echo reply from the target: the {@code icmp} prober's answer, kind {@link #TYPE} ({@code reply},
 * {@link OutcomeCategory#ANSWERED}) with the attributes {@link OutcomeAttribute#REPLY_TTL} and {@link #BYTES}.
 * Everything else an echo can end in is one of core's generic outcomes (timed out, unreachable, TTL exceeded,
 * local error).
 *
 * @param ttl   the TTL / hop limit of the reply as received, or -1 if the socket did not report it
 * @param bytes the size of the ICMP message received (header and payload), like ping's "64 bytes"
 */
public record EchoReply(long rttNanos, InetAddress responder, int ttl, int bytes) implements ProbeOutcome {
    /** The size of the ICMP message received (ping's "64 bytes"). */
    public static final OutcomeAttribute<Integer> BYTES = OutcomeAttribute.keyed("icmp.bytes", "bytes", Integer.class);
    /** The kind {@code reply}. */
    public static final OutcomeType TYPE = OutcomeType.of("reply", OutcomeCategory.ANSWERED, EchoReply::decode);

    public EchoReply {
        Objects.requireNonNull(responder, "responder");
    }

    @Override
    public OutcomeType type() {
        return TYPE;
    }

    @Override
    public OutcomeAttributes attributes() {
        return OutcomeAttributes.builder().put(OutcomeAttribute.REPLY_TTL, ttl).put(BYTES, bytes).build();
    }

    @Override
    public String line(String target) {
        return "reply from " + target + (ttl >= 0 ? " ttl=" + ttl : "") + " time=" + NumberText.rttMs(rttNanos)
                + " ms";
    }

    /** The inverse of {@link #attributes()}: a reply read back from an event. */
    private static ProbeOutcome decode(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
        if (from == null) {
            throw new IllegalArgumentException("a '" + t.label() + "' outcome needs a responder");
        }
        return new EchoReply(rtt, from, a.getOr(OutcomeAttribute.REPLY_TTL, -1), a.getOr(BYTES, 0));
    }
}
