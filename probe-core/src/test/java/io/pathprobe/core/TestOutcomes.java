package io.pathprobe.core;

import java.net.InetAddress;

/**
 * Outcomes for core's tests, which have no prober module: an answer of a test kind (what an echo reply or a
 * handshake is to core: an {@link OutcomeCategory#ANSWERED} outcome), optionally after hidden retransmissions.
 */
public final class TestOutcomes {
    /** The kind of a test answer. */
    public static final OutcomeType ANSWER = OutcomeType.of("test-answer", OutcomeCategory.ANSWERED);

    private TestOutcomes() {
    }

    /** An answer from {@code from} after {@code rttNanos}. */
    public static ProbeOutcome answer(long rttNanos, InetAddress from) {
        return new Resent(rttNanos, from, 0);
    }

    /** An answer after {@code retransmits} resends that the prober did not see (a SYN the kernel resent). */
    public static ProbeOutcome answer(long rttNanos, InetAddress from, int retransmits) {
        return new Resent(rttNanos, from, retransmits);
    }

    /** A prober's own record, as a prober module would write one. */
    public record Resent(long rttNanos, InetAddress responder, int retransmits) implements ProbeOutcome {
        @Override
        public OutcomeType type() {
            return ANSWER;
        }
    }
}
