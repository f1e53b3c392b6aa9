package io.pathprobe.core;

import io.pathprobe.core.stats.StatsSnapshot;

/** Receives a session's outcomes as they arrive. Methods have no-op defaults; called on engine threads. */
public interface SessionListener {
    SessionListener NONE = new SessionListener() {
    };

    /**
     * Probe number {@code sequence} (from 1) is being sent now; ping prints what is still unanswered then
     * ({@code -O}), and a dot per probe in flood mode. Called before the probe's outcome.
     */
    default void onSent(ProbeSession session, long sequence) {
    }

    /**
     * Probe number {@code sequence} (from 1, in sending order) of the session ended with {@code outcome}.
     * Outcomes may arrive out of sending order.
     */
    default void onOutcome(ProbeSession session, long sequence, ProbeOutcome outcome) {
    }

    /**
     * Probe number {@code sequence} got a duplicate answer (ping prints it with {@code DUP!}); it is counted in
     * {@code duplicates}, never as received.
     */
    default void onDuplicate(ProbeSession session, long sequence) {
    }

    /** Probe number {@code sequence} was answered after its timeout; counted in {@code late}, never as received. */
    default void onLate(ProbeSession session, long sequence, long rttNanos) {
    }

    /**
     * Probe number {@code sequence} got a reply with its token but other data (ping's "wrong data byte #N",
     * {@code byteIndex} the first payload byte that differs); counted in {@code corrupted}, never as received.
     */
    default void onCorrupted(ProbeSession session, long sequence, int byteIndex) {
    }

    /** The session ended (count reached, deadline passed, or stopped); {@code stats} are its final figures. */
    default void onFinished(ProbeSession session, StatsSnapshot stats) {
    }
}
