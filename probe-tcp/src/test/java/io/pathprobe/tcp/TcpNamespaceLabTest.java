package io.pathprobe.tcp;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.testkit.Epoll;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.RouteType;
import io.pathprobe.testkit.Router;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP connect probes through a real path, {@code client - r1 - r2 - r3 - server} (probe-testkit's
 * {@link LinearPath}, a fresh lab per test), with the engine's event loops inside the client's namespace: every
 * outcome from a listener, a firewall rule, a missing route or a lossy router, IPv4 and IPv6. Everything stays
 * inside the lab's namespaces, which the extension deletes after each test.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpNamespaceLabTest {
    private static final int PORT = 8080;
    private static final String ICMP_TYPE = "ICMP Destination Unreachable type";

    private LinearPath path;
    private ProbeEngine engine;

    @BeforeEach
    void lab(NetLab lab) {
        path = lab.linearPath(3);
        engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
        Epoll.require(engine, "the error queue and TCP_INFO need");
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close(); // before the extension deletes the namespaces its loops live in
        }
    }

    private static ProbeRequest.Builder tcp(InetAddress target) {
        return ProbeRequest.builder("tcp").target(target).port(PORT).timeout(Duration.ofSeconds(3));
    }

    private ProbeOutcome probe(ProbeRequest.Builder b) throws Exception {
        return engine.probe(b.build()).get(20, TimeUnit.SECONDS);
    }

    private static boolean v4(StandardProtocolFamily family) {
        return family == INET;
    }

    /** The server's subnet: removing or replacing r2's route to it cuts the path between r2 and r3. */
    private String serverSubnet(StandardProtocolFamily family) {
        return path.server().links().get(0).subnet(family);
    }

    // ---- connected ----

    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void connectsToTheServersListenerThroughThreeRouters(StandardProtocolFamily family) throws Exception {
        InetAddress server = path.server().address(family);
        TcpListener listener = path.server().listenTcp(server, PORT);
        ProbeOutcome o = probe(tcp(server));
        TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
        assertEquals(server, c.responder());
        assertEquals(0, c.synRetransmits()); // no loss on the path: the first SYN made it
        assertTrue(c.rttNanos() > 0, "rtt " + c.rttNanos());
        awaitAccepted(listener, 1);
    }

    /** The VIP (the server's loopback address, routed by every router): the banner proves whose listener it was. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void connectsToTheServersVipAndReadsItsBanner(StandardProtocolFamily family) throws Exception {
        InetAddress vip = path.server().vip(family);
        path.server().listenTcp(vip, PORT, "vip " + family + "\r\n");
        ProbeOutcome o = probe(tcp(vip).option(TcpOptions.BANNER_MILLIS, 2000));
        TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
        assertEquals(vip, c.responder());
        assertEquals(0, c.synRetransmits());
        assertEquals("vip " + family + "\\r\\n", c.banner());
    }

    // ---- refused ----

    /**
     * The server's firewall answers the SYN with a TCP reset ({@code reject with tcp reset}) although a listener
     * is there: refused, reported by the server. (An ICMP port unreachable gives Unreachable: the next test.)
     */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void serverRejectRuleRefuses(StandardProtocolFamily family) throws Exception {
        InetAddress server = path.server().address(family);
        TcpListener listener = path.server().listenTcp(server, PORT);
        path.server().nft().rejectTcpPort(PORT);
        assertTrue(path.server().nft().ruleset().contains("reject with tcp reset"), path.server().nft().ruleset());
        ProbeOutcome o = probe(tcp(server));
        ProbeOutcome.Refused r = assertInstanceOf(ProbeOutcome.Refused.class, o, () -> "outcome " + o);
        assertEquals("ECONNREFUSED", r.cause().name());
        assertEquals(server, r.responder());
        assertTrue(r.rttNanos() > 0);
        assertEquals(0, listener.accepted());
    }

    /**
     * The server's firewall answers the SYN with an ICMP port unreachable ({@code reject}'s default in nftables and
     * iptables): the kernel gives connect() the same ECONNREFUSED as for a RST, but the error queue shows the
     * ICMP, so this is unreachable from the server, a firewall's answer, not a closed port. (nmap's SYN scan counts
     * it filtered; its connect scan, which sees only the errno, closed.)
     */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void serverIcmpPortUnreachableRejectIsUnreachableNotRefused(StandardProtocolFamily family) throws Exception {
        InetAddress server = path.server().address(family);
        TcpListener listener = path.server().listenTcp(server, PORT);
        path.server().nft().rule(Nft.Chain.INPUT, "tcp dport " + PORT + " reject with icmpx type port-unreachable");
        ProbeOutcome o = probe(tcp(server));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertEquals(server, u.responder());
        assertEquals(v4(family) ? 3 : 1, u.icmpType(), ICMP_TYPE);
        assertEquals(v4(family) ? 3 : 4, u.icmpCode()); // port unreachable
        assertEquals("ECONNREFUSED", u.cause().name());
        assertEquals("port unreachable from " + server.getHostAddress(), u.describe());
        assertEquals(0, listener.accepted());
    }

    // ---- timed out ----

    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void routerDropRuleTimesOut(StandardProtocolFamily family) throws Exception {
        InetAddress server = path.server().address(family);
        TcpListener listener = path.server().listenTcp(server, PORT);
        path.router(2).nft().dropTcpPort(PORT);
        ProbeOutcome o = probe(tcp(server).timeout(Duration.ofMillis(300)));
        ProbeOutcome.TimedOut t = assertInstanceOf(ProbeOutcome.TimedOut.class, o, () -> "outcome " + o);
        assertEquals(300_000_000L, t.timeoutNanos());
        assertEquals(0, listener.accepted());
    }

    // ---- unreachable, time exceeded: ICMP errors from r2 ----

    /** r2 without a route to the server's subnet: network unreachable (IPv6: no route), from r2. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void routerWithoutRouteIsReportedAsUnreachable(StandardProtocolFamily family) throws Exception {
        Router r2 = path.router(2);
        r2.removeRoute(serverSubnet(family));
        ProbeOutcome o = probe(tcp(path.server().address(family)));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        InetAddress r2Address = r2.addressTowardClient(family);
        assertEquals(r2Address, u.responder());
        assertEquals(v4(family) ? 3 : 1, u.icmpType(), ICMP_TYPE);
        assertEquals(0, u.icmpCode()); // IPv4 net unreachable, IPv6 no route to destination
        assertEquals("ENETUNREACH", u.cause().name());
        assertTrue(u.rttNanos() > 0);
        assertEquals((v4(family) ? "network unreachable" : "no route to destination") + " from "
                + r2Address.getHostAddress(), u.describe());
    }

    /** An "unreachable" route at r2: host unreachable from r2 (IPv6: no route). */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void unreachableRouteAtRouterNamesTheRouter(StandardProtocolFamily family) throws Exception {
        Router r2 = path.router(2);
        r2.replaceRoute(serverSubnet(family), RouteType.UNREACHABLE);
        ProbeOutcome o = probe(tcp(path.server().address(family)));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertEquals(r2.addressTowardClient(family), u.responder());
        assertEquals(v4(family) ? 3 : 1, u.icmpType(), ICMP_TYPE);
        assertEquals(v4(family) ? 1 : 0, u.icmpCode());
        assertEquals(v4(family) ? "EHOSTUNREACH" : "ENETUNREACH", u.cause().name());
    }

    /** A "prohibit" route at r2: communication administratively prohibited, from r2. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void prohibitRouteAtRouterIsAdministrativelyProhibited(StandardProtocolFamily family) throws Exception {
        Router r2 = path.router(2);
        r2.replaceRoute(serverSubnet(family), RouteType.PROHIBIT);
        ProbeOutcome o = probe(tcp(path.server().address(family)));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertEquals(r2.addressTowardClient(family), u.responder());
        assertEquals(v4(family) ? 3 : 1, u.icmpType(), ICMP_TYPE);
        assertEquals(v4(family) ? 13 : 1, u.icmpCode());
        assertTrue(u.describe().startsWith("communication administratively prohibited from "), u.describe());
    }

    /** TTL (hop limit) 2: the SYN expires at r2, which answers Time Exceeded from its address toward the client. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void ttlExpiryNamesTheRouter(StandardProtocolFamily family) throws Exception {
        path.server().listenTcp(path.server().address(family), PORT);
        ProbeOutcome o = probe(tcp(path.server().address(family)).option(ProbeOption.TTL, 2));
        ProbeOutcome.TtlExceeded t = assertInstanceOf(ProbeOutcome.TtlExceeded.class, o, () -> "outcome " + o);
        assertEquals(path.router(2).addressTowardClient(family), t.responder());
        assertEquals(0, t.icmpCode()); // TTL exceeded in transit
        assertTrue(t.rttNanos() > 0);
    }

    // ---- unreachable: the client's own routing table ----

    /** An "unreachable" route in the client itself: EHOSTUNREACH from connect(), no router involved. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void localUnreachableRouteHasNoResponder(StandardProtocolFamily family) throws Exception {
        path.client().replaceRoute(serverSubnet(family), RouteType.UNREACHABLE);
        ProbeOutcome o = probe(tcp(path.server().address(family)));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertNull(u.responder());
        assertEquals("EHOSTUNREACH", u.cause().name());
    }

    /** No route at all in the client (lab nodes have no default route): ENETUNREACH, nothing sent. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void noRouteInTheClientIsNetworkUnreachable(StandardProtocolFamily family) throws Exception {
        path.client().removeRoute(serverSubnet(family));
        ProbeOutcome o = probe(tcp(path.server().address(family)));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertNull(u.responder());
        assertEquals("ENETUNREACH", u.cause().name());
    }

    // ---- loss ----

    /** Probes of the loss test, all in flight together (one started every {@link #LOSS_INTERVAL}). */
    private static final int LOSS_PROBES = 400;
    private static final Duration LOSS_INTERVAL = Duration.ofMillis(1);
    private static final Duration LOSS_TIMEOUT = Duration.ofMillis(1500);
    /** Between the first answer (~1 ms) and the first retransmission (1 s): no packet moves then. */
    private static final long HALF_RTO_NANOS = 500_000_000L;

    /**
     * r2 drops 30% of the packets it receives, in both directions ({@code numgen random mod 100 < 30}, prerouting):
     * connects fail, or succeed only after the kernel retransmitted the SYN, in the shares the model below
     * predicts. Run as one {@link ProbeSession}, whose statistics must count the retransmitted connects exactly as
     * the outcomes show them.
     *
     * <h4>Model</h4> Each packet crossing r2 passes with q = 0.7, independently. Linux's timers (1 s initially,
     * then doubling): the client retransmits the SYN at 1 s, 3 s, 7 s...; the server answers every SYN that
     * reaches it with a SYN-ACK (a retransmitted SYN finds the pending request and gets its SYN-ACK again), and
     * also retransmits the SYN-ACK of a pending request on its own timer, 1 s (then 3 s...) after the request was
     * made. So packets move only near 0 s, 1 s (client SYN; server SYN-ACK for a request of 0 s), 2 s (server
     * SYN-ACK for a request of 1 s) and 3 s. The timeout, 1.5 s, is 0.5 s from each of them, far beyond timer
     * slack (≤ 64 ms for a 1 s timer) and scheduling delays; a connect ends either near 0 s ("first try", rtt
     * &lt; 0.5 s) or near 1 s ("second try"). The handshake completes at the client when a SYN-ACK arrives; the
     * client's ACK and closing RST do not matter. Ephemeral ports are not reused within 400 connects to one
     * destination, so no probe meets another's leftovers at the server.
     * <ul>
     *   <li>(a) first try: the SYN and SYN-ACK of 0 s both pass: p_a = q² = 0.49.</li>
     *   <li>(c) timed out: no SYN-ACK by 1.5 s. The SYN of 0 s lost (0.3): no request at the server, so the 1 s
     *     SYN must pass and be answered, which fails with 1 − q² = 0.51: 0.3 × 0.51 = 0.153. The SYN of 0 s
     *     passed but its SYN-ACK was lost (0.7 × 0.3 = 0.21): at 1 s both the server's timer SYN-ACK (lost
     *     with 0.3) and the answer to the 1 s SYN (missing with 0.51) must fail: 0.21 × 0.3 × 0.51 = 0.03213.
     *     p_c = 0.18513. (Without the server's timer it would be 0.51² = 0.2601.)</li>
     *   <li>(b) second try: p_b = 1 − 0.49 − 0.18513 = 0.32487 (directly: 0.21 × (1 − 0.3 × 0.51) + 0.3 × 0.49).
     *     Each has 1 SYN retransmission (the 2nd is at 3 s), except when the server's timer SYN-ACK arrives
     *     before the client's own 1 s timer has fired: the two timers expire in the same tick but may be run
     *     on different CPUs (seen twice in 24,000 probes: 0 retransmits, rtt ≈ 1 s). Whatever that race does,
     *     the second tries whose only SYN-ACK answered the retransmitted SYN have retransmitted:
     *     0.3 × 0.49 + 0.21 × 0.3 × 0.49 = 0.17787, a lower bound for (r) connects with a retransmission.</li>
     * </ul>
     * <h4>Bounds</h4> n = 400; exact binomial tails (each ≤ 1.2e-5):
     * a ~ Bin(400, 0.49), mean 196, sd 10.0: P(a &lt; 154) = 9.7e-6, P(a &gt; 238) = 1.0e-5.
     * b ~ Bin(400, 0.32487), mean 130.0, sd 9.4: P(b &lt; 92) = 1.2e-5, P(b &gt; 170) = 1.1e-5.
     * c ~ Bin(400, 0.18513), mean 74.1, sd 7.8: P(c &lt; 43) = 7.5e-6, P(c &gt; 108) = 1.2e-5.
     * r ≥ Bin(400, 0.17787), mean 71.1, sd 7.7: P(r &lt; 41) ≤ 9.5e-6.
     * Union bound: a false failure has probability ≤ 7.2e-5 &lt; 1e-4. A loss of 20% or 40% instead
     * (c: mean 33 or 127) fails nearly always.
     * <p>Observed in 60 runs of 400 (kernel 6.18, 2 CPUs): a 173..214 (mean 195.7), b 105..154 (mean 130.3),
     * c 56..93 (mean 74.1); r = b except for 2 second tries, in different runs, with 0 retransmits.
     */
    @Test
    void thirtyPercentLossAtOneRouterGivesRetransmittedConnectsAndTimeoutsInTheModelsShares() throws Exception {
        InetAddress server = path.server().address(INET);
        path.server().listenTcp(server, PORT);
        path.router(2).nft().dropRandomPercent(30);
        ConcurrentLinkedQueue<ProbeOutcome> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch ended = new CountDownLatch(LOSS_PROBES);
        long backlogDropsBefore = softnetDrops();
        ProbeSession session = engine.startSession(tcp(server).timeout(LOSS_TIMEOUT).build(),
                new SessionPlan(LOSS_PROBES, LOSS_INTERVAL, Duration.ZERO), new SessionListener() {
                    @Override
                    public void onOutcome(ProbeSession s, long sequence, ProbeOutcome outcome) {
                        outcomes.add(outcome);
                        ended.countDown();
                    }
                });
        StatsSnapshot stats = session.completion().get(30, TimeUnit.SECONDS);
        assertTrue(ended.await(10, TimeUnit.SECONDS), "listener saw " + outcomes.size() + " outcomes");
        long backlogDrops = softnetDrops() - backlogDropsBefore;

        int firstTry = 0;
        int secondTry = 0;
        int timedOut = 0;
        int retransmitted = 0;
        for (ProbeOutcome o : outcomes) {
            if (o instanceof ProbeOutcome.TimedOut) {
                timedOut++;
                continue;
            }
            TcpConnected c = assertInstanceOf(TcpConnected.class, o,
                    () -> "only connects and timeouts expected: " + o);
            if (c.rttNanos() < HALF_RTO_NANOS) {
                firstTry++;
                assertEquals(0, c.synRetransmits(), () -> "no retransmission before the 1 s RTO: " + c);
            } else {
                secondTry++;
                assertTrue(c.synRetransmits() == 0 || c.synRetransmits() == 1, () -> "the 2nd is at 3 s: " + c);
            }
            if (c.synRetransmits() > 0) {
                retransmitted++;
            }
        }
        String seen = String.format(java.util.Locale.ROOT, "a (first try) = %d, b (second try) = %d,"
                        + " c (timed out) = %d of %d; r (retransmitted) = %d; kernel backlog drops meanwhile"
                        + " (extra loss, outside the model): %s", firstTry, secondTry, timedOut, LOSS_PROBES,
                retransmitted, backlogDropsBefore < 0 ? "unknown" : String.valueOf(backlogDrops));
        System.out.println("TcpNamespaceLabTest loss: " + seen);

        // The session's statistics agree with the outcomes it delivered.
        assertEquals(LOSS_PROBES, stats.sent());
        assertEquals(firstTry + secondTry, stats.count(TcpConnected.TYPE), seen);
        assertEquals(timedOut, stats.count(OutcomeType.TIMED_OUT), seen);
        assertEquals(retransmitted, stats.retransmittedConnects(), seen);
        assertEquals(retransmitted, stats.synRetransmits(), seen); // one retransmission each

        assertTrue(firstTry >= 154 && firstTry <= 238, "a outside [154, 238]: " + seen);
        assertTrue(secondTry >= 92 && secondTry <= 170, "b outside [92, 170]: " + seen);
        assertTrue(timedOut >= 43 && timedOut <= 108, "c outside [43, 108]: " + seen);
        assertTrue(retransmitted >= 41, "r below 41: " + seen);
    }

    /** Waits (at most 5 s) for the listener's accept thread to count {@code n} connections. */
    private static void awaitAccepted(TcpListener listener, int n) throws InterruptedException {
        for (int i = 0; i < 500 && listener.accepted() < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, listener.accepted());
    }

    /** Packets the kernel dropped because a CPU's input backlog was full (column 2 of /proc/net/softnet_stat). */
    private static long softnetDrops() {
        try {
            long sum = 0;
            List<String> lines = Files.readAllLines(Path.of("/proc/net/softnet_stat"));
            for (String line : lines) {
                sum += Long.parseLong(line.trim().split("\\s+")[1], 16);
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1; // only a diagnostic
        }
    }
}
