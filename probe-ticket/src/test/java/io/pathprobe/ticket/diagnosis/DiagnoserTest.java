package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.pathprobe.ticket.diagnosis.Ev.ping;
import static io.pathprobe.ticket.diagnosis.Ev.tcp;
import static io.pathprobe.ticket.diagnosis.Ev.tcpBlock;
import static io.pathprobe.ticket.diagnosis.Ev.ticket;
import static io.pathprobe.ticket.diagnosis.Ev.vantage;
import static io.pathprobe.ticket.diagnosis.RulesTest.P80;
import static io.pathprobe.ticket.diagnosis.RulesTest.deadTimeouts;
import static io.pathprobe.ticket.diagnosis.RulesTest.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiagnoserTest {
    final Diagnoser diagnoser = new Diagnoser();

    @Test
    void healthyPathIsNoFaultFound() {
        Diagnosis d = diagnoser.diagnose(ticket(P80, healthy("a", "10.0.1.2")));
        assertEquals(Diagnosis.NO_FAULT_FOUND, d.verdict());
        assertEquals(Confidence.MEDIUM, d.confidence(), "20 probes per check is not a thorough capture");
        assertTrue(d.findings().isEmpty());
        assertNull(d.primary());
    }

    @Test
    void noFaultSaysWhatWasNotMeasured() {
        VantageEvidence v = vantage("a", "10.0.1.2", ping(20, 20), List.of());
        Diagnosis d = diagnoser.diagnose(ticket(List.of(80, 443), v));
        assertEquals(Diagnosis.NO_FAULT_FOUND, d.verdict());
        assertEquals(Confidence.LOW, d.confidence());
        assertTrue(d.headline().endsWith("not measured: TCP port 80, TCP port 443"), d.headline());
    }

    @Test
    void longHealthyCaptureIsConfidentNoFault() {
        VantageEvidence v = vantage("a", "10.0.1.2", ping(600, 600), List.of(tcp(80, 600, 0, 0)));
        assertEquals(Confidence.HIGH, diagnoser.diagnose(ticket(P80, v)).confidence());
    }

    @Test
    void silentVipFromEverywhereIsCauseOne() {
        Diagnosis d = diagnoser.diagnose(ticket(P80, deadTimeouts("a", "10.0.1.2"), deadTimeouts("b", "10.0.3.2")));
        assertEquals(Cause.NO_LISTENER.id(), d.verdict());
        assertEquals(Cause.NO_LISTENER, d.primary().cause());
        assertTrue(d.headline().startsWith("Cause 1:"), d.headline());
    }

    @Test
    void silentVipFromOneClientIsInconclusiveBetweenOneAndFive() {
        Diagnosis d = diagnoser.diagnose(ticket(P80, deadTimeouts("a", "10.0.1.2")));
        assertEquals(Diagnosis.INCONCLUSIVE, d.verdict());
        List<Cause> candidates = d.findings().stream().map(Finding::cause).toList();
        assertEquals(List.of(Cause.NO_LISTENER, Cause.CLIENT_IP_BLOCKED), candidates);
        assertTrue(d.nextSteps().stream().anyMatch(s -> s.contains("second, independent network")));
    }

    @Test
    void inconclusiveNamesEveryCandidateAndWhatTellsThemApart() {
        assertTrue(diagnoser.diagnose(ticket(P80, deadTimeouts("a", "10.0.1.2"))).nextSteps().stream()
                .anyMatch(s -> s.startsWith("To tell cause 1 from cause 5: capture at the same time from another")));
        // Partial scattered timeouts from the only client, ping clean, nothing known about it: one filtering
        // backend (2) and a backend's own loop (3) both fit.
        VantageEvidence v = vantage("a", "10.0.1.2", ping(60, 60), List.of(tcp(80, 40, 0, 20)));
        Diagnosis d = diagnoser.diagnose(ticket(P80, v));
        assertEquals(Diagnosis.INCONCLUSIVE, d.verdict(), d::headline);
        assertEquals(List.of(Cause.RP_FILTER, Cause.BACKEND_LOOP), d.findings().stream().map(Finding::cause).toList());
        assertTrue(d.headline().contains("cause 2") && d.headline().contains("cause 3"), d.headline());
        assertTrue(d.nextSteps().stream().anyMatch(s -> s.startsWith("To tell cause 2 from cause 3:")),
                d.nextSteps()::toString);
    }

    @Test
    void pingLossAloneWithCleanConnectsAndTcpTraceIsEchoRateLimitingNotAFault() {
        io.pathprobe.ticket.evidence.TraceEvidence tcpTrace = Ev.trace("tcp", 80, null,
                Ev.hop(1, "10.0.1.1", 40, 0, false), Ev.hop(2, Ev.VIP, 40, 0, true));
        VantageEvidence v = vantage("a", "10.0.1.2", ping(60, 20), List.of(tcp(80, 60, 0, 0)), tcpTrace);
        Diagnosis d = diagnoser.diagnose(ticket(P80, v, healthy("b", "10.0.3.2")));
        assertEquals(Diagnosis.NO_FAULT_FOUND, d.verdict(), d::headline);
        assertTrue(d.headline().contains("rate-limits ICMP echo"), d.headline());
        assertTrue(d.observations().stream().anyMatch(o -> o.contains("ICMP echo is rate-limited")));
        // Without the TCP-mode trace nothing shows the path is clean: the ping loss stays a (low) cause 4.
        VantageEvidence noTrace = vantage("a", "10.0.1.2", ping(60, 20), List.of(tcp(80, 60, 0, 0)));
        assertEquals(Diagnosis.INCONCLUSIVE, diagnoser.diagnose(ticket(P80, noTrace)).verdict());
    }

    @Test
    void silentOnlyFromOneOfTwoClientsIsCauseFive() {
        Diagnosis d = diagnoser.diagnose(ticket(P80, deadTimeouts("a", "10.0.1.2"), healthy("b", "10.0.3.2")));
        assertEquals(Cause.CLIENT_IP_BLOCKED.id(), d.verdict());
    }

    @Test
    void unexplainedFailuresAreInconclusive() {
        // One block of refusals: an outage of the listener, none of the five causes.
        VantageEvidence v = vantage("a", "10.0.1.2", ping(60, 60), List.of(tcpBlock(80, 45, 15, 0)));
        Diagnosis d = diagnoser.diagnose(ticket(P80, v));
        assertEquals(Diagnosis.INCONCLUSIVE, d.verdict());
        assertTrue(d.findings().isEmpty(), d.findings()::toString);
        assertTrue(d.headline().contains("none of the known causes"), d.headline());
    }

    @Test
    void nothingMeasuredIsInconclusive() {
        VantageEvidence v = vantage("a", "10.0.1.2", ping(2, 2), List.of());
        Diagnosis d = diagnoser.diagnose(ticket(P80, v));
        assertEquals(Diagnosis.INCONCLUSIVE, d.verdict());
        assertTrue(d.headline().contains("nothing was measured"));
    }

    @Test
    void observationsListEveryMeasurement() {
        TicketEvidence e = ticket(P80, healthy("a", "10.0.1.2"), deadTimeouts("b", "10.0.3.2"));
        List<String> obs = diagnoser.diagnose(e).observations();
        assertTrue(obs.contains("[a] ping 203.0.113.10: 20 sent, 20 received, 0% loss, avg 1.500 ms"), obs::toString);
        assertTrue(obs.contains("[b] tcp 203.0.113.10:80: 20 attempted, 0 connected, 0 refused, 20 timed out,"
                + " 0 unreachable (100% failed)"), obs::toString);
    }

    /** A rule of its own that gives English words only: its steps come through as they are, in every language. */
    @Test
    void aRuleWithWordsOnlyKeepsItsLines() {
        DiagnosisRule custom = new DiagnosisRule() {
            @Override
            public Cause cause() {
                return Cause.NO_LISTENER;
            }

            @Override
            public String needs() {
                return "anything";
            }

            @Override
            public java.util.Optional<Finding> evaluate(TicketEvidence e) {
                return java.util.Optional.of(new Finding(Cause.NO_LISTENER, Confidence.HIGH, "it is down",
                        List.of("[a] evidence"), List.of("Restart it.")));
            }
        };
        Diagnosis d = new Diagnoser(List.of(custom)).diagnose(ticket(P80, healthy("a", "10.0.1.2")));
        assertEquals(List.of("Restart it."), d.nextSteps());
        assertEquals("general.untranslated", d.steps().get(0).id());
        assertEquals(List.of("Restart it."), d.nextSteps(java.util.Locale.SIMPLIFIED_CHINESE));
        assertEquals("it is down", d.primary().summary(java.util.Locale.SIMPLIFIED_CHINESE));
    }
}
