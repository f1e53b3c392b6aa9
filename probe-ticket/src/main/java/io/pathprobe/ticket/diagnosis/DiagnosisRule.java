package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.TicketEvidence;

import java.util.Optional;

/**
 * One cause's test over the evidence. A rule looks only for its own cause's signature and says how sure it is;
 * the {@link Diagnoser} weighs rules against each other.
 */
public interface DiagnosisRule {
    /** The cause this rule tests for. */
    Cause cause();

    /** What evidence the rule needs, and what raises or lowers its confidence (shown in docs and {@code --explain}). */
    String needs();

    /** The finding, or empty when the evidence does not show this cause. */
    Optional<Finding> evaluate(TicketEvidence evidence);
}
