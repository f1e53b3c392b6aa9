package io.pathprobe.mtr;

/** How to read the loss at one hop; see {@link LossAnalysis} for the rule. */
public enum LossVerdict {
    /** No probe to this hop was lost. */
    NO_LOSS,
    /** Too few probes answered or timed out at this hop (or after it) to judge. */
    TOO_FEW_PROBES,
    /**
     * Loss here that later hops do not show: some later hop loses clearly less, so the probes this router failed to
     * answer were forwarded. The router rate-limits or de-prioritises the ICMP it generates; not forwarding loss.
     */
    NOT_CARRIED_ON,
    /** Loss here that no later hop clearly contradicts: it may carry on towards the destination. */
    CARRIED_ON,
    /**
     * Loss at the destination that fits its ICMP error rate limit (UDP mode): the destination declined to answer
     * probes it received; not loss. See {@link LossAnalysis} for the rule.
     */
    RATE_LIMITED
}
