package io.pathprobe.core;

import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.stats.StatsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multi-target scheduler's rounds, window and accounts, with the network-free {@link TestProberProvider}. */
class MultiTargetSessionTest {
    private final ProbeEngine engine = ProbeEngine.builder().threads(1).maxInFlight(64).build();

    @AfterEach
    void close() {
        engine.close();
        TestProberProvider.HELD.clear();
    }

    private static ProbeRequest req(String host, Duration timeout) {
        return ProbeRequest.builder("test").target(host, InetAddress.getLoopbackAddress()).timeout(timeout).build();
    }

    @Test
    void eachTargetKeepsItsOwnAccount() throws Exception {
        Duration t = Duration.ofMillis(50);
        List<ProbeRequest> rs = List.of(req("answer", t), req("silent", t), req("answer", t));
        List<List<Long>> seqs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        MultiTargetSession s = MultiTargetSession.start(engine, rs, SessionPlan.count(4).withInterval(Duration.ofMillis(5)),
                Duration.ZERO, MultiTargetSession.DEFAULT_WINDOW, new MultiTargetSession.Listener() {
                    @Override
                    public void onOutcome(int target, long sequence, ProbeOutcome outcome) {
                        synchronized (seqs) {
                            seqs.get(target).add(sequence);
                        }
                    }
                });
        s.completion().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            StatsSnapshot st = s.completion(i).get();
            assertEquals(4, st.sent(), "target " + i);
            assertEquals(i == 1 ? 0 : 4, st.received(), "target " + i);
            assertEquals(i == 1 ? 4 : 0, st.count(OutcomeType.TIMED_OUT), "target " + i);
            synchronized (seqs) {
                assertEquals(List.of(1L, 2L, 3L, 4L), seqs.get(i).stream().sorted().toList(), "target " + i);
            }
        }
    }

    @Test
    void roundsGoRoundRobinOverTheTargets() throws Exception {
        Duration t = Duration.ofSeconds(30);
        List<ProbeRequest> rs = List.of(req("held", t), req("held", t), req("held", t));
        MultiTargetSession s = MultiTargetSession.start(engine, rs, SessionPlan.count(2).withInterval(Duration.ofMillis(5)),
                Duration.ZERO, MultiTargetSession.DEFAULT_WINDOW, null);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
            assertNotNull(call, "probe " + i + " did not start");
            order.add(rs.indexOf(call.request())); // the same request object per target
            call.complete(TestOutcomes.answer(1_000_000, call.address()));
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2), order);
        s.completion().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertEquals(2, s.snapshot(i).received());
        }
    }

    @Test
    void noMoreThanTheWindowIsOutstanding() throws Exception {
        Duration t = Duration.ofSeconds(30);
        List<ProbeRequest> rs = List.of(req("held", t), req("held", t), req("held", t));
        MultiTargetSession s = MultiTargetSession.start(engine, rs, SessionPlan.count(1).withInterval(Duration.ofMillis(5)),
                Duration.ZERO, 2, null);
        ProbeCall first = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        // The engine would start 64; the window holds the third back until one of the two ends.
        assertNull(TestProberProvider.HELD.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(0, s.snapshot(2).sent());
        first.complete(TestOutcomes.answer(1_000_000, first.address()));
        ProbeCall third = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        assertNotNull(third, "the third probe did not start after a slot came free");
        assertSame(rs.get(2), third.request());
        s.stop();
    }

    @Test
    void probesThatEndAtOnceKeepAFullWindowGoingWithoutRecursion() throws Exception {
        Assumptions.assumeTrue(io.pathprobe.nativeio.Privileges.isRoot(), "intervals below 2 ms need root");
        // "answer" completes inside the prober's start, on the loop: with a window of 1 every probe is sent by the
        // end of the one before, inside its send; 3,000 deep would overflow the stack if each send recursed.
        Duration t = Duration.ofMillis(50);
        List<ProbeRequest> rs = List.of(req("answer", t), req("answer", t), req("answer", t));
        MultiTargetSession s = MultiTargetSession.start(engine, rs, new SessionPlan(1000, Duration.ofNanos(1),
                Duration.ZERO), Duration.ZERO, 1, null);
        s.completion().get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertEquals(1000, s.snapshot(i).sent(), "target " + i);
            assertEquals(1000, s.snapshot(i).received(), "target " + i);
        }
    }

    @Test
    void twoLoopsKeepExactCountsWhileTheirEndsSendTheNextProbes() throws Exception {
        Assumptions.assumeTrue(io.pathprobe.nativeio.Privileges.isRoot(), "intervals below 2 ms need root");
        // Two loops, each ending probes, taking the slot for its own share and sending that share's next one (a full
        // window of 5 over 7 targets): every target gets each sequence number once, and the figures match what came.
        int targets = 7;
        int count = 2_000;
        try (ProbeEngine two = ProbeEngine.builder().threads(2).maxInFlight(64).build()) {
            Duration t = Duration.ofMillis(50);
            List<ProbeRequest> rs = new ArrayList<>();
            for (int i = 0; i < targets; i++) {
                rs.add(req("answer", t));
            }
            java.util.concurrent.atomic.AtomicLongArray seen = new java.util.concurrent.atomic.AtomicLongArray(targets * count);
            java.util.concurrent.atomic.AtomicLong outcomes = new java.util.concurrent.atomic.AtomicLong();
            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            MultiTargetSession s = MultiTargetSession.start(two, rs, new SessionPlan(count, Duration.ofNanos(1),
                    Duration.ZERO), Duration.ZERO, 5, new MultiTargetSession.Listener() {
                        @Override
                        public void onOutcome(int target, long sequence, ProbeOutcome outcome) {
                            seen.incrementAndGet(target * count + (int) sequence - 1);
                            outcomes.incrementAndGet();
                            threads.add(Thread.currentThread().getName());
                        }
                    });
            s.completion().get(60, TimeUnit.SECONDS);
            for (int i = 0; i < targets; i++) {
                StatsSnapshot st = s.snapshot(i);
                assertEquals(count, st.sent(), "target " + i);
                assertEquals(count, st.received(), "target " + i);
                assertEquals(0, st.inFlight(), "target " + i);
                for (int q = 0; q < count; q++) {
                    assertEquals(1, seen.get(i * count + q), "target " + i + " sequence " + (q + 1));
                }
            }
            assertEquals((long) targets * count, outcomes.get());
            assertEquals(2, threads.size(), "both loops ended probes: " + threads);
        }
    }

    @Test
    void twoLoopsKeepTheRoundRobinOrderOfSends() throws Exception {
        try (ProbeEngine two = ProbeEngine.builder().threads(2).maxInFlight(64).build()) {
            Duration t = Duration.ofSeconds(30);
            List<ProbeRequest> rs = List.of(req("held", t), req("held", t), req("held", t));
            List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
            MultiTargetSession s = MultiTargetSession.start(two, rs, SessionPlan.count(3).withInterval(Duration.ofMillis(5)),
                    Duration.ZERO, MultiTargetSession.DEFAULT_WINDOW, new MultiTargetSession.Listener() {
                        @Override
                        public void onSent(int target, long sequence) {
                            order.add(target);
                        }
                    });
            for (int i = 0; i < 9; i++) {
                ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
                assertNotNull(call, "probe " + i + " did not start");
                call.complete(TestOutcomes.answer(1_000_000, call.address()));
            }
            s.completion().get(10, TimeUnit.SECONDS);
            // Targets 0 and 2 are one loop's share, 1 the other's: the pacing thread still sends in one turn.
            assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1, 2), order);
        }
    }

    @Test
    void twoLoopsHoldNoMoreThanTheWindowBetweenThem() throws Exception {
        try (ProbeEngine two = ProbeEngine.builder().threads(2).maxInFlight(64).build()) {
            Duration t = Duration.ofSeconds(30);
            List<ProbeRequest> rs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                rs.add(req("held", t));
            }
            MultiTargetSession s = MultiTargetSession.start(two, rs, SessionPlan.count(1).withInterval(Duration.ofMillis(5)),
                    Duration.ZERO, 3, null);
            List<ProbeCall> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ProbeCall c = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
                assertNotNull(c, "probe " + i + " did not start");
                out.add(c);
            }
            // The engine would start 64; the window (its slots dealt 2 / 1 to the loops' shares) holds the rest back.
            assertNull(TestProberProvider.HELD.poll(200, TimeUnit.MILLISECONDS));
            out.get(0).complete(TestOutcomes.answer(1_000_000, out.get(0).address()));
            assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS), "no probe started after a slot came free");
            assertNull(TestProberProvider.HELD.poll(200, TimeUnit.MILLISECONDS), "one end freed one slot, not more");
            s.stop();
        }
    }

    /** Two targets whose probes the test prober holds until the test ends them. */
    private static List<ProbeRequest> twoHeldTargets() {
        Duration t = Duration.ofSeconds(30);
        return List.of(req("held", t), req("held", t));
    }

    /** A session of count 0 over {@code rs}: it runs until stopped. */
    private MultiTargetSession untilStopped(List<ProbeRequest> rs) {
        return MultiTargetSession.start(engine, rs, SessionPlan.count(0).withInterval(Duration.ofSeconds(60)),
                Duration.ZERO, MultiTargetSession.DEFAULT_WINDOW, null);
    }

    @Test
    void stopLeavesProbesInFlightOutOfTheLoss() throws Exception {
        List<ProbeRequest> rs = twoHeldTargets();
        MultiTargetSession s = untilStopped(rs);
        ProbeCall a = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        a.complete(TestOutcomes.answer(1_000_000, a.address()));
        assertFalse(s.completion(rs.indexOf(a.request())).isDone(), "count 0 runs until stopped");
        s.stop();
        s.completion().get(10, TimeUnit.SECONDS);
        int other = 1 - rs.indexOf(a.request());
        StatsSnapshot st = s.snapshot(other);
        assertEquals(1, st.sent());
        assertEquals(1, st.inFlight());
        assertEquals(0.0, st.lossPercent());
        assertTrue(s.completion(other).isDone());
    }

    @Test
    void theDeadlineEndsEveryTarget() throws Exception {
        Duration t = Duration.ofMillis(50);
        List<ProbeRequest> rs = List.of(req("answer", t), req("answer", t));
        MultiTargetSession s = MultiTargetSession.start(engine, rs, new SessionPlan(0, Duration.ofMillis(5),
                Duration.ofMillis(100)), Duration.ZERO, MultiTargetSession.DEFAULT_WINDOW, null);
        s.completion().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 2; i++) {
            StatsSnapshot st = s.snapshot(i);
            assertTrue(st.sent() >= 1, "target " + i + " sent nothing");
            assertEquals(st.sent() - st.inFlight(), st.received(), "target " + i);
        }
    }

    @Test
    void closingTheEngineEndsTheSession() throws Exception {
        List<ProbeRequest> rs = twoHeldTargets();
        MultiTargetSession s = untilStopped(rs);
        assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        assertFalse(s.completion().isDone(), "count 0 runs until stopped");
        engine.close();
        s.completion().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 2; i++) {
            assertTrue(s.completion(i).isDone(), "target " + i);
            assertEquals(1, s.snapshot(i).sent(), "target " + i);
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        Duration t = Duration.ofMillis(50);
        SessionPlan plan = SessionPlan.count(1);
        assertThrows(IllegalArgumentException.class,
                () -> MultiTargetSession.start(engine, List.of(), plan, Duration.ZERO, 1, null));
        assertThrows(IllegalArgumentException.class,
                () -> MultiTargetSession.start(engine, List.of(req("answer", t)), plan, Duration.ZERO, 0, null));
        ProbeRequest withPort = req("answer", t).toBuilder().port(80).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiTargetSession.start(engine, List.of(req("answer", t), withPort), plan, Duration.ZERO, 1, null));
        assertEquals("the test prober takes no port", e.getMessage());
        assertTrue(TestProberProvider.HELD.isEmpty());
    }
}
