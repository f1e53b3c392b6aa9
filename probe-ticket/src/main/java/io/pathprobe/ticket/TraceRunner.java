package io.pathprobe.ticket;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.ticket.evidence.TraceEvidence;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a ticket capture runs its MTR traces: the seam to the MTR module, which provides the implementation. A
 * capture without one records that no traces were taken.
 */
public interface TraceRunner {
    /**
     * Starts a sustained trace (rounds at {@link TraceRequest#interval()} until stopped) on {@code engine}.
     *
     * @param events receives every probe's outcome with its TTL, for {@code events.jsonl}
     */
    RunningTrace start(ProbeEngine engine, TraceRequest request, TraceEvents events);

    /** A trace that {@link #start} started: its evidence so far, and its end. */
    interface RunningTrace {
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
     * What to trace: one trace of a capture plan, as the capture asks the runner for it.
     *
     * @param mode     how hops are probed (a plan asks for ICMP or TCP)
     * @param port     the TCP port (0 for ICMP)
     * @param label    the vantage point's id, shown as mtr's HOST
     * @param rounds   how many rounds to send (then the trace ends by itself)
     * @param interval time between rounds
     * @param timeout  how long to wait for each probe
     * @param maxTtl   the highest TTL to probe
     */
    record TraceRequest(ProbeMode mode, String host, InetAddress target, int port, VantagePoint vantagePoint,
                        String label, long rounds, Duration interval, Duration timeout, int maxTtl) {
        public TraceRequest {
            Objects.requireNonNull(mode, "mode");
        }

        /** The check name of this trace's events and evidence, e.g. {@code mtr-tcp}. */
        public String check() {
            return "mtr-" + mode.kind();
        }
    }
}
