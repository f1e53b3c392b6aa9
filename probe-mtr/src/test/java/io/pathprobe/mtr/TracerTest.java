package io.pathprobe.mtr;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.Probers;
import io.pathprobe.core.fixtures.ScriptedProber;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.udp.UdpOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.pathprobe.mtr.Traces.MS;
import static io.pathprobe.mtr.Traces.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracer's scheduling with a network-free prober that plays a 4-hop path (routers 10.0.0.1-3, target 10.0.3.2). */
class TracerTest {
    private static final int DEST = 4;

    /** Answers as the path would; with {@code holdUntil > 0} holds every probe until that many are waiting. */
    static final class PathProber {
        final int holdUntil;
        final String kind;
        final List<ProbeCall> held = new ArrayList<>();
        final List<io.pathprobe.core.ProbeRequest> requests = new CopyOnWriteArrayList<>();
        final AtomicIntegerArray perTtl = new AtomicIntegerArray(256);
        /** How a probe is answered; the 4-hop path by default. */
        volatile java.util.function.Function<ProbeCall, ProbeOutcome> answers = PathProber::outcome;

        PathProber(int holdUntil) {
            this(holdUntil, "icmp");
        }

        PathProber(int holdUntil, String kind) {
            this.holdUntil = holdUntil;
            this.kind = kind;
        }

        /** Plays the path: counts the probe, holds it until {@code holdUntil} are waiting, then answers them. */
        void start(ProbeCall call) {
            perTtl.incrementAndGet(call.request().option(ProbeOption.TTL));
            requests.add(call.request());
            List<ProbeCall> release = new ArrayList<>();
            synchronized (held) {
                held.add(call);
                if (held.size() >= holdUntil) {
                    release.addAll(held);
                    held.clear();
                }
            }
            release.forEach(c -> c.complete(answers.apply(c)));
        }

        ScriptedProber provider() {
            return ScriptedProber.of(kind, this::start).describedAs("a 4-hop path, no network");
        }

        static ProbeOutcome outcome(ProbeCall call) {
            int ttl = call.request().option(ProbeOption.TTL);
            return ttl < DEST
                    ? new ProbeOutcome.TtlExceeded(ttl * MS, ip("10.0.0." + ttl), 0)
                    : new EchoReply(DEST * MS, call.address(), 60, 64);
        }
    }

    private static ProbeEngine engine(PathProber p) {
        return ProbeEngine.builder().threads(1).probers(Probers.of(p.provider())).build();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void allTtlsOfARoundAreInFlightTogether() {
        // The prober answers nothing until all 30 TTLs of the round are waiting: a tracer that waited for one TTL
        // before sending the next would see every probe time out.
        PathProber p = new PathProber(30);
        try (ProbeEngine engine = engine(p)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").count(1).maxTtl(30).timeout(Duration.ofSeconds(5))
                    .sourceLabel("client").build();
            TraceSnapshot s = Tracer.start(engine, c, TraceListener.NONE).completion().join();
            assertEquals(DEST, s.hops().size());
            for (HopSnapshot h : s.hops()) {
                assertEquals(1, h.stats().received(), "hop " + h.ttl());
            }
            assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind());
            assertEquals(ip("10.0.0.2"), s.hops().get(1).host());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void roundsRepeatAndStopAtTheDestination() {
        PathProber p = new PathProber(1);
        List<ProbeRecord> records = new CopyOnWriteArrayList<>();
        TraceListener l = new TraceListener() {
            @Override
            public void onProbe(ProbeRecord record) {
                records.add(record);
            }
        };
        try (ProbeEngine engine = engine(p)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").count(3).interval(Duration.ofMillis(300)).maxTtl(10)
                    .sourceLabel("client").build();
            Tracer t = Tracer.start(engine, c, l);
            TraceSnapshot s = t.completion().join();
            assertEquals(3, s.rounds());
            for (HopSnapshot h : s.hops()) {
                assertEquals(3, h.stats().sent(), "hop " + h.ttl());
                assertEquals(0.0, h.stats().lossPercent());
            }
            // Round 1 ramps up from TTL 1 while the destination is unknown and stops soon after TTL 4 answered
            // (this prober answers at once; TTLs 2 ms apart); rounds 2 and 3 stop at 4.
            assertEquals(3, p.perTtl.get(DEST));
            int beyond = 0;
            for (int ttl = DEST + 1; ttl <= 10; ttl++) {
                beyond += p.perTtl.get(ttl);
            }
            assertTrue(beyond < 10 - DEST, "round 1 went on to the max TTL: " + beyond + " probes beyond hop 4");
            assertEquals(3 * DEST + beyond, records.size());
            assertTrue(records.stream().allMatch(r -> r.round() >= 1 && r.round() <= 3));
            assertEquals(1, s.paths().size());
            assertEquals("icmp checksum 0x8000", s.paths().get(0).label(), "Paris: one echo checksum for the flow");
            assertTrue(t.isFinished());
        }
    }

    @Test
    void configurationErrorsSayWhatToDo() {
        PathProber p = new PathProber(1);
        try (ProbeEngine engine = engine(p)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tracer.start(engine,
                    TraceConfig.builder("10.0.3.2").mode(ProbeMode.TCP).paths(2).build(), TraceListener.NONE));
            // The library speaks of its own settings; pathprobe mtr turns them into its flags.
            assertTrue(e.getMessage().contains("kernel-chosen source port") && e.getMessage().contains("UDP mode")
                    && !e.getMessage().contains("--"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tracer.start(engine,
                    TraceConfig.builder("fd00::1").paths(2).build(), TraceListener.NONE));
            assertTrue(e.getMessage().contains("IPv4 target") && e.getMessage().contains("UDP mode"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tracer.start(engine,
                    TraceConfig.builder("10.0.3.2").packetSize(40).paths(2).build(), TraceListener.NONE));
            assertTrue(e.getMessage().contains("a larger packet size"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tracer.start(engine,
                    TraceConfig.builder("10.0.3.2").mode(ProbeMode.UDP).packetSize(36).build(), TraceListener.NONE));
            assertTrue(e.getMessage().contains("use a packetSize of 40 or more"), e.getMessage());
        }
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
                () -> TraceConfig.builder("x").firstTtl(5).maxTtl(4).build());
        assertEquals("first TTL 5 is above max TTL 4: lower firstTtl or raise maxTtl", ttl.getMessage(),
                "a library error speaks in API terms, not the CLI's -f/-m");
        assertThrows(IllegalArgumentException.class, () -> TraceConfig.builder("x").paths(0));
        assertThrows(IllegalArgumentException.class, () -> TraceConfig.builder("x").packetSize(10));
        assertThrows(IllegalArgumentException.class, () -> TraceConfig.builder(" "));
        assertEquals(80, TraceConfig.builder("x").mode(ProbeMode.TCP).build().port());
        assertEquals(33434, TraceConfig.builder("x").mode(ProbeMode.UDP).build().port());
    }

    /** Paris: a flow's identifier never changes with the TTL or the round; flows differ from each other. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void eachFlowHoldsOneIdentifierInEveryProbe() {
        PathProber udp = new PathProber(1, "udp");
        try (ProbeEngine engine = engine(udp)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").mode(ProbeMode.UDP).paths(3).sourcePort(50000).count(2)
                    .interval(Duration.ofMillis(50)).maxTtl(6).build();
            TraceSnapshot s = Tracer.start(engine, c, TraceListener.NONE).completion().join();
            assertEquals(List.of("source port 50000", "source port 50001", "source port 50002"),
                    s.paths().stream().map(PathSnapshot::label).toList());
            java.util.Set<Integer> ports = new java.util.TreeSet<>();
            for (io.pathprobe.core.ProbeRequest r : udp.requests) {
                ports.add(r.option(UdpOptions.SOURCE_PORT));
                assertEquals(33434, r.port(), "one destination port for every flow");
                assertEquals(64 - 28, r.option(UdpOptions.PAYLOAD_SIZE), "mtr's -s 64 less IPv4 and UDP headers");
            }
            assertEquals(java.util.Set.of(50000, 50001, 50002), ports);
        }
        PathProber icmp = new PathProber(1);
        try (ProbeEngine engine = engine(icmp)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").paths(2).count(2).interval(Duration.ofMillis(50))
                    .maxTtl(6).build();
            Tracer.start(engine, c, TraceListener.NONE).completion().join();
            java.util.Map<Integer, Long> perChecksum = icmp.requests.stream().collect(java.util.stream.Collectors
                    .groupingBy(r -> r.option(io.pathprobe.icmp.IcmpOptions.FLOW_CHECKSUM),
                            java.util.stream.Collectors.counting()));
            assertEquals(java.util.Set.of(0x8000, 0x8001), perChecksum.keySet());
            assertEquals(perChecksum.get(0x8000), perChecksum.get(0x8001), "both flows probe every TTL");
        }
    }

    private static final ProbeOutcome LOST = new ProbeOutcome.TimedOut(500 * MS);

    /** The final figures; a trace that never ends fails the test (join() would ignore the test's timeout). */
    private static TraceSnapshot ended(Tracer t) {
        try {
            return t.completion().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            t.stop();
            throw new AssertionError("the trace did not end: " + e, e);
        }
    }

    private static ProbeOutcome portUnreachable(ProbeCall call) {
        return new ProbeOutcome.Unreachable(DEST * MS, call.address(), io.pathprobe.core.IcmpCodes.ICMP_DEST_UNREACH,
                3, 0, null);
    }

    /**
     * Issue 18's phantom: the destination's one answer of the rounds went to a probe with TTL 5 (its ICMP budget
     * spent, it left TTL 4's unanswered), so TTL 4 looked silent. The destination here answers once, at TTL 5, and
     * then nothing during the 3 rounds; a probe after them (its budget refilled a second later) is answered.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aSilentTtlBelowARateLimitedDestinationIsReprobedAndFoundToBeTheDestination() {
        PathProber udp = new PathProber(1, "udp");
        java.util.concurrent.atomic.AtomicBoolean answeredOnce = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger atFour = new java.util.concurrent.atomic.AtomicInteger();
        udp.answers = call -> {
            int ttl = call.request().option(ProbeOption.TTL);
            if (ttl < DEST) {
                return PathProber.outcome(call);
            }
            if (ttl == DEST + 1 && answeredOnce.compareAndSet(false, true)) {
                return portUnreachable(call);
            }
            return ttl == DEST && atFour.incrementAndGet() > 3 ? portUnreachable(call) : LOST;
        };
        try (ProbeEngine engine = engine(udp)) {
            // Round 1 from TTL 5: the first probe to reach the destination is the one it answers.
            TraceConfig c = TraceConfig.builder("10.0.3.2").mode(ProbeMode.UDP).count(3).firstTtl(DEST + 1)
                    .interval(Duration.ofMillis(100)).maxTtl(10).build();
            TraceSnapshot s = ended(Tracer.start(engine, c, TraceListener.NONE));
            assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind(), s.stop().describe());
            assertEquals(DEST + 1, s.stop().hop(), "first TTL 5: the destination is hop 5 here");
        }
        answeredOnce.set(false);
        atFour.set(0);
        try (ProbeEngine engine = engine(udp)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").mode(ProbeMode.UDP).count(3)
                    .interval(Duration.ofMillis(100)).maxTtl(10).build();
            // From TTL 1 the ramp reaches TTL 4 first, which this destination leaves unanswered, then TTL 5.
            TraceSnapshot s = ended(Tracer.start(engine, c, TraceListener.NONE));
            assertEquals(DEST, s.hops().size(), "no phantom hop: " + MtrReport.format(s, FormatOptions.defaults()));
            assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind());
            assertEquals(DEST, s.stop().hop());
            assertEquals(ip("10.0.3.2"), s.hops().get(DEST - 1).host());
            assertEquals(4, udp.perTtl.get(DEST), "TTL 4: 3 rounds and one re-probe, answered");
        }
    }

    /** A router that never answers stays silent: the re-probes (bounded) find nothing and invent nothing. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aSilentRouterBelowARateLimitedDestinationStaysSilentAfterItsReprobes() {
        PathProber udp = new PathProber(1, "udp");
        java.util.concurrent.atomic.AtomicInteger destinationProbes = new java.util.concurrent.atomic.AtomicInteger();
        udp.answers = call -> {
            int ttl = call.request().option(ProbeOption.TTL);
            if (ttl == DEST - 1) {
                return LOST;
            }
            if (ttl < DEST) {
                return PathProber.outcome(call);
            }
            // answers every other probe: it loses probes, so the silent TTL below it might be it
            return destinationProbes.incrementAndGet() % 2 == 1 ? portUnreachable(call) : LOST;
        };
        try (ProbeEngine engine = engine(udp)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").mode(ProbeMode.UDP).count(3)
                    .interval(Duration.ofMillis(100)).maxTtl(10).build();
            TraceSnapshot s = ended(Tracer.start(engine, c, TraceListener.NONE));
            assertEquals(DEST, s.hops().size());
            HopSnapshot silent = s.hops().get(DEST - 2);
            assertEquals(null, silent.host(), "hop 3 never answered");
            assertEquals(3 + Tracer.MAX_REPROBES, silent.stats().sent(), "3 rounds and the re-probes");
            assertEquals(3, s.hops().get(DEST - 1).stats().sent(), "the destination is not re-probed");
        }
    }

    /** The destination answers every probe: a silent TTL below it is a silent router, not re-probed. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aSilentRouterBelowADestinationThatAnswersEveryProbeIsNotReprobed() {
        PathProber icmp = new PathProber(1);
        icmp.answers = call -> call.request().option(ProbeOption.TTL) == DEST - 1 ? LOST : PathProber.outcome(call);
        try (ProbeEngine engine = engine(icmp)) {
            TraceConfig c = TraceConfig.builder("10.0.3.2").count(3).interval(Duration.ofMillis(100)).maxTtl(10)
                    .build();
            TraceSnapshot s = ended(Tracer.start(engine, c, TraceListener.NONE));
            assertEquals(DEST, s.hops().size());
            assertEquals(null, s.hops().get(DEST - 2).host());
            assertEquals(3, s.hops().get(DEST - 2).stats().sent());
        }
    }
}
