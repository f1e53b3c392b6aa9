package io.pathprobe.ticket.lab;

import io.pathprobe.core.VantagePoint;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Node;
import io.pathprobe.testkit.Router;
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
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ticket captures in the namespace lab, two clients on different paths to one VIP, asserting the diagnosis. The
 * bundles are kept in {@code target/lab/<scenario>} for people to look at.
 *
 * <pre>
 *  client-a -- ra -- rb -- vip (listener on :80)
 *                    |
 *  client-b ---------+
 * </pre>
 */
@Tag("netns")
class TicketScenarioLabTest {
    static final StandardProtocolFamily V4 = StandardProtocolFamily.INET;
    static final int PORT = 80;

    @BeforeEach
    void available() {
        NetLab.assumeAvailable();
    }

    /** The lab's nodes. */
    record Lab(Host a, Host b, Router ra, Router rb, Host vip) {
        InetAddress vipAddress() {
            return vip.address(V4);
        }
    }

    static Lab topology(NetLab lab) throws Exception {
        Host a = lab.host("ca");
        Router ra = lab.router("ra");
        Router rb = lab.router("rb");
        Host vip = lab.host("vip");
        Host b = lab.host("cb");
        lab.link(a, ra);
        lab.link(ra, rb);
        lab.link(rb, vip);
        lab.link(rb, b);
        lab.installRoutes();
        lab.awaitLinksUp();
        vip.listenTcp(vip.address(V4), PORT);
        return new Lab(a, b, ra, rb, vip);
    }

    static TicketResults capture(String scenario, Lab l, Duration d) throws Exception {
        Path out = Path.of("target", "lab", scenario).toAbsolutePath();
        Files.createDirectories(out);
        List<TicketVantage> vs = List.of(vantage(l.a()), vantage(l.b()));
        InetAddress vip = l.vipAddress();
        return TicketCapture.builder(vip.getHostAddress(), vip).ports(List.of(PORT)).duration(d)
                .pingInterval(Duration.ofMillis(100)).tcpInterval(Duration.ofMillis(100))
                .traceInterval(Duration.ofMillis(200)).timeout(Duration.ofMillis(800)).maxTtl(8)
                .instanceId("lab-" + scenario).vantagePoints(vs).outputDir(out).generator("pathprobe lab test").build()
                .run();
    }

    static TicketVantage vantage(Node n) {
        return EngineVantage.namespace(n.namespace(), VantagePoint.local());
    }

    /**
     * Cause 4: router ra drops 20% of what it forwards, on client-a's path only. Client-a's ping loses about
     * 1 − 0.8² = 36%; its MTR shows ra (hop 1, answering itself: TTL expiry comes before the forward hook) clean and
     * loss from hop 2 on; client-b is clean.
     *
     * <p>Bounds: 100 pings with p = 0.36 per ping: P(at most 1 lost, which would read as clean) = 0.64^100 +
     * 100·0.36·0.64^99 &lt; 1e-17. 50 trace rounds: hop 2's loss (p = 0.36, ~18 of 50) against hop 1's 0% passes
     * the MTR module's 1% test unless hop 2 loses fewer than 8 of 50: P &lt; 1e-4 · 1e-2.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomDropOnOneClientsPathIsCauseFour() throws Exception {
        try (NetLab lab = NetLab.create()) {
            Lab l = topology(lab);
            l.ra().nft().rule(Nft.Chain.FORWARD, "numgen random mod 100 < 20 drop");
            TicketResults r = capture("cause4-client-path", l, Duration.ofSeconds(10));
            Diagnosis d = r.diagnosis();
            VantageEvidence a = r.vantagePoints().get(0);
            VantageEvidence b = r.vantagePoints().get(1);
            assertEquals(l.a().address(V4).getHostAddress(), a.sourceAddress());
            assertEquals(l.b().address(V4).getHostAddress(), b.sourceAddress());
            assertTrue(a.ping().stats().lossPercent() > 5, "client-a loses: " + a.ping().stats());
            assertEquals(0, b.ping().stats().failed(), "client-b is clean: " + b.ping().stats());
            assertEquals(Cause.CLIENT_PATH.id(), d.verdict(), () -> d.headline() + "\n" + d.findings()
                    + "\n" + d.observations());
            assertEquals(Confidence.HIGH, d.confidence());
            String hop2 = l.rb().addressToward(l.ra(), V4).getHostAddress();
            assertTrue(d.primary().summary().contains("hop 2 (" + hop2 + ")"), d.primary().summary());
        }
    }

    /** A healthy lab: both clients clean, the VIP listening: no fault found. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void healthyLabIsNoFaultFound() throws Exception {
        try (NetLab lab = NetLab.create()) {
            Lab l = topology(lab);
            TicketResults r = capture("healthy", l, Duration.ofSeconds(4));
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
