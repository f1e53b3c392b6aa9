package io.pathprobe.core.spi;

import io.pathprobe.core.ProbeRequest;

/**
 * Sends one probe and reports one typed outcome, like mtr's packet engine: statistics, repetition and display
 * live above it, in the engine and its sessions. One instance serves all probes of its kind for one engine and
 * must be thread-safe.
 */
public interface Prober extends AutoCloseable {
    /**
     * Checks the kind-specific parts of a request (port required or not, options known to this prober).
     *
     * @throws IllegalArgumentException naming what is wrong and what to do
     */
    void validate(ProbeRequest request);

    /**
     * Starts the probe described by {@code call} without blocking. Exactly one outcome must eventually be given to
     * {@link ProbeCall#complete}; network failures are outcomes, not exceptions. Unless {@link #handlesTimeouts()},
     * the engine completes the call with a timed-out outcome when the request's timeout passes, and then runs the
     * call's abort actions.
     */
    void start(ProbeCall call);

    /**
     * Whether this prober times its probes out itself (e.g. a table scan that is cheaper than a timer per probe
     * with a million probes in flight). Default: the engine arms a timer per probe. Such a prober keeps its probes
     * in a {@link DeadlineQueue} (or a form of its own), wakes with a {@link SweepTimer}, reads what waits before it
     * times anything out, and ends an answer read after its deadline with {@link ProbeCall#completeUnlessLate}.
     */
    default boolean handlesTimeouts() {
        return false;
    }

    /** Releases sockets and other resources. Called when the engine closes. */
    @Override
    default void close() {
    }
}
