package io.pathprobe.core;

/**
 * The errno-level cause of a failed probe as the kernel reported it, e.g. {@code ECONNREFUSED}
 * (111, "Connection refused"). Kept so that a person can tell apart causes that look alike.
 *
 * @param errno   the positive errno value, or 0 when only a message is known
 * @param name    the symbolic name, e.g. {@code "EHOSTUNREACH"}, or empty when unknown
 * @param message the text the platform gives for it
 */
public record ErrnoCause(int errno, String name, String message) {
    public ErrnoCause {
        name = name == null ? "" : name;
        message = message == null ? "" : message;
    }

    @Override
    public String toString() {
        return name.isEmpty() ? message : name + " (" + message + ")";
    }
}
