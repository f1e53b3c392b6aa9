package io.pathprobe.ticket.evidence;

import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.hostcheck.HostCheckReport;

import java.util.List;
import java.util.Objects;

/**
 * The root of {@code results.json}: the evidence and the diagnosis, under a versioned schema name. Fields are only
 * ever added within one schema version; a change in meaning gets a new version.
 *
 * @param schema        always {@value #SCHEMA} for this layout
 * @param generator     what wrote the file, e.g. {@code pathprobe 0.1.0}
 */
public record TicketResults(String schema, String generator, TicketFacts facts, List<VantageEvidence> vantagePoints,
                            List<HostCheckReport> hostChecks, Diagnosis diagnosis) {
    public static final String SCHEMA = "pathprobe.ticket/1";

    public TicketResults {
        Objects.requireNonNull(schema, "schema");
        vantagePoints = vantagePoints == null ? List.of() : List.copyOf(vantagePoints);
        hostChecks = hostChecks == null ? List.of() : List.copyOf(hostChecks);
    }

    public static TicketResults of(TicketEvidence e, Diagnosis d, String generator) {
        return new TicketResults(SCHEMA, generator, e.facts(), e.vantagePoints(), e.hostChecks(), d);
    }

    public TicketEvidence evidence() {
        return new TicketEvidence(facts, vantagePoints, hostChecks);
    }
}
