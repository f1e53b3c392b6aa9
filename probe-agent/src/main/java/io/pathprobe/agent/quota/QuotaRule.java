package io.pathprobe.agent.quota;

/** The quota a request broke. */
public enum QuotaRule {
    /** Too many captures running for the token at once. */
    CONCURRENT_CAPTURES,
    /** Probes per second, summed over the token's running captures (or asked by one plan alone). */
    PROBES_PER_SECOND,
    /** Probes per second to one target address, summed over the token's running captures (or one plan). */
    PROBES_PER_SECOND_PER_TARGET,
    /** The plan's capture duration. */
    CAPTURE_DURATION,
    /** The plan's targets × ports. */
    TARGET_PORTS,
    /** The request body's size ({@code 413}). */
    REQUEST_BODY
}
