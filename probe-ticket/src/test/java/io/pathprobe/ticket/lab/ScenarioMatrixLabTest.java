package io.pathprobe.ticket.lab;

import io.pathprobe.testkit.ClientLab;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Link;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Node;
import io.pathprobe.testkit.Router;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.diagnosis.Cause;
import io.pathprobe.ticket.diagnosis.Confidence;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Finding;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagnosis's scenario matrix (issue 11): every known cause in at least two forms, and healthy paths that
 * look faulty to a naive reading (ICMP-rate-limiting routers, a VIP that rate-limits ICMP echo, a router that
 * never answers with Time Exceeded), each a real namespace lab with a short capture (4 s, probes every 100 ms).
 * Each asserts the verdict, its confidence range and the key sentence of the summary. The labs run
 * {@value #PARALLEL} at a time (each has its own namespaces, addresses and nft tables; nothing is shared); the
 * confusion table (scenario × expected × diagnosed × confidence) and the wall time go to
 * {@code target/lab/matrix.md}.
 *
 * <h2>Bounds</h2> Every capture makes n = 40 pings and 40 connects per vantage point, and 40 rounds per trace
 * (exact sums over the binomial distributions, computed once with a short script):
 * <ul>
 *   <li>Random drop p at a point the probe and its answer both cross: lost with q = 1 − (1 − p)². p = 0.25 gives
 *       q = 0.4375, p = 0.3 on both ends of the client's link q = 0.51. A lossy series reads CLEAN only with at
 *       most 1 failure: (1−q)^40 + 40·q·(1−q)^39 = 3.2e-9 (q = 0.4375), 1.7e-11 (q = 0.51).</li>
 *   <li>Where persistent loss begins (cause 4): the MTR module places the start one hop late when a hop as lossy
 *       as the destination reads "clearly less" (its 99% Clopper–Pearson upper bound under the destination's
 *       lower bound); for two hops with the same q and 40 rounds that is P = 2.3e-4 per pair (sum of
 *       Bin(40,q)·Bin(40,q) over the pairs x_j, x_k with U(x_j) &lt; L(x_k): x_k − x_j ≥ 10). The diagnosis takes
 *       the earliest start of the ICMP- and TCP-mode traces (independent probes), so both must miss: with two
 *       pairs each (client link: hops 1 and 2 against the destination) (2 · 2.3e-4)² = 2.1e-7; carrier hop (one
 *       pair) 5e-8. The hops before the loss are deterministic (no drop there, no ICMP limit in the lab).</li>
 *   <li>Backend loop, 1 of 3 (each looping host): connects fail with p = 1/3; not PARTIAL-and-scattered (at most
 *       one failure, every failure in one block, or all failed) P = 3.6e-6; the true 1/3 outside the Wilson
 *       interval at z = 4.42 (HIGH needs the fit when --backends is given) 1.1e-5. Per scenario &lt; 1.5e-5, two
 *       looping hosts &lt; 3e-5.</li>
 *   <li>One filtering backend of two: each client's connects fail with p = 1/2: CLEAN or DEAD 3.7e-11 + 9e-13;
 *       the confidence (MEDIUM) comes from the passing health checks, not from the fit.</li>
 *   <li>Rate limits (nft {@code limit rate}), blocks and rejects are deterministic.</li>
 * </ul>
 * So each scenario fails by chance less than once in 30,000 runs.
 */
@Tag("netns")
class ScenarioMatrixLabTest {
    static final StandardProtocolFamily V4 = StandardProtocolFamily.INET;
    static final StandardProtocolFamily V6 = StandardProtocolFamily.INET6;
    static final int PORT = 80;
    static final int PARALLEL = 4;
    static final Duration CAPTURE = Duration.ofSeconds(4);
    static final Set<Confidence> ANY = EnumSet.allOf(Confidence.class);

    /** What a scenario's lab gives the capture. */
    record Setup(InetAddress vip, List<Node> vantage, List<String> backends, String health,
                 List<HostCheckReport> hostChecks) {
        Setup(InetAddress vip, List<Node> vantage) {
            this(vip, vantage, List.of(), TicketFacts.HEALTH_UNKNOWN, List.of());
        }
    }

    /** A scenario: its lab, the expected verdict, the confidences accepted, the sentence the summary must hold. */
    record Scenario(String name, Function<NetLab, Setup> lab, String verdict, Set<Confidence> confidence,
                    String key) {
    }

    /** What came out of a scenario. */
    record Outcome(Scenario s, TicketResults r, Throwable error, long millis) {
    }

    private static final List<String> TABLE = new ArrayList<>();
    private static long wallMillis;

    static List<Scenario> scenarios() {
        List<Scenario> l = new ArrayList<>();
        // ---- cause 1: no listener ----
        l.add(new Scenario("c1-silent-vip-2vp", lab -> {
            Std t = std(lab, false);
            t.vip.nft().rule(Nft.Chain.INPUT, "meta l4proto icmp drop").dropTcpPort(PORT);
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Cause.NO_LISTENER.id(), EnumSet.of(Confidence.HIGH), "no listener seems configured"));
        l.add(new Scenario("c1-rst-2vp-v6", lab -> {
            Std t = std(lab, false); // nothing listens: the kernel answers RST
            return new Setup(t.vip.vip(V6), List.of(t.a, t.b));
        }, Cause.NO_LISTENER.id(), EnumSet.of(Confidence.HIGH), "are refused from every client"));
        // ---- cause 2: rp_filter ----
        l.add(new Scenario("c2-one-of-two-backends", lab -> {
            Lb t = lbWithRpFilter(lab, 2, List.of(1));
            return new Setup(t.vip, List.of(t.a, t.b), t.backendAddrs(), TicketFacts.HEALTH_PASSING, List.of());
        }, Cause.RP_FILTER.id(), EnumSet.of(Confidence.MEDIUM), "connects partly time out from every client"));
        l.add(new Scenario("c2-all-backends-hostcheck", lab -> {
            Lb t = lbWithRpFilter(lab, 1, List.of(0));
            HostCheckReport hc = HostChecks.checkNamespace(t.backends.get(0).namespace(), List.of());
            return new Setup(t.vip, List.of(t.a, t.b), List.of(), TicketFacts.HEALTH_PASSING, List.of(hc));
        }, Cause.RP_FILTER.id(), EnumSet.of(Confidence.HIGH), "is silently dropped from every client"));
        // ---- cause 3: backend loop ----
        l.add(new Scenario("c3-with-backends", lab -> {
            Lb t = loopingLb(lab);
            return new Setup(t.vip, List.of(t.backends.get(0), t.a), t.backendAddrs(), TicketFacts.HEALTH_UNKNOWN,
                    List.of());
        }, Cause.BACKEND_LOOP.id(), EnumSet.of(Confidence.HIGH), "This host is a backend of the load balancer"));
        l.add(new Scenario("c3-without-backends", lab -> {
            Lb t = loopingLb(lab);
            return new Setup(t.vip, List.of(t.backends.get(0), t.a));
        }, Cause.BACKEND_LOOP.id(), EnumSet.of(Confidence.MEDIUM),
                "This host listens on :80 itself — is it one of the load balancer's backends?"));
        l.add(new Scenario("c3-alone-without-backends", lab -> {
            Lb t = loopingLb(lab); // the field report: the only client is itself a backend, no --backends
            return new Setup(t.vip, List.of(t.backends.get(0)));
        }, Cause.BACKEND_LOOP.id(), EnumSet.of(Confidence.MEDIUM), "This host listens on :80 itself"));
        l.add(new Scenario("c3-two-backends-looping", lab -> {
            Lb t = loopingLb(lab);
            return new Setup(t.vip, List.of(t.backends.get(0), t.backends.get(1), t.a), t.backendAddrs(),
                    TicketFacts.HEALTH_UNKNOWN, List.of());
        }, Cause.BACKEND_LOOP.id(), EnumSet.of(Confidence.HIGH), "These hosts are backends of the load balancer"));
        // ---- cause 4: client path ----
        l.add(new Scenario("c4-client-link-1vp", lab -> {
            Std t = std(lab, true);
            // A bad client link (Wi-Fi): 30% of what crosses it, both ways, dropped at the client's router's and
            // the client's ingress.
            t.a.nft().dropRandomPercent(30);
            t.ra.nft().rule(Nft.Chain.PREROUTING, "iifname \"eth0\" numgen random mod 100 < 30 drop");
            return new Setup(t.vip.vip(V4), List.of(t.a));
        }, Cause.CLIENT_PATH.id(), EnumSet.of(Confidence.MEDIUM), "loss begins at hop 1"));
        l.add(new Scenario("c4-carrier-hop-2vp", lab -> {
            LongPath t = longPath(lab);
            t.rc.nft().rule(Nft.Chain.FORWARD, "numgen random mod 100 < 25 drop");
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Cause.CLIENT_PATH.id(), EnumSet.of(Confidence.HIGH), "loss begins at hop 3"));
        l.add(new Scenario("c4-carrier-hop-1vp-v6", lab -> {
            LongPath t = longPath(lab);
            t.rc.nft().rule(Nft.Chain.FORWARD, "numgen random mod 100 < 25 drop");
            return new Setup(t.vip.vip(V6), List.of(t.a));
        }, Cause.CLIENT_PATH.id(), EnumSet.of(Confidence.MEDIUM), "loss begins at hop 3"));
        // ---- cause 5: client IP blocked ----
        l.add(new Scenario("c5-blocked-2vp", lab -> {
            Std t = std(lab, true);
            t.vip.nft().blockSource(t.a.address(V4));
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Cause.CLIENT_IP_BLOCKED.id(), EnumSet.of(Confidence.HIGH), "this client's address is likely blocked"));
        l.add(new Scenario("c5-blocked-1vp-v6", lab -> {
            Std t = std(lab, true);
            t.vip.nft().blockSource(t.a.address(V6));
            return new Setup(t.vip.vip(V6), List.of(t.a));
        }, Diagnosis.INCONCLUSIVE, null, "cause 1 (No listener configured on the load balancer) or cause 5"));
        // ---- healthy paths that look faulty ----
        l.add(new Scenario("healthy-icmp-rate-limiting-routers", lab -> {
            Std t = std(lab, true);
            t.ra.nft().limitIcmpErrors(2, 2);
            t.rb.nft().limitIcmpErrors(2, 2);
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Diagnosis.NO_FAULT_FOUND, EnumSet.of(Confidence.MEDIUM), "No fault found"));
        l.add(new Scenario("healthy-vip-limits-icmp-echo", lab -> {
            Std t = std(lab, true);
            t.vip.nft().rule(Nft.Chain.INPUT, "icmp type echo-request limit rate over 4/second burst 4 packets drop");
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Diagnosis.NO_FAULT_FOUND, EnumSet.of(Confidence.MEDIUM), "the VIP rate-limits ICMP echo"));
        l.add(new Scenario("healthy-hop-drops-ttl-expired-replies", lab -> {
            Std t = std(lab, true);
            t.rb.nft().rule(Nft.Chain.OUTPUT, "icmp type time-exceeded drop")
                    .rule(Nft.Chain.OUTPUT, "icmpv6 type time-exceeded drop");
            return new Setup(t.vip.vip(V4), List.of(t.a, t.b));
        }, Diagnosis.NO_FAULT_FOUND, EnumSet.of(Confidence.MEDIUM), "No fault found"));
        l.add(new Scenario("healthy-v6", lab -> {
            Std t = std(lab, true);
            return new Setup(t.vip.vip(V6), List.of(t.a, t.b));
        }, Diagnosis.NO_FAULT_FOUND, EnumSet.of(Confidence.MEDIUM), "No fault found"));
        return l;
    }

    @TestFactory
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    Stream<DynamicTest> matrix() throws Exception {
        NetLab.assumeAvailable();
        Assumptions.assumeTrue(io.pathprobe.core.Probers.load().kinds().contains("tcp"),
                "no 'tcp' prober on the class path (probe-tcp)");
        List<Scenario> all = scenarios();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        Map<Scenario, Future<Outcome>> running = new LinkedHashMap<>();
        try {
            for (Scenario s : all) {
                running.put(s, pool.submit(() -> run(s)));
            }
            List<Outcome> done = new ArrayList<>();
            for (Future<Outcome> f : running.values()) {
                done.add(f.get(240, TimeUnit.SECONDS));
            }
            wallMillis = (System.nanoTime() - t0) / 1_000_000;
            done.forEach(o -> TABLE.add(row(o)));
            return done.stream().map(o -> DynamicTest.dynamicTest(o.s().name(), () -> check(o)));
        } finally {
            pool.shutdownNow();
        }
    }

    static Outcome run(Scenario s) {
        long t0 = System.nanoTime();
        try (NetLab lab = NetLab.create()) {
            Setup st = s.lab().apply(lab);
            Path out = Path.of("target", "lab", "matrix", s.name()).toAbsolutePath();
            Files.createDirectories(out);
            List<ProbeAgent> vs = st.vantage().stream()
                    .map(n -> (ProbeAgent) LocalAgent.builder().namespace(n.namespace()).build()).toList();
            TicketResults r = TicketCapture.builder(st.vip().getHostAddress(), st.vip()).ports(List.of(PORT))
                    .duration(CAPTURE).pingInterval(Duration.ofMillis(100)).tcpInterval(Duration.ofMillis(100))
                    .traceInterval(Duration.ofMillis(100)).timeout(Duration.ofMillis(1000)).maxTtl(8)
                    .backends(st.backends()).healthChecks(st.health()).hostChecks(st.hostChecks())
                    .instanceId("lab-" + s.name()).vantagePoints(vs).outputDir(out).generator("pathprobe matrix")
                    .build().run();
            return new Outcome(s, r, null, (System.nanoTime() - t0) / 1_000_000);
        } catch (Throwable e) {
            return new Outcome(s, null, e, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    static void check(Outcome o) throws Throwable {
        if (o.error() != null) {
            throw o.error();
        }
        Scenario s = o.s();
        Diagnosis d = o.r().diagnosis();
        String explain = d.headline() + "\n" + String.join("\n", d.findings().stream()
                .map(f -> f.cause() + " " + f.confidence() + ": " + f.summary()).toList()) + "\n"
                + String.join("\n", d.nextSteps()) + "\n" + String.join("\n", d.observations());
        assertEquals(s.verdict(), d.verdict(), explain);
        if (s.confidence() != null) {
            assertTrue(s.confidence().contains(d.confidence()), "confidence " + d.confidence() + "\n" + explain);
        }
        Finding p = d.primary();
        String text = (p == null ? d.headline() : p.summary()) + "\n" + String.join("\n", d.nextSteps());
        assertTrue(text.contains(s.key()), "'" + s.key() + "' in\n" + explain);
        if (s.name().startsWith("c4-client-link")) {
            assertTrue(d.nextSteps().stream().anyMatch(x -> x.contains("inside the client's own network")), explain);
        }
        if (s.name().startsWith("c4-carrier")) {
            assertTrue(d.nextSteps().stream().noneMatch(x -> x.contains("inside the client's own network")), explain);
            assertTrue(d.nextSteps().stream().anyMatch(x -> x.contains("past the client's own router")), explain);
        }
        if (s.name().startsWith("c3-")) {
            assertTrue(o.r().vantagePoints().get(0).self().listeningPorts().contains(PORT),
                    "the backend's self check sees its own listener");
        }
    }

    static String row(Outcome o) {
        Scenario s = o.s();
        String expected = s.verdict() + (s.confidence() == null ? "" : " " + s.confidence().stream()
                .map(Confidence::label).toList());
        if (o.r() == null) {
            return "| " + s.name() + " | " + expected + " | error: " + o.error() + " | | " + o.millis() + " |";
        }
        Diagnosis d = o.r().diagnosis();
        String diagnosed = d.verdict() + (Diagnosis.INCONCLUSIVE.equals(d.verdict()) ? " (" + String.join(", ",
                d.findings().stream().map(f -> f.cause().number() + ":" + f.confidence().label()).toList()) + ")" : "");
        return "| " + s.name() + " | " + expected + " | " + diagnosed + " | "
                + (d.confidence() == null ? "-" : d.confidence().label()) + " | " + o.millis() + " |";
    }

    @AfterAll
    static void writeTable() throws Exception {
        if (TABLE.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("| scenario | expected | diagnosed | confidence | ms |");
        lines.add("|---|---|---|---|---|");
        lines.addAll(TABLE);
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%d scenarios, %d at a time: %.1f s wall time", TABLE.size(), PARALLEL,
                wallMillis / 1000.0));
        Path f = Path.of("target", "lab", "matrix.md");
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
        System.out.println(String.join("\n", lines));
    }

    // ---- labs ----

    /** client-a -- ra -- rb -- vip, client-b -- rb. */
    record Std(Host a, Host b, Router ra, Router rb, Host vip) {
    }

    static Std std(NetLab lab, boolean listener) {
        ClientLab t = ClientLab.builder().build(lab);
        if (listener) {
            listen(t.target(), t.target().vip(V4));
            listen(t.target(), t.target().vip(V6));
        }
        return new Std(t.a(), t.b(), t.router("ra"), t.router("rb"), t.target());
    }

    /** client-a -- ra -- rc -- rb -- vip, client-b -- rb: rc is a carrier router two hops from client-a. */
    record LongPath(Host a, Host b, Router ra, Router rc, Router rb, Host vip) {
    }

    static LongPath longPath(NetLab lab) {
        ClientLab t = ClientLab.builder().routers("ra", "rc", "rb").build(lab);
        Host vip = t.target();
        listen(vip, vip.vip(V4));
        listen(vip, vip.vip(V6));
        return new LongPath(t.a(), t.b(), t.router("ra"), t.router("rc"), t.router("rb"), vip);
    }

    /** A layer-4 "load balancer" lb: nft DNAT of VIP:80 to its backends, one at random per connection. */
    record Lb(Host a, Host b, Router lb, List<Host> backends, InetAddress vip) {
        List<String> backendAddrs() {
            return backends.stream().map(h -> h.address(V4).getHostAddress()).toList();
        }
    }

    static void dnat(Router lb, InetAddress vip, List<Host> backends) {
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < backends.size(); i++) {
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(backends.get(i).address(V4).getHostAddress());
        }
        lb.exec("nft", "add table ip lbnat");
        lb.exec("nft", "add chain ip lbnat pre { type nat hook prerouting priority -100 ; }");
        lb.exec("nft", "add rule ip lbnat pre ip daddr " + vip.getHostAddress() + " tcp dport " + PORT
                + (backends.size() == 1 ? " dnat to " + backends.get(0).address(V4).getHostAddress()
                : " dnat to numgen random mod " + backends.size() + " map { " + map + " }"));
    }

    /**
     * Three backends; be1 and be2 are clients of the VIP too: their connections sent back to themselves arrive
     * with their own address as source (a martian) and are dropped, so about 1 in 3 time out.
     *
     * <pre>
     *  client-a -- ra -- lb -- be1, be2, be3
     * </pre>
     */
    static Lb loopingLb(NetLab lab) {
        ClientLab t = ClientLab.builder().routers("ra", "lb").noTarget().noClientB()
                .hostsOn("lb", "be1", "be2", "be3").build(lab);
        Host a = t.a();
        Router lb = t.router("lb");
        List<Host> bes = t.hostsOn("lb");
        InetAddress vip = lb.vip(V4);
        bes.forEach(be -> listen(be, be.address(V4)));
        dnat(lb, vip, bes);
        return new Lb(a, null, lb, bes, vip);
    }

    /**
     * {@code count} backends behind lb; those in {@code filtering} route their replies to the clients through rx
     * (an asymmetric return path) and have strict rp_filter, so they drop every client's SYNs.
     *
     * <pre>
     *  client-a -- ra -- lb -- be0, be1, ...
     *              |      |     |
     *              |   client-b |
     *              +---- rx ----+ (filtering backends only)
     * </pre>
     */
    static Lb lbWithRpFilter(NetLab lab, int count, List<Integer> filtering) {
        Host a = lab.host("ca");
        Router ra = lab.router("ra");
        Router lb = lab.router("lb");
        Host b = lab.host("cb");
        Router rx = lab.router("rx");
        List<Host> bes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bes.add(lab.host("be" + i));
        }
        Link aRa = lab.link(a, ra);
        lab.link(ra, lb);
        Link bLb = lab.link(b, lb);
        bes.forEach(be -> lab.link(lb, be));
        for (int i : filtering) {
            lab.link(bes.get(i), rx);
        }
        lab.link(rx, ra);
        lab.installRoutes();
        lab.awaitLinksUp();
        for (int i : filtering) {
            Host be = bes.get(i);
            InetAddress viaRx = rx.addressToward(be, V4);
            be.addRoute(aRa.subnet(V4), viaRx);
            be.addRoute(bLb.subnet(V4), viaRx);
            be.sysctl("net.ipv4.conf.all.rp_filter", "1");
        }
        bes.forEach(be -> listen(be, be.address(V4)));
        InetAddress vip = lb.vip(V4);
        dnat(lb, vip, bes);
        return new Lb(a, b, lb, bes, vip);
    }

    static void listen(Node n, InetAddress addr) {
        try {
            n.listenTcp(addr, PORT);
        } catch (Exception e) {
            throw new IllegalStateException("listener on " + n + " " + addr + ": " + e.getMessage(), e);
        }
    }
}
