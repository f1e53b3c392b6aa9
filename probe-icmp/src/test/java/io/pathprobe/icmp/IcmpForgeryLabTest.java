package io.pathprobe.icmp;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.testkit.Forger;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blind, off-path attacker (issue 10, findings 1 and 2): {@code client - r1 - server}, and a forger on a side link
 * of r1 that sees none of the client's traffic. It sprays what would have fooled the prober before: echo replies
 * "from" the server for every identifier and the first four sequences (empty, short and with a wrong token), and
 * Time Exceeded / Unreachable errors quoting every identifier and sequence, with 8-byte and full quotes. Against a
 * dead target (the server drops echo requests) every probe must still end timed out, and against a live one no
 * duplicate may appear. Raw and ping sockets, IPv4 and IPv6. Each spray is 4 × 65,536 packets (about a second
 * here). Last, a router on the path that alters the data of replies: wrong data, reported and never received.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IcmpForgeryLabTest {
    private static final List<IcmpSocketMode> MODES = List.of(IcmpSocketMode.DGRAM, IcmpSocketMode.RAW);
    private static final List<StandardProtocolFamily> FAMILIES = List.of(INET, INET6);
    private static final int SEQUENCES = 4;
    private static final long SPRAY = (long) SEQUENCES << 16;
    /** Long enough for a whole spray to land while the probes wait (a spray takes about a second here). */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private record Lab(LinearPath path, Host attacker) {
    }

    private static Lab lab(NetLab lab) {
        LinearPath p = lab.linearPath(1);
        Host attacker = lab.host("atk");
        lab.link(p.router(1), attacker);
        lab.installRoutes();
        lab.awaitLinksUp();
        p.client().sysctl("net.ipv4.ping_group_range", "0 2147483647");
        return new Lab(p, attacker);
    }

    private static void killTarget(LinearPath p) {
        p.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request drop")
                .rule(Nft.Chain.INPUT, "icmpv6 type echo-request drop");
    }

    private static ProbeEngine engine(LinearPath p) {
        return ProbeEngine.builder().networkNamespace(p.client().namespace())
                .probers(Probers.of(new IcmpProberProvider())).build();
    }

    private static ProbeRequest echo(InetAddress target, IcmpSocketMode mode) {
        return ProbeRequest.builder("icmp").target(target).option(IcmpOptions.SOCKET_MODE, mode).timeout(TIMEOUT)
                .build();
    }

    /** Echo replies from {@code server}: packet i has sequence i mod 4 and identifier i / 4. */
    private static Forger.PacketSource replies(InetAddress server, InetAddress client) {
        return (i, b, off) -> {
            int seq = (int) (i % SEQUENCES);
            // The empty reply of the finding, a short one, and one with a token that is a guess.
            int body = seq == 1 ? 4 : seq == 3 ? 12 : 0;
            return Forger.echoReply(b, off, server, client, (int) (i / SEQUENCES), seq, body, i);
        };
    }

    /**
     * Errors from {@code from} (the attacker's own address, as a made-up router) about echo requests from the
     * client to the server: packet i quotes sequence i mod 4 and identifier i / 4; sequences 0 and 3 with only the
     * header and 8 bytes (a guessed checksum), 1 with a full quote whose token is a guess, 2 as an Unreachable.
     */
    static Forger.PacketSource errors(InetAddress from, InetAddress client, InetAddress server) {
        boolean v6 = server.getAddress().length == 16;
        return (i, b, off) -> {
            int seq = (int) (i % SEQUENCES);
            int id = (int) (i / SEQUENCES);
            boolean unreachable = seq == 2;
            int type = v6 ? (unreachable ? 1 : 3) : (unreachable ? 3 : 11);
            int code = unreachable ? (v6 ? 3 : 1) : 0;
            return Forger.error(b, off, from, client, type, code, client, server, v6 ? 58 : 1,
                    Forger.echoRequest(v6, id, seq, (int) (i * 7919), seq == 1 ? 56 : 0, i));
        };
    }

    /** A session's figures, and the extra answers its listener heard of (also after the session ended). */
    private record Sprayed(StatsSnapshot stats, long duplicates, long late, long corrupted) {
    }

    /** Starts 4 probes 20 ms apart and, once they are out (and answered, if expected), runs the spray. */
    private static Sprayed sprayed(ProbeEngine engine, ProbeRequest request, Forger forger, InetAddress client,
                                   Forger.PacketSource packets, int expectedReplies) throws Exception {
        CountDownLatch answered = new CountDownLatch(expectedReplies);
        AtomicLong duplicates = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong corrupted = new AtomicLong();
        ProbeSession s = engine.startSession(request,
                SessionPlan.count(SEQUENCES).withInterval(Duration.ofMillis(20)), new SessionListener() {
                    @Override
                    public void onOutcome(ProbeSession session, long sequence, ProbeOutcome o) {
                        answered.countDown();
                    }

                    @Override
                    public void onDuplicate(ProbeSession session, long sequence) {
                        duplicates.incrementAndGet();
                    }

                    @Override
                    public void onLate(ProbeSession session, long sequence, long rttNanos) {
                        late.incrementAndGet();
                    }

                    @Override
                    public void onCorrupted(ProbeSession session, long sequence, int byteIndex) {
                        corrupted.incrementAndGet();
                    }
                });
        // All four are out after 60 ms; with a live target, the spray waits for their replies (forgeries are then
        // would-be duplicates: the answered probes' keys linger to tell those apart).
        Thread.sleep(200);
        assertTrue(answered.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        long start = System.nanoTime();
        assertEquals(SPRAY, forger.spray(client, SPRAY, TIMEOUT.minusSeconds(2), packets));
        long sprayMillis = (System.nanoTime() - start) / 1_000_000;
        StatsSnapshot st = s.completion().get(TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
        Thread.sleep(300); // what is still in the client's socket buffers
        if (expectedReplies == 0) {
            assertTrue(sprayMillis < TIMEOUT.toMillis() - 1000,
                    "the spray (" + sprayMillis + " ms) must land while the probes wait, or it proves nothing");
        }
        return new Sprayed(st, duplicates.get(), late.get(), corrupted.get());
    }

    private static void assertDeadTargetExact(Sprayed r, String what) {
        StatsSnapshot st = r.stats();
        assertEquals(0, r.duplicates() + r.late() + r.corrupted(), "no extra answers heard (" + what + ")");
        assertEquals(SEQUENCES, st.sent(), what);
        assertEquals(0, st.received(), "a dead target: nothing forged may count as a reply (" + what + ")");
        assertEquals(SEQUENCES, st.count(OutcomeType.TIMED_OUT), "every probe timed out (" + what + ")");
        assertEquals(0, st.duplicates(), what);
        assertEquals(0, st.late(), what);
        assertEquals(0, st.corrupted(), "a blind forger cannot carry the token: not even wrong data (" + what + ")");
    }

    /** One run of a test: a fresh engine (its lane's first probes are what a spray of the first sequences aims at). */
    @FunctionalInterface
    private interface Run {
        void run(ProbeEngine engine, Forger forger, StandardProtocolFamily f, IcmpSocketMode mode) throws Exception;
    }

    private static void forEachSocketKind(Lab lab, Run run) throws Exception {
        for (StandardProtocolFamily f : FAMILIES) {
            try (Forger forger = Forger.on(lab.attacker(), f == INET6)) {
                for (IcmpSocketMode mode : MODES) {
                    try (ProbeEngine engine = engine(lab.path())) {
                        run.run(engine, forger, f, mode);
                    }
                }
            }
        }
    }

    @Test
    void aBlindSprayOfEchoRepliesLeavesADeadTargetDead(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        killTarget(lab.path());
        forEachSocketKind(lab, (engine, forger, f, mode) -> {
            InetAddress client = lab.path().client().address(f);
            InetAddress server = lab.path().server().address(f);
            assertDeadTargetExact(sprayed(engine, echo(server, mode), forger, client, replies(server, client), 0),
                    mode + " " + f);
        });
    }

    @Test
    void forgedTimeExceededAndUnreachableWithShortAndFullQuotesNeverCount(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        killTarget(lab.path());
        forEachSocketKind(lab, (engine, forger, f, mode) -> {
            InetAddress client = lab.path().client().address(f);
            InetAddress server = lab.path().server().address(f);
            InetAddress fakeRouter = lab.attacker().address(f);
            Sprayed r = sprayed(engine, echo(server, mode), forger, client, errors(fakeRouter, client, server), 0);
            assertDeadTargetExact(r, mode + " " + f);
            assertEquals(0, r.stats().count(OutcomeType.TTL_EXCEEDED), mode + " " + f);
            assertEquals(0, r.stats().count(OutcomeType.UNREACHABLE), mode + " " + f);
        });
    }

    @Test
    void spoofedDuplicatesOfALiveTargetAreNotCounted(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        forEachSocketKind(lab, (engine, forger, f, mode) -> {
            InetAddress client = lab.path().client().address(f);
            InetAddress server = lab.path().server().address(f);
            Sprayed r = sprayed(engine, echo(server, mode), forger, client, replies(server, client), SEQUENCES);
            String what = mode + " " + f;
            assertEquals(SEQUENCES, r.stats().received(), what);
            assertEquals(0, r.duplicates(), "forged copies of answered probes are no DUP! (" + what + ")");
            assertEquals(0, r.late() + r.corrupted(), what);
        });
    }

    /**
     * Wrong data: r1 swaps two 16-bit words of every echo reply's payload (bytes 20–23, "14 15 16 17" of ping's
     * pattern become "16 17 14 15"), which leaves the checksum valid. The replies carry the token, so they are
     * ping's "wrong data byte #20": reported, counted apart, never received; the probes time out.
     */
    @Test
    void aReplyWithWrongDataIsReportedAndNotReceived(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        lab.path().router(1).nft().rule(Nft.Chain.FORWARD, "icmp type echo-reply @th,224,32 set 0x16171415")
                .rule(Nft.Chain.FORWARD, "icmpv6 type echo-reply @th,224,32 set 0x16171415");
        for (StandardProtocolFamily f : FAMILIES) {
            for (IcmpSocketMode mode : MODES) {
                try (ProbeEngine engine = engine(lab.path())) {
                    String what = mode + " " + f;
                    Queue<Integer> bytes = new ConcurrentLinkedQueue<>();
                    ProbeRequest r = ProbeRequest.builder("icmp").target(lab.path().server().address(f))
                            .option(IcmpOptions.SOCKET_MODE, mode).timeout(Duration.ofSeconds(1)).build();
                    StatsSnapshot st = engine.startSession(r, SessionPlan.count(SEQUENCES)
                            .withInterval(Duration.ofMillis(20)), new SessionListener() {
                                @Override
                                public void onCorrupted(ProbeSession session, long sequence, int byteIndex) {
                                    bytes.add(byteIndex);
                                }
                            }).completion().get(10, TimeUnit.SECONDS);
                    assertEquals(0, st.received(), what);
                    assertEquals(SEQUENCES, st.corrupted(), what);
                    assertEquals(SEQUENCES, st.count(OutcomeType.TIMED_OUT), what);
                    assertEquals(List.of(20, 20, 20, 20), List.copyOf(bytes), what);
                }
            }
        }
    }
}
