package io.pathprobe.ticket.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * What one rule concluded.
 *
 * @param cause      the cause it points to
 * @param confidence how sure it is
 * @param summary    one sentence for the top of the report
 * @param evidence   the measurements that support it, one line each, prefixed with the vantage point
 * @param nextSteps  what to do: the fix, or what to measure to be sure
 */
public record Finding(Cause cause, Confidence confidence, String summary, List<String> evidence,
                      List<String> nextSteps) {
    public Finding {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(summary, "summary");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        nextSteps = nextSteps == null ? List.of() : List.copyOf(nextSteps);
    }
}
