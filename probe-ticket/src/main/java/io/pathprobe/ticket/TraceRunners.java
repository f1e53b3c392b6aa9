package io.pathprobe.ticket;

import io.pathprobe.ticket.internal.MtrTraceRunner;

/** The {@link TraceRunner}s available. */
public final class TraceRunners {
    private TraceRunners() {
    }

    /** Traces run by the MTR module ({@code probe-mtr}). */
    public static TraceRunner mtr() {
        return new MtrTraceRunner();
    }
}
