package io.pathprobe.ticket.agent;

/** Receives a capture's events as they happen, in sequence order; called on the agent's threads. */
@FunctionalInterface
public interface CaptureListener {
    CaptureListener NONE = e -> { };

    void onEvent(CaptureEvent event);
}
