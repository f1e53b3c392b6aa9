package io.pathprobe.ticket.evidence;

import java.util.List;
import java.util.Objects;

/**
 * The facts of the ticket: what was tested and when.
 *
 * @param instanceId       the load balancer's instance ID as the user gave it, or {@code null}
 * @param target           the target as the user gave it (name or address)
 * @param vip              the address probed (the VIP)
 * @param ports            the listener ports checked
 * @param backends         the load balancer's backend addresses when the user gave them (for cause 3), else empty
 * @param healthChecks     what the user reports of the load balancer's health checks: {@code "unknown"},
 *                         {@code "passing"} or {@code "failing"} (only the user can see them; cause 2 needs it)
 * @param start            ISO-8601 instant the capture started
 * @param end              ISO-8601 instant it ended (or {@code null} while running)
 * @param plannedDurationMs how long the capture was meant to run
 * @param stoppedEarly     whether it was stopped (Ctrl-C) before the planned end
 */
public record TicketFacts(String instanceId, String target, String vip, List<Integer> ports, List<String> backends,
                          String healthChecks, String start, String end, long plannedDurationMs,
                          boolean stoppedEarly) {
    public static final String HEALTH_UNKNOWN = "unknown";
    public static final String HEALTH_PASSING = "passing";
    public static final String HEALTH_FAILING = "failing";

    public TicketFacts {
        Objects.requireNonNull(target, "target");
        ports = ports == null ? List.of() : List.copyOf(ports);
        backends = backends == null ? List.of() : List.copyOf(backends);
        healthChecks = checkHealth(healthChecks == null ? HEALTH_UNKNOWN : healthChecks);
    }

    /**
     * Checks a health-check status.
     *
     * @throws IllegalArgumentException unless it is unknown, passing or failing
     */
    public static String checkHealth(String status) {
        if (!HEALTH_UNKNOWN.equals(status) && !HEALTH_PASSING.equals(status) && !HEALTH_FAILING.equals(status)) {
            throw new IllegalArgumentException("health check status '" + status
                    + "' is not known: use unknown, passing or failing");
        }
        return status;
    }

    /** The same facts with the end time set. */
    public TicketFacts ended(String endInstant, boolean early) {
        return new TicketFacts(instanceId, target, vip, ports, backends, healthChecks, start, endInstant,
                plannedDurationMs, early);
    }
}
