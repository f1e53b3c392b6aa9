package io.pathprobe.ticket.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;

/**
 * One probe of a series, for the RTT-over-time chart.
 *
 * @param atMs    when the probe ended, in milliseconds from the start of the capture
 * @param seq     the probe's number in its series, from 1
 * @param outcome the outcome label ({@code reply}, {@code connected}, {@code refused}, {@code timed-out}, ...)
 * @param rttMs   the round-trip time, or {@code null} when nothing answered
 */
public record Sample(long atMs, long seq, String outcome, Double rttMs) {
    /** The category of the outcome's kind, or {@code null} for a kind not known here. */
    @JsonIgnore
    public OutcomeCategory category() {
        return OutcomeType.find(outcome).map(OutcomeType::category).orElse(null);
    }

    /** Whether the probe was answered ({@link OutcomeCategory#ANSWERED}); false for a kind not known here. */
    @JsonIgnore
    public boolean answered() {
        return category() == OutcomeCategory.ANSWERED;
    }
}
