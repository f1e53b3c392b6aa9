package io.pathprobe.core;

/**
 * One probe as a {@link ProbeEventListener} sees it, like OkHttp's {@code Call}: the same object in every event
 * of that probe and a different one for every probe, even when a session submits the same {@link ProbeRequest}
 * each time. Compare handles with {@code ==} (or key an {@code IdentityHashMap} with them) to pair a probe's start
 * with its end. Holding on to one keeps nothing alive but the probe's request.
 */
public interface ProbeHandle {
    /** What the probe was asked to do (shared by the probes of a session). */
    ProbeRequest request();

    /**
     * Whether the probe was handed to its prober. A probe that never started (its name did not resolve, the engine
     * closed while it was queued) ends with {@link ProbeEventListener#probeFailed} and no start event.
     */
    boolean started();
}
