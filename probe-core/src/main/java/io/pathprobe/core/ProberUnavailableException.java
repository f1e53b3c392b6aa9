package io.pathprobe.core;

/** A prober was asked for that cannot run here; the message says why and what fixes it. */
public class ProberUnavailableException extends IllegalStateException {
    private final transient Availability availability;

    public ProberUnavailableException(String kind, Availability availability) {
        super("the " + kind + " prober cannot run here: " + availability.message());
        this.availability = availability;
    }

    public Availability availability() {
        return availability;
    }
}
