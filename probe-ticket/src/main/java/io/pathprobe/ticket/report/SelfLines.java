package io.pathprobe.ticket.report;

import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.SelfCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What a vantage point's self check says, in the words the report and summary.txt use. */
final class SelfLines {
    private SelfLines() {
    }

    /** Lines for people; none when the check found nothing worth saying. */
    static List<String> of(VantageEvidence v) {
        SelfCheck s = v.self();
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        if (s.error() != null) {
            out.add("[" + v.id() + "] self check not made: " + s.error());
            return out;
        }
        String ports = s.listeningPorts().stream().map(p -> ":" + p).collect(Collectors.joining(", "));
        boolean backend = Boolean.TRUE.equals(s.isBackend());
        if (!s.listeningPorts().isEmpty()) {
            out.add("[" + v.id() + "] this host listens on " + ports + (backend ? " and is backend "
                    + String.join(", ", s.backendAddresses()) + " of the load balancer: its own connections to the"
                    + " VIP can loop back to itself" : Boolean.FALSE.equals(s.isBackend())
                    ? " but none of its addresses is among the backends given" : " — is it one of the load"
                    + " balancer's backends?"));
        } else if (backend) {
            out.add("[" + v.id() + "] address " + String.join(", ", s.backendAddresses()) + " is one of the load"
                    + " balancer's backends (it does not listen on the probed ports)");
        }
        return out;
    }
}
