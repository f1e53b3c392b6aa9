package io.pathprobe.icmp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Node;
import io.pathprobe.testkit.RouteType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Echo probes through the engine from inside a lab ({@code client - r1 - r2 - r3 - server}, IPv4 and IPv6): the
 * engine's event loops live in the client's namespace ({@code ProbeEngine.Builder.networkNamespace}), so the
 * prober's sockets are opened there. Every test runs in both socket modes: ping sockets (the test opens
 * {@code net.ipv4.ping_group_range} in the client's namespace only) and raw sockets. Each test gets a fresh lab,
 * deleted afterwards by {@link NetLabExtension}.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IcmpNamespaceLabTest {
    private static final List<IcmpSocketMode> MODES = List.of(IcmpSocketMode.DGRAM, IcmpSocketMode.RAW);
    private static final List<StandardProtocolFamily> FAMILIES = List.of(INET, INET6);
    private static final String ALL_GROUPS = "0 2147483647";

    /** A 3-router path whose client admits every group to ping sockets. */
    private static LinearPath path(NetLab lab) {
        LinearPath p = lab.linearPath(3);
        p.client().sysctl("net.ipv4.ping_group_range", ALL_GROUPS);
        return p;
    }

    private static ProbeEngine engine(Node client) {
        return ProbeEngine.builder().networkNamespace(client.namespace())
                .probers(Probers.of(new IcmpProberProvider())).maxInFlight(10_000).build();
    }

    private static ProbeRequest.Builder echo(InetAddress target, IcmpSocketMode mode) {
        return ProbeRequest.builder("icmp").target(target).option(IcmpOptions.SOCKET_MODE, mode)
                .timeout(Duration.ofSeconds(2));
    }

    private static String what(IcmpSocketMode mode, StandardProtocolFamily family) {
        return mode + " " + family;
    }

    @Test
    void repliesThroughThreeRoutersCarryTtl61FromTheServer(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    InetAddress server = path.server().address(f);
                    EchoReply r = assertInstanceOf(EchoReply.class,
                            engine.probeAndWait(echo(server, mode).build()), what(mode, f));
                    assertEquals(server, r.responder(), what(mode, f));
                    assertEquals(64 - 3, r.ttl(), "the server sends 64, three routers decrement: " + what(mode, f));
                    assertEquals(64, r.bytes(), what(mode, f));
                }
            }
        }
    }

    @Test
    void eachSmallTtlExpiresAtItsRouterAndTtl4Reaches(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    InetAddress server = path.server().address(f);
                    for (int ttl = 1; ttl <= 3; ttl++) {
                        ProbeOutcome o = engine.probeAndWait(echo(server, mode).option(ProbeOption.TTL, ttl).build());
                        ProbeOutcome.TtlExceeded t = assertInstanceOf(ProbeOutcome.TtlExceeded.class, o,
                                what(mode, f) + " ttl " + ttl);
                        assertEquals(path.router(ttl).addressTowardClient(f), t.responder(),
                                what(mode, f) + " ttl " + ttl);
                        assertEquals(0, t.icmpCode(), "exceeded in transit");
                    }
                    EchoReply r = assertInstanceOf(EchoReply.class,
                            engine.probeAndWait(echo(server, mode).option(ProbeOption.TTL, 4).build()), what(mode, f));
                    assertEquals(61, r.ttl());
                }
            }
        }
    }

    @Test
    void fiveThousandProbesInFlightAllAnsweredByTheirTarget(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        // Two targets per family (the server's link address and its VIP), so replies must be told apart by source.
        List<InetAddress> targets = List.of(path.server().address(INET), path.server().vip(INET),
                path.server().address(INET6), path.server().vip(INET6));
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                List<CompletableFuture<ProbeOutcome>> fs = new java.util.ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    fs.add(engine.probe(echo(targets.get(i % targets.size()), mode).timeout(Duration.ofSeconds(10))
                            .build()));
                }
                for (int i = 0; i < fs.size(); i++) {
                    ProbeOutcome o = fs.get(i).get(60, TimeUnit.SECONDS);
                    assertEquals(targets.get(i % targets.size()),
                            assertInstanceOf(EchoReply.class, o, mode + " probe " + i).responder());
                }
            }
        }
    }

    @Test
    void everySendThatFailsMidBatchStillEndsUnreachable(NetLab lab) throws Exception {
        // The client's route to 203.0.113.0/24 rejects every send (EHOSTUNREACH). With the in-flight limit at one
        // send batch (64), each failed send's completion starts the next probe on the lane's loop while the batch is
        // still being sent: every probe must still be tried (and fail), none skipped to time out.
        LinearPath path = path(lab);
        path.client().replaceRoute("203.0.113.0/24", RouteType.UNREACHABLE);
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace())
                .probers(Probers.of(new IcmpProberProvider())).maxInFlight(64).build()) {
            for (IcmpSocketMode mode : MODES) {
                List<CompletableFuture<ProbeOutcome>> fs = new java.util.ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    fs.add(engine.probe(echo(InetAddress.getByName("203.0.113." + (1 + i % 200)), mode).build()));
                }
                for (int i = 0; i < fs.size(); i++) {
                    assertInstanceOf(ProbeOutcome.Unreachable.class, fs.get(i).get(60, TimeUnit.SECONDS),
                            mode + " probe " + i);
                }
            }
        }
    }

    @Test
    void silenceTimesOutAfterTheRequestedTimeout(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        path.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request drop")
                .rule(Nft.Chain.INPUT, "icmpv6 type echo-request drop");
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    ProbeOutcome o = engine.probeAndWait(echo(path.server().address(f), mode)
                            .timeout(Duration.ofMillis(300)).build());
                    assertEquals(Duration.ofMillis(300).toNanos(),
                            assertInstanceOf(ProbeOutcome.TimedOut.class, o, what(mode, f)).timeoutNanos());
                }
            }
        }
    }

    /**
     * Paris-style flows: every request carries the chosen checksum on the wire, as the server's nft counter of
     * {@code icmp checksum 4660} (0x1234) sees, whoever computes it last (a ping socket's kernel recomputes it).
     */
    @Test
    void flowChecksumHoldsOnTheWireInBothModes(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        path.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request icmp checksum 4660 counter");
        InetAddress server = path.server().address(INET);
        int n = 20;
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (int i = 0; i < n; i++) {
                    ProbeOutcome o = engine.probeAndWait(echo(server, mode).option(IcmpOptions.FLOW_CHECKSUM, 0x1234)
                            .option(ProbeOption.TTL, 1 + i % 4).build());
                    assertTrue(o instanceof EchoReply || o instanceof ProbeOutcome.TtlExceeded,
                            mode + ": " + o);
                }
            }
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> engine.probe(echo(path.server().address(INET6), IcmpSocketMode.RAW)
                            .option(IcmpOptions.FLOW_CHECKSUM, 0x1234).build()));
            assertTrue(e.getMessage().contains("IPv4 only"), e.getMessage());
        }
        // Only TTL 4 reaches the server: 5 of each mode's 20 probes.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("checksum 4660 counter packets (\\d+)")
                .matcher(path.server().nft().ruleset());
        assertTrue(m.find(), path.server().nft().ruleset());
        assertEquals(2 * n / 4, Integer.parseInt(m.group(1)));
    }

    /** ICMP(v6) type and code of an unreachable, per family. */
    private record Expected(int type4, int code4, int type6, int code6, String name) {
        int type(StandardProtocolFamily f) {
            return f == INET ? type4 : type6;
        }

        int code(StandardProtocolFamily f) {
            return f == INET ? code4 : code6;
        }
    }

    private static void assertUnreachable(ProbeEngine engine, LinearPath path, Expected e) throws Exception {
        for (IcmpSocketMode mode : MODES) {
            for (StandardProtocolFamily f : FAMILIES) {
                String what = e.name() + " " + what(mode, f);
                ProbeOutcome o = engine.probeAndWait(echo(path.server().address(f), mode).build());
                ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, what);
                assertEquals(path.router(2).addressTowardClient(f), u.responder(), what + ": reported by r2");
                assertEquals(e.type(f), u.icmpType(), what);
                assertEquals(e.code(f), u.icmpCode(), what + ": " + u.describe());
            }
        }
    }

    /*
     * IPv4 errors for routes (no route, unreachable, prohibit) come from the kernel's ip_error(), which rate-limits
     * them per source address with net.ipv4.route.error_cost/error_burst: a burst of 5, then one a second. Those
     * sysctls are global (not per namespace), so a lab cannot turn them off: each lab (a fresh set of peers) sends
     * at most 4 such errors here. nft rejects go through icmp_send(), which the lab leaves unlimited.
     */

    @Test
    void unreachablesFromAnNftRuleAndAMissingRouteAtRouter2(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        Host server = path.server();
        try (ProbeEngine engine = engine(path.client())) {
            // An nft reject: "communication administratively prohibited" (ICMPv6: "administratively prohibited").
            path.router(2).nft().rejectAdminProhibited(server.address(INET)).rejectAdminProhibited(server.address(INET6));
            assertUnreachable(engine, path, new Expected(3, 13, 1, 1, "nft admin-prohibited"));
            path.router(2).nft().flush();
            assertInstanceOf(EchoReply.class, engine.probeAndWait(echo(server.address(INET),
                    IcmpSocketMode.RAW).build()), "rule removed");

            // No route at all: net unreachable (ICMPv6: no route to destination).
            for (StandardProtocolFamily f : FAMILIES) {
                path.router(2).removeRoute(server.links().get(0).subnet(f));
            }
            assertUnreachable(engine, path, new Expected(3, 0, 1, 0, "missing route"));
        }
    }

    @Test
    void unreachableAndProhibitRoutesAtRouter2(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        Host server = path.server();
        try (ProbeEngine engine = engine(path.client())) {
            // An unreachable route: host unreachable (IPv6 reports it as no route to destination).
            for (StandardProtocolFamily f : FAMILIES) {
                path.router(2).replaceRoute(server.links().get(0).subnet(f), RouteType.UNREACHABLE);
            }
            assertUnreachable(engine, path, new Expected(3, 1, 1, 0, "unreachable route"));

            // A prohibit route: administratively prohibited, both families.
            for (StandardProtocolFamily f : FAMILIES) {
                path.router(2).replaceRoute(server.links().get(0).subnet(f), RouteType.PROHIBIT);
            }
            assertUnreachable(engine, path, new Expected(3, 13, 1, 1, "prohibit route"));
        }
    }

    /**
     * The smallest {@code lo} and largest {@code hi} such that, for X ~ Binomial(n, q), P(X < lo) ≤ tail and
     * P(X > hi) ≤ tail: X falls outside [lo, hi] with probability at most 2·tail.
     */
    static int[] binomialBounds(int n, double q, double tail) {
        double[] pmf = new double[n + 1];
        pmf[0] = Math.pow(1 - q, n);
        for (int k = 0; k < n; k++) {
            pmf[k + 1] = pmf[k] * (n - k) / (k + 1) * q / (1 - q);
        }
        int lo = 0;
        double below = 0;
        while (lo < n && below + pmf[lo] <= tail) {
            below += pmf[lo++];
        }
        int hi = n;
        double above = 0;
        while (hi > 0 && above + pmf[hi] <= tail) {
            above += pmf[hi--];
        }
        return new int[] {lo, hi};
    }

    @Test
    void binomialBoundsAreTheExactTails() {
        // Binomial(4, 0.5): pmf 1/16, 4/16, 6/16, 4/16, 1/16.
        int[] b = binomialBounds(4, 0.5, 1.0 / 16);
        assertEquals(1, b[0]);
        assertEquals(3, b[1]);
        b = binomialBounds(4, 0.5, 4.9 / 16);
        assertEquals(1, b[0], "P(X<2) = 5/16 is over the tail");
    }

    @Test
    void lossMatchesARandomDropRuleInBothDirections(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        int percent = 30;
        path.router(2).nft().dropRandomPercent(percent);
        // r2 drops in prerouting, so the request (arriving from r1) and the reply (arriving from r3) each survive
        // with probability 0.7: an echo is answered with q = 0.7² = 0.49. With n = 400, X ~ Binomial(400, 0.49)
        // (mean 196, sd 10.0). Four runs (2 modes × 2 families) each have two tails of at most 1e-5, so a correct
        // prober fails this test with probability at most 8e-5 < 1e-4. The exact bounds are [154, 239] (P(X < 154)
        // = 9.7e-6, P(X > 239) = 6.5e-6; about ±4.3 sd); binomialBounds computes them from the pmf.
        int n = 400;
        double q = Math.pow(1 - percent / 100.0, 2);
        int[] bounds = binomialBounds(n, q, 1e-5);
        assertEquals(154, bounds[0]);
        assertEquals(239, bounds[1]);
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    ProbeSession s = engine.startSession(echo(path.server().address(f), mode).build(),
                            new SessionPlan(n, Duration.ofMillis(1), Duration.ZERO), null);
                    StatsSnapshot st = s.completion().get(60, TimeUnit.SECONDS);
                    String what = what(mode, f) + ": " + st.received() + " of " + n;
                    assertEquals(n, st.sent(), what);
                    assertEquals(n, st.count(EchoReply.TYPE)
                            + st.count(io.pathprobe.core.OutcomeType.TIMED_OUT), "only replies and timeouts: " + what);
                    assertTrue(st.received() >= bounds[0] && st.received() <= bounds[1],
                            what + " outside " + bounds[0] + ".." + bounds[1]);
                    assertEquals(0, st.duplicates(), what);
                }
            }
        }
    }

    @Test
    void anotherPingToTheSameTargetNeverPollutesTheCounts(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    InetAddress server = path.server().address(f);
                    String text = server.getHostAddress();
                    CompletableFuture<CommandResult> ping = CompletableFuture.supplyAsync(() -> path.client().run(
                            Duration.ofSeconds(30), "ping", f == INET ? "-4" : "-6", "-n", "-c", "100", "-i", "0.01",
                            text));
                    ProbeSession s = engine.startSession(echo(server, mode).build(),
                            new SessionPlan(400, Duration.ofMillis(2), Duration.ZERO), null);
                    StatsSnapshot st = s.completion().get(60, TimeUnit.SECONDS);
                    CommandResult out = ping.get(60, TimeUnit.SECONDS);
                    assertTrue(out.stdout().contains("100 packets transmitted, 100 received, 0% packet loss"),
                            out.stdout());
                    String what = what(mode, f);
                    assertEquals(400, st.sent(), what);
                    assertEquals(400, st.received(), what);
                    assertEquals(0, st.duplicates(), "ping's replies are not ours: " + what);
                    assertEquals(0, st.late(), what);
                }
            }
        }
    }

    /**
     * The server duplicates each echo reply with nft's {@code dup to} (in tables of family ip / ip6, the only ones
     * that have it besides netdev), sending the copy through r3 as well. iputils ping on the same path shows the
     * duplicates; the prober must count each as a duplicate, never as a received reply.
     */
    @Test
    void duplicatedRepliesAreCountedAsDuplicates(NetLab lab) throws Exception {
        LinearPath path = path(lab);
        Host server = path.server();
        for (StandardProtocolFamily f : FAMILIES) {
            String family = f == INET ? "ip" : "ip6";
            String icmp = f == INET ? "icmp" : "icmpv6";
            server.exec("nft", "add table " + family + " ppdup");
            server.exec("nft", "add chain " + family + " ppdup out { type filter hook output priority 0 ; }");
            server.exec("nft", "add rule " + family + " ppdup out " + icmp + " type echo-reply dup to "
                    + path.router(3).addressToward(server, f).getHostAddress());
        }
        for (StandardProtocolFamily f : FAMILIES) {
            String out = path.client().run(Duration.ofSeconds(30), "ping", f == INET ? "-4" : "-6", "-n", "-c", "3",
                    "-i", "0.2", server.address(f).getHostAddress()).stdout();
            assertTrue(out.contains("(DUP!)") && out.contains("duplicates"), "the rule duplicates replies: " + out);
        }
        int n = 50;
        try (ProbeEngine engine = engine(path.client())) {
            for (IcmpSocketMode mode : MODES) {
                for (StandardProtocolFamily f : FAMILIES) {
                    CountDownLatch dups = new CountDownLatch(n);
                    ProbeSession s = engine.startSession(echo(server.address(f), mode).build(),
                            new SessionPlan(n, Duration.ofMillis(5), Duration.ZERO), new SessionListener() {
                                @Override
                                public void onDuplicate(ProbeSession session, long sequence) {
                                    dups.countDown();
                                }
                            });
                    s.completion().get(60, TimeUnit.SECONDS);
                    // The last reply's copy may come after the session has ended (as with ping): wait for it.
                    assertTrue(dups.await(30, TimeUnit.SECONDS), "duplicates seen: " + (n - dups.getCount()));
                    StatsSnapshot st = s.snapshot();
                    String what = what(mode, f);
                    assertEquals(n, st.sent(), what);
                    assertEquals(n, st.received(), "copies are not received replies: " + what);
                    assertEquals(n, st.duplicates(), what);
                    assertEquals(0.0, st.lossPercent(), what);
                }
            }
        }
    }

    @Test
    void autoModePicksPingSocketsWhenTheRangeAdmitsUsElseRaw(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(3);
        Host client = path.client();
        InetAddress server = path.server().address(INET);
        assertEquals("1 0", client.exec("sysctl", "-n", "net.ipv4.ping_group_range").trim().replace('\t', ' '),
                "a fresh namespace admits no group to ping sockets");
        try (ProbeEngine engine = engine(client)) {
            // Closed range: an explicit ping socket cannot open, and the message names every fix.
            ProbeOutcome.LocalError e = assertInstanceOf(ProbeOutcome.LocalError.class,
                    engine.probeAndWait(echo(server, IcmpSocketMode.DGRAM).build()));
            for (String fix : new String[] {"ping_group_range", "cap_net_raw", "tcp"}) {
                assertTrue(e.message().contains(fix), e.message());
            }
            assertInstanceOf(EchoReply.class, engine.probeAndWait(echo(server, IcmpSocketMode.AUTO).build()));
            assertEquals(0, sockets(client, "icmp"), "no ping socket");
            assertEquals(1, sockets(client, "raw"), "AUTO fell back to a raw ICMP socket");
        }
        client.sysctl("net.ipv4.ping_group_range", ALL_GROUPS);
        try (ProbeEngine engine = engine(client)) {
            assertInstanceOf(EchoReply.class, engine.probeAndWait(echo(server, IcmpSocketMode.AUTO).build()));
            assertEquals(1, sockets(client, "icmp"), "AUTO took a ping socket");
            assertEquals(0, sockets(client, "raw"), "and no raw socket");
        }
    }

    /**
     * ICMP sockets open in {@code node}'s namespace as its {@code /proc/net} lists them: "icmp" lists ping sockets,
     * "raw" the raw sockets of protocol 1 (ICMP).
     */
    private static int sockets(Node node, String table) {
        String[] lines = node.exec("cat", "/proc/net/" + table).split("\n");
        int n = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] cols = lines[i].trim().split("\\s+");
            if (cols.length > 1 && (table.equals("icmp") || cols[1].toUpperCase(Locale.ROOT).endsWith(":0001"))) {
                n++;
            }
        }
        return n;
    }
}
