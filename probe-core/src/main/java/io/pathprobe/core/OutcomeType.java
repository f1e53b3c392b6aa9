package io.pathprobe.core;

import java.util.Locale;

/** The kinds of {@link ProbeOutcome}, with the lower-case label used in output, JSON and metric tags. */
public enum OutcomeType {
    REPLY, CONNECTED, REFUSED, TIMED_OUT, UNREACHABLE, TTL_EXCEEDED, LOCAL_ERROR;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** E.g. {@code "timed-out"}. */
    public String label() {
        return label;
    }
}
