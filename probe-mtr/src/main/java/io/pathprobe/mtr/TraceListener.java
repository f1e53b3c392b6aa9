package io.pathprobe.mtr;

/** Receives a trace's events as they happen. Methods have no-op defaults; called on engine threads, keep them quick. */
public interface TraceListener {
    TraceListener NONE = new TraceListener() {
    };

    /** A probe ended. */
    default void onProbe(ProbeRecord record) {
    }

    /** A round has been sent (all its TTLs and flows started); {@code snapshot} is the state at that moment. */
    default void onRound(long round, TraceSnapshot snapshot) {
    }

    /** The trace ended; {@code snapshot} is final. */
    default void onFinished(TraceSnapshot snapshot) {
    }
}
