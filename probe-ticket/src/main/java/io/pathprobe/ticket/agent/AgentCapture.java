package io.pathprobe.ticket.agent;

import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One running capture on one {@link ProbeAgent}: the identity of that execution. */
public interface AgentCapture {
    /** The capture's id on its agent. */
    String id();

    /** Each check's figures so far (sent, loss), for progress lines. */
    List<CaptureProgress.Check> progress();

    /** Pings and TCP connects sent so far. */
    long probesSent();

    /** The evidence measured so far (status {@code running} while it runs); the final one once it has ended. */
    VantageEvidence snapshot();

    /** Ends the capture early; {@link #evidence()} still completes with what was measured. Idempotent. */
    void cancel();

    /**
     * The evidence: completes when the capture has ended (its duration passed, it was cancelled, or — for a
     * remote agent — the agent was lost, with {@link VantageEvidence#status()} {@code lost} and the evidence
     * received until then). Never completes exceptionally.
     */
    CompletableFuture<VantageEvidence> evidence();
}
