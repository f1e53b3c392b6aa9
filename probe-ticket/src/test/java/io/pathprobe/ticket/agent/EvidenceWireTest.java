package io.pathprobe.ticket.agent;

import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.diagnosis.Diagnoser;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Evidence that crossed the wire is the evidence that was measured: a real loopback capture's evidence (one
 * listener, one closed port, traces) written as JSON and read back is equal, field for field, and gives the same
 * diagnosis; so does a lost agent's partial evidence.
 */
class EvidenceWireTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void evidenceSurvivesJsonAndGivesTheSameDiagnosis() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int closed = TcpListener.closedPort(lo);
        try (TcpListener server = TcpListener.onHost(lo, 0)) {
            TicketResults r = TicketCapture.builder("127.0.0.1", lo).ports(List.of(server.port(), closed))
                    .duration(Duration.ofSeconds(2)).pingInterval(Duration.ofMillis(100))
                    .tcpInterval(Duration.ofMillis(100)).traceInterval(Duration.ofMillis(500)).maxTtl(3)
                    .timeout(Duration.ofSeconds(1)).outputDir(out).build().run();
            List<VantageEvidence> back = new ArrayList<>();
            for (VantageEvidence v : r.vantagePoints()) {
                String json = ResultsJson.mapper().writeValueAsString(v);
                VantageEvidence read = ResultsJson.mapper().readValue(json, VantageEvidence.class);
                assertEquals(v, read, json);
                back.add(read.withStatus(VantageEvidence.LOST, "2026-12-01T09:00:00Z", 12.5, "lost for the test"));
            }
            TicketEvidence here = r.evidence();
            TicketEvidence wire = ResultsJson.mapper().readValue(ResultsJson.mapper().writeValueAsString(
                    TicketResults.of(here, r.diagnosis(), "test")), TicketResults.class).evidence();
            assertEquals(new Diagnoser().diagnose(here), new Diagnoser().diagnose(wire));
            VantageEvidence lost = ResultsJson.mapper().readValue(ResultsJson.mapper().writeValueAsString(
                    back.get(0)), VantageEvidence.class);
            assertEquals(back.get(0), lost);
            assertEquals(true, lost.lost());
        }
    }
}
