package io.pathprobe.ticket.evidence;

import io.pathprobe.ticket.hostcheck.HostCheckReport;

import java.util.List;
import java.util.Objects;

/**
 * All the evidence of a ticket: the facts, what each vantage point measured, and any {@code hostcheck} reports
 * run on the load balancer's backends (the only way to see inside them, for cause 2). Each vantage point's
 * {@link io.pathprobe.ticket.hostcheck.SelfCheck} is matched here against the facts' backends, so its
 * {@code isBackend} always agrees with {@link TicketFacts#backends()}.
 */
public record TicketEvidence(TicketFacts facts, List<VantageEvidence> vantagePoints,
                             List<HostCheckReport> hostChecks) {
    public TicketEvidence {
        Objects.requireNonNull(facts, "facts");
        vantagePoints = vantagePoints == null ? List.of() : vantagePoints.stream()
                .map(v -> v.self() == null ? v : v.withSelf(v.self().withBackends(facts.backends()))).toList();
        hostChecks = hostChecks == null ? List.of() : List.copyOf(hostChecks);
    }
}
