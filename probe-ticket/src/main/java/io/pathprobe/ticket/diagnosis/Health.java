package io.pathprobe.ticket.diagnosis;

/**
 * How a series of probes went, in the four classes the rules reason with. See {@link Signals#health} for the
 * thresholds.
 */
public enum Health {
    /** Too few probes ended to say anything. */
    UNMEASURED,
    /** All, or all but a negligible few, succeeded. */
    CLEAN,
    /** Some failed, some succeeded. */
    PARTIAL,
    /** None succeeded. */
    DEAD
}
