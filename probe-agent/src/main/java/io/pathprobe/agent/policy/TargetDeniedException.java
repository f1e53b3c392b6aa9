package io.pathprobe.agent.policy;

import java.util.Objects;

/**
 * The target policy denied a request ({@code 403}): the message says which address and port and why (for a name,
 * also what it resolved to); {@link #decision()} is the denied check.
 */
public final class TargetDeniedException extends RuntimeException {
    private final transient Decision decision;

    TargetDeniedException(String message, Decision decision) {
        super(message, null, false, false); // an expected answer, not a fault: no stack trace
        this.decision = Objects.requireNonNull(decision, "decision");
    }

    /** The first denied address and port. */
    public Decision decision() {
        return decision;
    }
}
