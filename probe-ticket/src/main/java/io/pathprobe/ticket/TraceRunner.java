package io.pathprobe.ticket;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.ticket.evidence.TraceEvidence;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How a ticket capture runs its MTR traces: the seam to the MTR module, which provides the implementation. A
 * capture without one records that no traces were taken.
 */
public interface TraceRunner {
    /**
     * Starts a sustained trace (rounds at {@link TraceSpec#interval()} until stopped) on {@code engine}.
     *
     * @param events receives every probe's outcome with its TTL, for {@code events.jsonl}
     */
    Trace start(ProbeEngine engine, TraceSpec spec, TraceEvents events);

    /** A running trace. */
    interface Trace {
        /** The result so far (or final, after {@link #stop()}). */
        TraceEvidence result();

        /** Ends the trace; idempotent. */
        void stop();
    }

    /** Receives trace probes' outcomes; called on engine threads. */
    interface TraceEvents {
        void onOutcome(int ttl, long round, ProbeOutcome outcome);
    }

    /**
     * What to trace.
     *
     * @param mode     {@code "icmp"} or {@code "tcp"}
     * @param port     the TCP port (0 for ICMP)
     * @param label    the vantage point's id, shown as mtr's HOST
     * @param rounds   how many rounds to send (then the trace ends by itself)
     * @param interval time between rounds
     * @param timeout  how long to wait for each probe
     * @param maxTtl   the highest TTL to probe
     */
    record TraceSpec(String mode, String host, InetAddress target, int port, VantagePoint vantagePoint, String label,
                     long rounds, Duration interval, Duration timeout, int maxTtl) {
    }
}
