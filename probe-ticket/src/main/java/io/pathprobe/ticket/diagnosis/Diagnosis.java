package io.pathprobe.ticket.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * The conclusion over a ticket's evidence.
 *
 * @param verdict      the id of the cause found ({@link Cause#id()}), or {@value #NO_FAULT_FOUND}, or
 *                     {@value #INCONCLUSIVE}
 * @param headline     one line for people
 * @param confidence   the confidence of the verdict's finding; for "no fault found", how much was measured;
 *                     {@code null} when inconclusive
 * @param findings     every rule that matched, most confident first (for an inconclusive verdict: the candidates)
 * @param observations what was measured, per vantage point and check, in one line each
 * @param nextSteps    what to do next
 */
public record Diagnosis(String verdict, String headline, Confidence confidence, List<Finding> findings,
                        List<String> observations, List<String> nextSteps) {
    public static final String NO_FAULT_FOUND = "no-fault-found";
    public static final String INCONCLUSIVE = "inconclusive";

    public Diagnosis {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(headline, "headline");
        findings = findings == null ? List.of() : List.copyOf(findings);
        observations = observations == null ? List.of() : List.copyOf(observations);
        nextSteps = nextSteps == null ? List.of() : List.copyOf(nextSteps);
    }

    /** The finding the verdict rests on, or {@code null} for "no fault found" and "inconclusive". */
    public Finding primary() {
        if (verdict.equals(NO_FAULT_FOUND) || verdict.equals(INCONCLUSIVE) || findings.isEmpty()) {
            return null;
        }
        return findings.get(0);
    }
}
