package io.pathprobe.core;

/**
 * Receives the engine's events, like OkHttp's {@code EventListener}: every method has a no-op default, so an
 * implementation overrides only what it needs. Called on engine threads: keep it quick and thread-safe.
 *
 * <p>Every event names its probe with a {@link ProbeHandle}, one per probe. The events of one probe pair up: at
 * most one {@link #probeStarted(ProbeHandle)}, then exactly one {@link #probeFinished(ProbeHandle, ProbeOutcome)}
 * (something was measured: an answer, a refusal, silence, an error from the path) or
 * {@link #probeFailed(ProbeHandle, ProbeOutcome)} (a {@link OutcomeCategory#LOCAL_ERROR}: nothing was measured),
 * and in between or after any duplicate, late or corrupted answers. The methods that take only the
 * {@link ProbeRequest} are what the handle methods call by default, for listeners that need no identity.
 */
public interface ProbeEventListener {
    ProbeEventListener NONE = new ProbeEventListener() {
    };

    /** The probe was handed to its prober (after pacing). Default: {@link #probeStarted(ProbeRequest)}. */
    default void probeStarted(ProbeHandle probe) {
        probeStarted(probe.request());
    }

    /**
     * The probe ended with {@code outcome}, which is not a local error. Default:
     * {@link #probeFinished(ProbeRequest, ProbeOutcome)}.
     */
    default void probeFinished(ProbeHandle probe, ProbeOutcome outcome) {
        probeFinished(probe.request(), outcome);
    }

    /**
     * The probe ended without measuring anything: {@code outcome} is a {@link OutcomeCategory#LOCAL_ERROR} (a
     * socket error, an unresolvable name, the engine closed). It may not have started ({@link ProbeHandle#started()}).
     * Default: {@link #probeFinished(ProbeHandle, ProbeOutcome)}, so a listener that counts every end sees this too.
     */
    default void probeFailed(ProbeHandle probe, ProbeOutcome outcome) {
        probeFinished(probe, outcome);
    }

    /** A further answer to an answered probe (ping's {@code DUP!}). Default: {@link #probeDuplicate(ProbeRequest)}. */
    default void probeDuplicate(ProbeHandle probe) {
        probeDuplicate(probe.request());
    }

    /** An answer after the probe timed out. Default: {@link #probeLate(ProbeRequest, long)}. */
    default void probeLate(ProbeHandle probe, long rttNanos) {
        probeLate(probe.request(), rttNanos);
    }

    /** An answer with wrong data. Default: {@link #probeCorrupted(ProbeRequest, int)}. */
    default void probeCorrupted(ProbeHandle probe, int byteIndex) {
        probeCorrupted(probe.request(), byteIndex);
    }

    /** The probe was handed to its prober (after pacing). */
    default void probeStarted(ProbeRequest request) {
    }

    /** The probe ended with {@code outcome}. */
    default void probeFinished(ProbeRequest request, ProbeOutcome outcome) {
    }

    /** A probe that had been answered got another answer (a duplicate, ping's {@code DUP!}). */
    default void probeDuplicate(ProbeRequest request) {
    }

    /** A probe that had timed out got its answer after all, {@code rttNanos} after it was sent. */
    default void probeLate(ProbeRequest request, long rttNanos) {
    }

    /**
     * A reply carrying the probe's token came with other data than was sent (ping's "wrong data byte"; payload
     * byte {@code byteIndex} is the first that differs); not counted as received.
     */
    default void probeCorrupted(ProbeRequest request, int byteIndex) {
    }
}
