package io.pathprobe.core;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.pathprobe.core.metrics.ProbeMetrics;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.stats.StatsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's own logic with the network-free {@link TestProberProvider}. */
class ProbeEngineTest {
    private final ProbeEngine engine = ProbeEngine.builder().threads(2).maxInFlight(4).build();

    @AfterEach
    void close() {
        engine.close();
        TestProberProvider.HELD.clear();
    }

    private static ProbeRequest req(String host) {
        return ProbeRequest.builder("test").target(host, InetAddress.getLoopbackAddress())
                .timeout(Duration.ofMillis(50)).build();
    }

    /**
     * A prober that throws on start ends its probe at once with a local error naming what it threw, whether an
     * exception or a class that failed to link (which left the probe to time out, or hang with a prober that
     * times out its own probes).
     */
    @Test
    void aProberThatFailsToStartEndsItsProbeWithALocalError() throws Exception {
        ProbeRequest.Builder longWait = ProbeRequest.builder("test").timeout(Duration.ofSeconds(60));
        ProbeOutcome thrown = engine.probe(longWait.target("nonesuch", InetAddress.getLoopbackAddress()).build())
                .get(10, TimeUnit.SECONDS);
        ProbeOutcome unlinked = engine.probe(longWait.target("unlinked", InetAddress.getLoopbackAddress()).build())
                .get(10, TimeUnit.SECONDS);
        String t = assertInstanceOf(ProbeOutcome.LocalError.class, thrown).message();
        assertTrue(t.contains("IllegalStateException: unknown test host nonesuch"), t);
        String u = assertInstanceOf(ProbeOutcome.LocalError.class, unlinked).message();
        assertTrue(u.contains("NoClassDefFoundError: io/pathprobe/Missing"), u);
    }

    @Test
    void findsProbersWithServiceLoader() {
        assertTrue(engine.kinds().contains("test"));
        assertTrue(engine.availability("test").available());
    }

    @Test
    void unknownKindListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.probe(ProbeRequest.builder("bogus").target("x").build()));
        assertTrue(e.getMessage().contains("unknown probe kind 'bogus'"), e.getMessage());
        assertTrue(e.getMessage().contains("test"), e.getMessage());
    }

    @Test
    void unavailableProberSaysWhyAndHowToFix() {
        ProberUnavailableException e = assertThrows(ProberUnavailableException.class,
                () -> engine.probe(ProbeRequest.builder("never").target("x").build()));
        assertTrue(e.getMessage().contains("it needs a thing this host lacks"), e.getMessage());
        assertTrue(e.getMessage().contains("install the thing; or use the TCP prober"), e.getMessage());
    }

    @Test
    void proberValidationRejectsBadRequestsSynchronously() {
        ProbeRequest withPort = ProbeRequest.builder("test").target("answer").port(80).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.probe(withPort));
        assertEquals("the test prober takes no port", e.getMessage());
    }

    @Test
    void answersComeBackAsOutcomes() throws Exception {
        ProbeOutcome o = engine.probeAndWait(req("answer"));
        assertInstanceOf(TestOutcomes.Resent.class, o);
        assertTrue(o.isSuccess());
    }

    @Test
    void silenceTimesOutAndRunsTheAbortAction() throws Exception {
        int before = TestProberProvider.ABORTED.get();
        ProbeOutcome o = engine.probe(req("silent")).get(10, TimeUnit.SECONDS);
        ProbeOutcome.TimedOut t = assertInstanceOf(ProbeOutcome.TimedOut.class, o);
        assertEquals(Duration.ofMillis(50).toNanos(), t.timeoutNanos());
        assertEquals(before + 1, TestProberProvider.ABORTED.get());
    }

    @Test
    void maxInFlightHoldsBackFurtherProbesUntilOneEnds() throws Exception {
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<ProbeOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            futures.add(engine.probe(held));
        }
        List<ProbeCall> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        }
        // The first four started; the other two wait in the pacer while four are in flight.
        assertEquals(4, engine.inFlight());
        assertEquals(null, TestProberProvider.HELD.poll(200, TimeUnit.MILLISECONDS));
        calls.get(0).complete(new ProbeOutcome.TimedOut(1));
        ProbeCall fifth = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        assertTrue(fifth != null, "a fifth probe starts once one ends");
        // A late second completion is ignored.
        assertFalse(calls.get(0).complete(new ProbeOutcome.TimedOut(2)));
        for (ProbeCall c : calls.subList(1, 4)) {
            c.complete(new ProbeOutcome.TimedOut(1));
        }
        fifth.complete(new ProbeOutcome.TimedOut(1));
        TestProberProvider.HELD.poll(10, TimeUnit.SECONDS).complete(new ProbeOutcome.TimedOut(1));
        for (CompletableFuture<ProbeOutcome> f : futures) {
            assertInstanceOf(ProbeOutcome.TimedOut.class, f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void cancellingTheFutureEndsTheProbeAndFreesItsSlot() throws Exception {
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<ProbeOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(engine.probe(held));
        }
        List<ProbeCall> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        }
        CompletableFuture<ProbeOutcome> waiting = engine.probe(held); // a fifth waits: four are in flight
        assertTrue(futures.get(0).cancel(false));
        assertTrue(futures.get(0).isCancelled());
        assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS), "the cancelled probe's slot went to the fifth");
        // The prober sees that probe ended (the loops started the four in either order: find it), and its own late
        // answer is ignored; the future stays cancelled.
        List<ProbeCall> ended = calls.stream().filter(ProbeCall::isDone).toList();
        assertEquals(1, ended.size());
        assertFalse(ended.get(0).complete(new ProbeOutcome.TimedOut(1)));
        assertTrue(futures.get(0).isCancelled());
        assertTrue(futures.get(1).completeExceptionally(new IllegalStateException("given up")));
        assertEquals(3, engine.inFlight());
        assertFalse(waiting.isDone());
    }

    @Test
    void closingEndsOutstandingProbesWithALocalError() throws Exception {
        CompletableFuture<ProbeOutcome> f = engine.probe(req("held").toBuilder().timeout(Duration.ofSeconds(30)).build());
        TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        engine.close();
        assertInstanceOf(ProbeOutcome.LocalError.class, f.get(10, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> engine.probe(req("answer")));
    }

    @Test
    void closingEndsEveryOutstandingProbeStartedOrQueuedAndNoOther() throws Exception {
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<ProbeOutcome>> started = new ArrayList<>();
        List<ProbeCall> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            started.add(engine.probe(held));
            calls.add(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        }
        List<CompletableFuture<ProbeOutcome>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queued.add(engine.probe(held)); // maxInFlight 4: these wait for a slot
        }
        // Answer one in the middle of the engine's list of outstanding probes; a queued one takes its slot.
        calls.get(1).complete(TestOutcomes.answer(1, InetAddress.getLoopbackAddress()));
        assertInstanceOf(TestOutcomes.Resent.class, started.get(1).get(10, TimeUnit.SECONDS));
        engine.close();
        for (int i : new int[] {0, 2, 3}) {
            assertInstanceOf(ProbeOutcome.LocalError.class, started.get(i).get(10, TimeUnit.SECONDS), "started " + i);
        }
        for (CompletableFuture<ProbeOutcome> f : queued) {
            assertInstanceOf(ProbeOutcome.LocalError.class, f.get(10, TimeUnit.SECONDS));
        }
        assertInstanceOf(TestOutcomes.Resent.class, started.get(1).getNow(null), "an answered probe keeps its outcome");
        assertEquals(0, engine.inFlight());
    }

    @Test
    void sessionSendsCountProbesAndKeepsStatistics() throws Exception {
        List<Long> seqs = new ArrayList<>();
        ProbeSession s = engine.startSession(req("answer"), SessionPlan.count(5).withInterval(Duration.ofMillis(5)),
                new SessionListener() {
                    @Override
                    public synchronized void onOutcome(ProbeSession session, long sequence, ProbeOutcome outcome) {
                        seqs.add(sequence);
                    }
                });
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(5, st.sent());
        assertEquals(5, st.received());
        assertEquals(0.0, st.lossPercent());
        assertEquals(1_000_000, st.avgNanos(), 1e-6);
        synchronized (seqs) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs.stream().sorted().toList());
        }
    }

    @Test
    void aSessionKeepsItsProbesOnItsOwnLoop() throws Exception {
        // Without the rule each probe would take the next of four loops in turn: six probes would use them all.
        try (ProbeEngine four = ProbeEngine.builder().threads(4).build()) {
            ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
            ProbeSession s = four.startSession(held, SessionPlan.count(6).withInterval(Duration.ofMillis(5)), null);
            Set<EventLoop> loops = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
                assertNotNull(call, "probe " + i + " of the session did not start");
                loops.add(call.eventLoop());
                call.complete(TestOutcomes.answer(1_000_000, call.address()));
            }
            assertEquals(1, loops.size(), "the session's probes ran on " + loops.size() + " loops");
            assertEquals(6, s.completion().get(10, TimeUnit.SECONDS).received());
        }
    }

    @Test
    void everySendIsAnnouncedBeforeItsOutcome() throws Exception {
        List<String> events = new ArrayList<>();
        ProbeSession s = engine.startSession(req("answer"), SessionPlan.count(3).withInterval(Duration.ofMillis(5)),
                new SessionListener() {
                    @Override
                    public void onSent(ProbeSession session, long sequence) {
                        synchronized (events) {
                            events.add("sent " + sequence);
                        }
                    }

                    @Override
                    public void onOutcome(ProbeSession session, long sequence, ProbeOutcome outcome) {
                        synchronized (events) {
                            events.add("outcome " + sequence);
                        }
                    }
                });
        s.completion().get(10, TimeUnit.SECONDS);
        synchronized (events) {
            assertEquals(6, events.size(), events.toString());
            for (long seq = 1; seq <= 3; seq++) {
                assertTrue(events.indexOf("sent " + seq) >= 0 && events.indexOf("sent " + seq) < events.indexOf("outcome " + seq),
                        events.toString());
            }
        }
    }

    @Test
    void sendNextSendsAtOnceWhateverTheInterval() throws Exception {
        // One minute apart: within the test's bounds only sendNext can start probes 2 and 3.
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        ProbeSession s = engine.startSession(held, SessionPlan.count(3).withInterval(Duration.ofSeconds(60)), null);
        for (int i = 1; i <= 3; i++) {
            ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
            assertNotNull(call, "probe " + i + " started");
            call.complete(TestOutcomes.answer(1_000_000, call.address()));
            s.sendNext();
        }
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(3, st.sent(), "sendNext sends no more than the count");
        assertEquals(3, st.received());
        assertEquals(null, TestProberProvider.HELD.poll(200, TimeUnit.MILLISECONDS), "no fourth probe");
    }

    @Test
    void afterSendNextTheIntervalStillSendsWhenNoAnswerComes() throws Exception {
        // Probe 2 goes by sendNext; its answer never comes, so only the interval's timer can send probe 3.
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        ProbeSession s = engine.startSession(held, SessionPlan.count(3).withInterval(Duration.ofMillis(20)), null);
        ProbeCall first = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
        assertNotNull(first, "probe 1 started");
        first.complete(TestOutcomes.answer(1_000_000, first.address()));
        s.sendNext();
        for (int i = 2; i <= 3; i++) {
            ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
            assertNotNull(call, "probe " + i + " started");
            call.complete(new ProbeOutcome.TimedOut(1));
        }
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(3, st.sent());
        assertEquals(1, st.received());
    }

    @Test
    void sessionCountsTimeoutsAsLoss() throws Exception {
        ProbeSession s = engine.startSession(req("silent"), SessionPlan.count(3).withInterval(Duration.ofMillis(5)), null);
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(3, st.sent());
        assertEquals(0, st.received());
        assertEquals(3, st.count(OutcomeType.TIMED_OUT));
        assertEquals(100.0, st.lossPercent());
    }

    @Test
    void stoppedSessionLeavesProbesInFlightOutOfTheLoss() throws Exception {
        ProbeRequest held = req("held").toBuilder().timeout(Duration.ofSeconds(30)).build();
        ProbeSession s = engine.startSession(held, SessionPlan.count(0).withInterval(Duration.ofSeconds(60)), null);
        TestProberProvider.HELD.poll(10, TimeUnit.SECONDS); // the first probe is out
        s.stop();
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(1, st.sent());
        assertEquals(1, st.inFlight());
        assertEquals(0.0, st.lossPercent());
        assertTrue(s.isFinished());
    }

    @Test
    void metricsCountSentAndOutcomesPerTarget() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProbeEngine e = ProbeEngine.builder().threads(1).eventListener(ProbeMetrics.perTarget(registry, 10))
                .build()) {
            e.probeAndWait(req("answer"));
            e.probeAndWait(req("answer"));
            e.probeAndWait(req("silent"));
        }
        assertEquals(2.0, registry.get("pathprobe.probes.sent").tag("target", "answer").counter().count());
        assertEquals(2.0, registry.get("pathprobe.probes.outcomes").tag("target", "answer").tag("outcome", "test-answer")
                .counter().count());
        assertEquals(1.0, registry.get("pathprobe.probes.outcomes").tag("target", "silent").tag("outcome", "timed-out")
                .counter().count());
        assertEquals(2, registry.get("pathprobe.probe.rtt").tag("target", "answer").timer().count());
        assertEquals("local", registry.get("pathprobe.probes.sent").tag("target", "answer").counter().getId()
                .getTag("vantage"));
    }

    @Test
    void intervalsBelowThePingLimitNeedRoot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProbeEngine.checkInterval(Duration.ZERO));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
        if (!io.pathprobe.nativeio.Privileges.isRoot()) {
            e = assertThrows(IllegalArgumentException.class, () -> ProbeEngine.checkInterval(Duration.ofMillis(1)));
            assertTrue(e.getMessage().contains("without root"), e.getMessage());
        } else {
            ProbeEngine.checkInterval(Duration.ofMillis(1));
        }
    }
}
