package io.pathprobe.ticket.lab;

import io.pathprobe.testkit.ClientLab;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Link;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Node;
import io.pathprobe.testkit.Router;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.diagnosis.Cause;
import io.pathprobe.ticket.diagnosis.Confidence;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;
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
        return topology(lab, true);
    }

    static Lab topology(NetLab lab, boolean listener) throws Exception {
        ClientLab t = ClientLab.builder().build(lab);
        if (listener) {
            t.target().listenTcp(t.target().address(V4), PORT);
        }
        return new Lab(t.a(), t.b(), t.router("ra"), t.router("rb"), t.target());
    }

    static TicketResults capture(String scenario, Lab l, Duration d) throws Exception {
        return capture(scenario, l.vipAddress(), List.of(vantage(l.a()), vantage(l.b())), d, List.of());
    }

    static TicketResults capture(String scenario, InetAddress vip, List<ProbeAgent> vs, Duration d,
                                 List<String> backends) throws Exception {
        Path out = Path.of("target", "lab", scenario).toAbsolutePath();
        Files.createDirectories(out);
        return TicketCapture.builder(vip.getHostAddress(), vip).ports(List.of(PORT)).duration(d)
                .pingInterval(Duration.ofMillis(100)).tcpInterval(Duration.ofMillis(100))
                .traceInterval(Duration.ofMillis(200)).timeout(Duration.ofMillis(1500)).maxTtl(8).backends(backends)
                .instanceId("lab-" + scenario).vantagePoints(vs).outputDir(out).generator("pathprobe lab test").build()
                .run();
    }

    static String explain(Diagnosis d) {
        return d.headline() + "\n" + d.findings() + "\n" + String.join("\n", d.observations());
    }

    /** The TCP checks need the TCP prober; until probe-tcp is on the class path these scenarios cannot run. */
    static void assumeTcp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.pathprobe.core.Probers.load().kinds().contains("tcp"),
                "no 'tcp' prober on the class path (probe-tcp): the TCP scenarios cannot run");
    }

    /**
     * Cause 2: a layer-4 "load balancer" lb (nft DNAT of VIP:80 to backend be) whose backend routes its replies to
     * clients out of another interface (via rx) and has rp_filter = 1: the clients' SYNs arrive on the interface
     * toward lb, the route back leaves by the one toward rx, and strict reverse-path filtering drops them. The
     * health check from lb (a directly connected address) passes; both clients' connects time out; the VIP (lb)
     * answers ping. hostcheck inside be's namespace finds rp_filter, and its report makes the finding certain.
     *
     * <pre>
     *  client-a -- ra -- lb (VIP, DNAT :80 -> be) -- be
     *              |      |                          |
     *              |   client-b                      |
     *              +------------------ rx -----------+
     * </pre>
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void rpFilterOnABackendIsCauseTwo() throws Exception {
        assumeTcp();
        try (NetLab lab = NetLab.create()) {
            Host a = lab.host("ca");
            Router ra = lab.router("ra");
            Router lb = lab.router("lb");
            Host b = lab.host("cb");
            Host be = lab.host("be");
            Router rx = lab.router("rx");
            Link aRa = lab.link(a, ra);
            lab.link(ra, lb);
            Link bLb = lab.link(b, lb);
            lab.link(lb, be);
            lab.link(be, rx);
            lab.link(rx, ra);
            lab.installRoutes();
            lab.awaitLinksUp();
            // Asymmetric return path: the backend reaches the clients through rx, not through lb.
            InetAddress viaRx = rx.addressToward(be, V4);
            be.addRoute(aRa.subnet(V4), viaRx);
            be.addRoute(bLb.subnet(V4), viaRx);
            be.sysctl("net.ipv4.conf.all.rp_filter", "1");
            InetAddress beAddr = be.addressToward(lb, V4);
            be.listenTcp(beAddr, PORT);
            InetAddress vip = lb.vip(V4);
            lb.exec("nft", "add table ip lbnat");
            lb.exec("nft", "add chain ip lbnat pre { type nat hook prerouting priority -100 ; }");
            lb.exec("nft", "add rule ip lbnat pre ip daddr " + vip.getHostAddress() + " tcp dport " + PORT
                    + " dnat to " + beAddr.getHostAddress());

            // The load balancer's health check: a connect from lb to the backend passes.
            boolean healthy = lb.call(() -> {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress(beAddr, PORT), 2000);
                    return true;
                }
            });
            assertTrue(healthy, "health check from lb to the backend");

            HostCheckReport hc = HostChecks.checkNamespace(be.namespace(), List.of());
            assertTrue(hc.rpFilterOn(), HostChecks.render(hc)::toString);
            assertTrue(hc.sysctlConfLines().contains("net.ipv4.conf.all.rp_filter = 0"), hc.sysctlConfLines()::toString);

            Path out = Path.of("target", "lab", "cause2-rp-filter").toAbsolutePath();
            Files.createDirectories(out);
            TicketResults r = TicketCapture.builder(vip.getHostAddress(), vip).ports(List.of(PORT))
                    .duration(Duration.ofSeconds(4)).pingInterval(Duration.ofMillis(100))
                    .tcpInterval(Duration.ofMillis(100)).traceInterval(Duration.ofMillis(200))
                    .timeout(Duration.ofMillis(1500)).maxTtl(8).instanceId("lab-cause2-rp-filter")
                    .healthChecks("passing").hostChecks(List.of(hc)).vantagePoints(List.of(vantage(a), vantage(b)))
                    .outputDir(out).generator("pathprobe lab test").build().run();
            Diagnosis d = r.diagnosis();
            assertEquals(Cause.RP_FILTER.id(), d.verdict(), () -> explain(d));
            assertEquals(Confidence.HIGH, d.confidence(), () -> explain(d));
            assertTrue(d.nextSteps().stream().anyMatch(s -> s.contains("net.ipv4.conf.all.rp_filter = 0")
                    && s.contains("sysctl -p")), d.nextSteps()::toString);

            // The same capture without the backend's report: the pattern plus passing health checks is MEDIUM.
            TicketResults withoutHostcheck = TicketResults.of(new io.pathprobe.ticket.evidence.TicketEvidence(
                    r.facts(), r.vantagePoints(), List.of()), null, "test");
            Diagnosis d2 = new io.pathprobe.ticket.diagnosis.Diagnoser().diagnose(withoutHostcheck.evidence());
            assertEquals(Cause.RP_FILTER.id(), d2.verdict(), () -> explain(d2));
            assertEquals(Confidence.MEDIUM, d2.confidence());
        }
    }

    /**
     * Cause 1: the VIP has no listener and drops ICMP (as a load balancer without listeners): from both clients
     * ping and TCP time out.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void silentVipFromEveryClientIsCauseOne() throws Exception {
        assumeTcp();
        try (NetLab lab = NetLab.create()) {
            Lab l = topology(lab, false);
            l.vip().nft().rule(Nft.Chain.INPUT, "meta l4proto icmp drop").dropTcpPort(PORT);
            TicketResults r = capture("cause1-no-listener", l, Duration.ofSeconds(4));
            Diagnosis d = r.diagnosis();
            assertEquals(Cause.NO_LISTENER.id(), d.verdict(), () -> explain(d));
            assertEquals(Confidence.HIGH, d.confidence());
            assertTrue(d.nextSteps().stream().anyMatch(s -> s.contains("Add a listener on port " + PORT)),
                    d.nextSteps()::toString);
        }
    }

    /**
     * Cause 5: the VIP drops everything from client-a's address only; client-b gets through, and client-a's MTR
     * reaches both routers: only the VIP is silent.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneBlockedClientAddressIsCauseFive() throws Exception {
        assumeTcp();
        try (NetLab lab = NetLab.create()) {
            Lab l = topology(lab);
            InetAddress blocked = l.a().address(V4);
            l.vip().nft().blockSource(blocked);
            TicketResults r = capture("cause5-client-ip-blocked", l, Duration.ofSeconds(4));
            Diagnosis d = r.diagnosis();
            assertEquals(Cause.CLIENT_IP_BLOCKED.id(), d.verdict(), () -> explain(d));
            assertEquals(Confidence.HIGH, d.confidence(), () -> explain(d));
            assertTrue(d.nextSteps().stream().anyMatch(s -> s.contains(blocked.getHostAddress())
                    && s.contains("access whitelist")), d.nextSteps()::toString);
        }
    }

    /**
     * Cause 3: a layer-4 "load balancer" (nft DNAT on lb, picking one of three backends at random per connection)
     * whose backend be1 is also a client of the VIP. When be1's own connection is sent back to be1, the packet
     * arrives with be1's own address as source (a martian) and is dropped: about 1 in 3 of be1's connects time
     * out; client-a's all connect.
     *
     * <p>Bounds: be1 makes 40 connects, each failing with p = 1/3. It reads as clean only with at most 1 failure:
     * P = (2/3)^40 + 40·(1/3)·(2/3)^39 &lt; 3e-6; as "one block" (one run of failures) far less.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void backendThatIsAClientOfItsOwnLoadBalancerIsCauseThree() throws Exception {
        assumeTcp();
        try (NetLab lab = NetLab.create()) {
            ScenarioMatrixLabTest.Lb t = ScenarioMatrixLabTest.loopingLb(lab);
            Host a = t.a();
            Host be1 = t.backends().get(0);
            InetAddress vip = t.vip();
            List<String> backendAddrs = t.backendAddrs();
            TicketResults r = capture("cause3-backend-loop", vip, List.of(vantage(be1), vantage(a)),
                    Duration.ofSeconds(4), backendAddrs);
            Diagnosis d = r.diagnosis();
            assertEquals(Cause.BACKEND_LOOP.id(), d.verdict(), () -> explain(d));
            assertEquals(Confidence.HIGH, d.confidence(), () -> explain(d));
        }
    }

    static ProbeAgent vantage(Node n) {
        return LocalAgent.builder().namespace(n.namespace()).build();
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
