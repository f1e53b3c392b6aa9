package io.pathprobe.core;

/**
 * Receives the engine's events, like OkHttp's {@code EventListener}: every method has a no-op default, so an
 * implementation overrides only what it needs. Called on engine threads: keep it quick and thread-safe.
 */
public interface ProbeEventListener {
    ProbeEventListener NONE = new ProbeEventListener() {
    };

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
