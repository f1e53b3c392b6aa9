package io.pathprobe.agent.quota;

/** What {@link QuotaLedger#admit} answered: a {@link Lease} to run the capture under, or a {@link Rejection}. */
public sealed interface Admission permits Lease, Rejection {
}
