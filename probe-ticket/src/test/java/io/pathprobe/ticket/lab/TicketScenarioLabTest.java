package io.pathprobe.ticket.lab;

import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.ticket.EngineVantage;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.TicketVantage;
import io.pathprobe.ticket.diagnosis.Cause;
import io.pathprobe.ticket.diagnosis.Confidence;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ticket captures in a namespace lab, two clients on different paths to one VIP, asserting the diagnosis. The
 * bundles are kept in {@code target/lab/<scenario>} for people to look at.
 *
 * <pre>
 *  client-a 10.41.1.2 -- ra 10.41.1.1|10.41.2.1 -- rb 10.41.2.2|10.41.3.1|10.41.4.1 -- vip 10.41.3.2 :80
 *                                                      |
 *  client-b 10.41.4.2 ----------------------------------+
 * </pre>
 */
@Tag("netns")
class TicketScenarioLabTest {
    static final String VIP = "10.41.3.2";
    static final int PORT = 80;

    @BeforeEach
    void root() {
        assumeTrue(MiniLab.isRoot(), "needs root to build network namespaces (run as root, or in CI)");
    }

    /** The two-client topology with a listener on the VIP; returns {client-a, client-b, ra, rb, vip}. */
    static String[] topology(MiniLab lab) throws Exception {
        String a = lab.ns("ca", false);
        String ra = lab.ns("ra", true);
        String rb = lab.ns("rb", true);
        String vip = lab.ns("vip", false);
        String b = lab.ns("cb", false);
        lab.link(a, "10.41.1.2", ra, "10.41.1.1");
        lab.link(ra, "10.41.2.1", rb, "10.41.2.2");
        lab.link(rb, "10.41.3.1", vip, VIP);
        lab.link(rb, "10.41.4.1", b, "10.41.4.2");
        lab.route(a, "default", "10.41.1.1");
        lab.route(ra, "default", "10.41.2.2");
        lab.route(rb, "10.41.1.0/24", "10.41.2.1");
        lab.route(vip, "default", "10.41.3.1");
        lab.route(b, "default", "10.41.4.1");
        lab.listen(vip, VIP, PORT);
        return new String[]{a, b, ra, rb, vip};
    }

    static TicketResults capture(String scenario, String a, String b, Duration d) throws Exception {
        Path out = Path.of("target", "lab", scenario).toAbsolutePath();
        Files.createDirectories(out);
        List<TicketVantage> vs = List.of(EngineVantage.namespace(a, new LocalVantagePoint(Optional.empty(),
                Optional.empty())), EngineVantage.namespace(b, new LocalVantagePoint(Optional.empty(), Optional.empty())));
        return TicketCapture.builder(VIP, InetAddress.getByName(VIP)).ports(List.of(PORT)).duration(d)
                .pingInterval(Duration.ofMillis(100)).tcpInterval(Duration.ofMillis(100))
                .traceInterval(Duration.ofMillis(200)).timeout(Duration.ofMillis(800)).maxTtl(8)
                .instanceId("lab-" + scenario).vantagePoints(vs).outputDir(out).generator("pathprobe lab test").build()
                .run();
    }

    /**
     * Cause 4: router ra drops 20% of what it forwards, on client-a's path only. Client-a's ping loses about
     * 1 − 0.8² = 36%; its MTR shows ra (hop 1, answering itself) clean and loss from hop 2 on; client-b is clean.
     *
     * <p>Bounds: 100 pings with p = 0.36 per ping: P(at most 1 lost, which would read as clean) = 0.64^100 +
     * 100·0.36·0.64^99 &lt; 1e-17. 50 trace rounds: hop 2's loss (p = 0.36) against hop 1's 0% passes the MTR
     * module's 1% test with P(fail) &lt; 1e-6 (P(hop 2 loses fewer than 8 of 50) &lt; 1e-6).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomDropOnOneClientsPathIsCauseFour() throws Exception {
        try (MiniLab lab = new MiniLab()) {
            String[] n = topology(lab);
            lab.nft(n[2], "table inet lab {\n chain forward_drop {\n  type filter hook forward priority 0; policy accept;\n"
                    + "  numgen random mod 100 < 20 drop\n }\n}\n");
            TicketResults r = capture("cause4-client-path", n[0], n[1], Duration.ofSeconds(10));
            Diagnosis d = r.diagnosis();
            VantageEvidence a = r.vantagePoints().get(0);
            VantageEvidence b = r.vantagePoints().get(1);
            assertEquals("10.41.1.2", a.sourceAddress());
            assertEquals("10.41.4.2", b.sourceAddress());
            assertTrue(a.ping().stats().lossPercent() > 5, "client-a loses: " + a.ping().stats());
            assertEquals(0, b.ping().stats().failed(), "client-b is clean: " + b.ping().stats());
            assertEquals(Cause.CLIENT_PATH.id(), d.verdict(), () -> d.headline() + "\n" + d.findings()
                    + "\n" + d.observations());
            assertEquals(Confidence.HIGH, d.confidence());
            assertTrue(d.primary().summary().contains("hop 2 (10.41.2.2)"), d.primary().summary());
        }
    }

    /** A healthy lab: both clients clean, the VIP listening: no fault found. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void healthyLabIsNoFaultFound() throws Exception {
        try (MiniLab lab = new MiniLab()) {
            String[] n = topology(lab);
            TicketResults r = capture("healthy", n[0], n[1], Duration.ofSeconds(4));
            assertEquals(Diagnosis.NO_FAULT_FOUND, r.diagnosis().verdict(), () -> r.diagnosis().headline() + "\n"
                    + r.diagnosis().findings() + "\n" + r.diagnosis().observations());
            for (VantageEvidence v : r.vantagePoints()) {
                assertTrue(v.ping().stats().received() >= 10, v.id() + " " + v.ping().stats());
                assertTrue(v.traces().stream().anyMatch(t -> t.mode().equals("icmp") && t.destinationReached()),
                        v.id() + " traced to the VIP: " + v.traces());
            }
        }
    }
}
