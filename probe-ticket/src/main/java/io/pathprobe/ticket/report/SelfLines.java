package io.pathprobe.ticket.report;

import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.SelfCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a vantage point's self check says, in the words the report and summary.txt use. */
final class SelfLines {
    private SelfLines() {
    }

    /** Lines for people, in English; none when the check found nothing worth saying. */
    static List<String> of(VantageEvidence v) {
        return of(v, Locale.ENGLISH);
    }

    /** Lines for people in {@code locale}; none when the check found nothing worth saying. */
    static List<String> of(VantageEvidence v, Locale locale) {
        SelfCheck s = v.self();
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        if (s.error() != null) {
            out.add(Messages.format(locale, "self.error", v.id(), s.error()));
            return out;
        }
        String ports = s.listeningPorts().stream().map(p -> ":" + p).collect(Collectors.joining(", "));
        String backends = String.join(", ", s.backendAddresses());
        boolean backend = Boolean.TRUE.equals(s.isBackend());
        if (!s.listeningPorts().isEmpty()) {
            String key = backend ? "self.listens.backend" : Boolean.FALSE.equals(s.isBackend())
                    ? "self.listens.not-backend" : "self.listens.unknown";
            out.add(Messages.format(locale, key, v.id(), ports, backends));
        } else if (backend) {
            out.add(Messages.format(locale, "self.backend", v.id(), backends));
        }
        return out;
    }
}
