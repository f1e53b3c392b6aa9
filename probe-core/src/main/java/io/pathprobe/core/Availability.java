package io.pathprobe.core;

import java.util.List;
import java.util.Objects;

/**
 * Whether a capability works on this host, and if not, why and what would fix it — Netty's
 * {@code Epoll.isAvailable()/unavailabilityCause()} as a value.
 *
 * @param available whether it works
 * @param reason    why not (empty when available)
 * @param fixes     what a person can do about it, each a complete instruction
 */
public record Availability(boolean available, String reason, List<String> fixes) {
    private static final Availability OK = new Availability(true, "", List.of());

    public Availability {
        Objects.requireNonNull(reason, "reason");
        fixes = List.copyOf(fixes);
    }

    public static Availability ok() {
        return OK;
    }

    public static Availability unavailable(String reason, String... fixes) {
        return new Availability(false, reason, List.of(fixes));
    }

    /** The reason and the fixes as one message, e.g. for an exception or a CLI error line. */
    public String message() {
        if (available) {
            return "available";
        }
        StringBuilder sb = new StringBuilder(reason);
        if (!fixes.isEmpty()) {
            sb.append(". Fix: ").append(String.join("; or ", fixes));
        }
        return sb.toString();
    }
}
