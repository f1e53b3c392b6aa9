package io.pathprobe.tcp;

import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.OutcomeAttributes;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.text.NumberText;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A completed TCP handshake: the {@code tcp} prober's answer, kind {@link #TYPE} ({@code connected},
 * {@link OutcomeCategory#ANSWERED}) with the attributes {@link #SYN_RETRANSMITS} and {@link #BANNER}. A RST is
 * core's generic {@link ProbeOutcome.Refused}; silence, ICMP errors and local errors are core's too.
 *
 * @param synRetransmits how many times the kernel retransmitted the SYN before the handshake completed
 *                       (from TCP_INFO); -1 when the transport cannot tell (NIO)
 * @param banner         what the server sent first, when a banner read was requested; else empty
 */
public record TcpConnected(long rttNanos, InetAddress responder, int synRetransmits, String banner)
        implements ProbeOutcome {
    /** SYN retransmissions before the handshake completed (from TCP_INFO), -1 when the transport cannot tell. */
    public static final OutcomeAttribute<Integer> SYN_RETRANSMITS = OutcomeAttribute.keyed("tcp.synRetransmits",
            "synRetransmits", Integer.class);
    /** What the server sent first after connecting. */
    public static final OutcomeAttribute<String> BANNER = OutcomeAttribute.keyed("tcp.banner", "banner",
            String.class);
    /** The kind {@code connected}. */
    public static final OutcomeType TYPE = OutcomeType.of("connected", OutcomeCategory.ANSWERED,
            TcpConnected::decode);

    public TcpConnected {
        Objects.requireNonNull(responder, "responder");
        banner = banner == null ? "" : banner;
    }

    @Override
    public OutcomeType type() {
        return TYPE;
    }

    @Override
    public OutcomeAttributes attributes() {
        return OutcomeAttributes.builder().put(SYN_RETRANSMITS, synRetransmits)
                .put(BANNER, banner.isEmpty() ? null : banner).build();
    }

    /** The SYNs the kernel resent: statistics count them as hidden loss. */
    @Override
    public int retransmits() {
        return Math.max(0, synRetransmits);
    }

    @Override
    public String detail() {
        return synRetransmits > 0 ? "syn-retransmits=" + synRetransmits : null;
    }

    @Override
    public String line(String target) {
        String line = "connected to " + target + " time=" + NumberText.rttMs(rttNanos) + " ms";
        return synRetransmits > 0 ? line + " (SYN retransmitted " + synRetransmits + "x)" : line;
    }

    /** The inverse of {@link #attributes()}: a handshake read back from an event. */
    private static ProbeOutcome decode(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
        if (from == null) {
            throw new IllegalArgumentException("a '" + t.label() + "' outcome needs a responder");
        }
        return new TcpConnected(rtt, from, a.getOr(SYN_RETRANSMITS, -1), a.get(BANNER));
    }
}
