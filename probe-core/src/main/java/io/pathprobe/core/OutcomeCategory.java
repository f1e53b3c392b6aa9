package io.pathprobe.core;

import java.util.Locale;

/**
 * The generic kinds of {@link ProbeOutcome} that every prober maps its results onto, so that statistics, formatters
 * and codecs handle a new prober without knowing it. Closed on purpose: what differs between probers lives in the
 * outcome's {@link OutcomeType} (its label) and its {@link OutcomeAttributes}.
 */
public enum OutcomeCategory {
    /** The target answered as hoped (an echo reply, a completed handshake, a DNS answer): counts as received. */
    ANSWERED,
    /** The target answered no: a TCP RST, an ICMP port unreachable from the target, a DNS REFUSED. */
    REFUSED,
    /** Nothing answered within the timeout. */
    NO_ANSWER,
    /** Something on the way reported an error: an ICMP error from a router, a resolver's SERVFAIL. */
    PATH_ERROR,
    /** The probe could not be sent or completed because of a local problem; nothing was measured. */
    LOCAL_ERROR;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** E.g. {@code "no-answer"}. */
    public String label() {
        return label;
    }

    /**
     * The category of {@code label}.
     *
     * @throws IllegalArgumentException naming the labels there are
     */
    public static OutcomeCategory ofLabel(String label) {
        for (OutcomeCategory c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("outcome category '" + label + "' is not known: use answered, refused,"
                + " no-answer, path-error or local-error");
    }
}
