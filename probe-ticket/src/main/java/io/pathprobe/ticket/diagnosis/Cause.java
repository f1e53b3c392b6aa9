package io.pathprobe.ticket.diagnosis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The known causes of "a client cannot reach the load balancer" (issue 5), numbered as support knows them. */
public enum Cause {
    NO_LISTENER(1, "no-listener", "No listener configured on the load balancer"),
    RP_FILTER(2, "rp-filter", "Reverse-path filtering (rp_filter) on a Linux backend"),
    BACKEND_LOOP(3, "backend-loop", "A backend is a client of its own load balancer"),
    CLIENT_PATH(4, "client-path", "Loss on the client's network or the carrier path"),
    CLIENT_IP_BLOCKED(5, "client-ip-blocked", "The client's public IP is blocked (DDoS protection)");

    private final int number;
    private final String id;
    private final String title;

    Cause(int number, String id, String title) {
        this.number = number;
        this.id = id;
        this.title = title;
    }

    /** The cause's number in the support runbook (1 to 5). */
    public int number() {
        return number;
    }

    /** A stable identifier for JSON, e.g. {@code rp-filter}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The cause with identifier {@code id}. @throws IllegalArgumentException for an unknown one */
    @JsonCreator
    public static Cause fromId(String id) {
        for (Cause c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cause '" + id + "'");
    }

    /** The cause's title in English. */
    public String title() {
        return title;
    }

    /** The cause's title as a text of the report's bundle: {@code cause.ID}. */
    public Text titleText() {
        return Text.of("cause." + id);
    }
}
