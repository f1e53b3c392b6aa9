package io.pathprobe.mtr;

import io.pathprobe.core.ProbeOutcome;

import java.util.Objects;

/**
 * One probe of a trace and how it ended, as {@link TraceListener#onProbe} gets it and {@link MtrRaw} prints it.
 *
 * @param round      round number, from 1
 * @param flow       flow number, from 0
 * @param ttl        the probe's TTL
 * @param sentMillis wall-clock time (Unix milliseconds) the probe was started
 * @param outcome    how it ended
 */
public record ProbeRecord(long round, int flow, int ttl, long sentMillis, ProbeOutcome outcome) {
    public ProbeRecord {
        Objects.requireNonNull(outcome, "outcome");
    }
}
