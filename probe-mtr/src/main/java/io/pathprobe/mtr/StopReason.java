package io.pathprobe.mtr;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Why a trace's hop list ends where it does.
 *
 * @param kind              what happened
 * @param hop               the hop it happened at: the destination's hop, the hop that reported unreachable, or the
 *                          max TTL; 0 when unknown yet
 * @param lastRespondingHop the highest hop that answered at all, 0 when none did
 * @param responder         the address at {@code hop} (destination or reporting router), or {@code null}
 * @param detail            a short description, e.g. "host unreachable from 10.0.0.1"; empty when none
 */
public record StopReason(Kind kind, int hop, int lastRespondingHop, InetAddress responder, String detail) {
    /** What ended the hop list. */
    public enum Kind {
        /** The destination answered (echo reply, port unreachable, TCP connected or refused). */
        DESTINATION_REACHED("destination-reached"),
        /** A router (or the local host) reported the destination unreachable. */
        UNREACHABLE("unreachable"),
        /** The destination did not answer at any TTL up to the max TTL. */
        MAX_TTL_REACHED("max-ttl-reached"),
        /** Still running, destination not (yet) seen. */
        RUNNING("running");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Lower-case label for machine output, e.g. {@code "max-ttl-reached"}. */
        public String label() {
            return label;
        }
    }

    public StopReason {
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? "" : detail;
    }

    /** One line for people, e.g. "destination reached at hop 4 (10.0.3.2)". */
    public String describe() {
        String who = responder == null ? "" : " (" + io.pathprobe.core.AddressText.of(responder) + ")";
        String last = lastRespondingHop == 0 ? "no hop answered" : "last responding hop " + lastRespondingHop;
        switch (kind) {
            case DESTINATION_REACHED:
                return "destination reached at hop " + hop + who;
            case UNREACHABLE:
                return "unreachable from hop " + hop + who + (detail.isEmpty() ? "" : ": " + detail);
            case MAX_TTL_REACHED:
                return "destination not reached within max TTL " + hop + "; " + last;
            default:
                return "running; " + last;
        }
    }
}
