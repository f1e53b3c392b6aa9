package io.pathprobe.core;

import io.pathprobe.core.spi.ProbeCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every event names its probe: starts pair with ends or failures, even when the request is one object for all. */
class ProbeEventListenerTest {
    /** Each probe's events in order, by handle identity. */
    private static final class Recorder implements ProbeEventListener {
        final Map<ProbeHandle, List<String>> events = new IdentityHashMap<>();
        final List<String> requestEvents = new ArrayList<>();
        final CountDownLatch ends;

        Recorder(int ends) {
            this.ends = new CountDownLatch(ends);
        }

        private synchronized void add(ProbeHandle p, String e) {
            events.computeIfAbsent(p, k -> new ArrayList<>()).add(e);
        }

        @Override
        public void probeStarted(ProbeHandle probe) {
            add(probe, "start");
        }

        @Override
        public void probeFinished(ProbeHandle probe, ProbeOutcome outcome) {
            add(probe, "end " + outcome.type().label());
            ends.countDown();
        }

        @Override
        public void probeFailed(ProbeHandle probe, ProbeOutcome outcome) {
            add(probe, (probe.started() ? "fail " : "fail unstarted ") + outcome.category().label());
            ends.countDown();
        }
    }

    private final Recorder recorder = new Recorder(5);
    private final ProbeEngine engine = ProbeEngine.builder().threads(2).maxInFlight(2).eventListener(recorder)
            .build();

    @AfterEach
    void close() {
        engine.close();
        TestProberProvider.HELD.clear();
    }

    @Test
    void aSessionsProbesShareTheRequestButNotTheHandle() throws Exception {
        ProbeRequest one = TestProberProvider.request("answer", Duration.ofSeconds(5));
        ProbeSession s = engine.startSession(one, SessionPlan.count(5).withInterval(Duration.ofMillis(5)), null);
        s.completion().get(10, TimeUnit.SECONDS);
        assertTrue(recorder.ends.await(10, TimeUnit.SECONDS));
        synchronized (recorder) {
            assertEquals(5, recorder.events.size(), "five probes, five handles: " + recorder.events.values());
            for (Map.Entry<ProbeHandle, List<String>> e : recorder.events.entrySet()) {
                assertSame(one, e.getKey().request(), "a session submits its one request each time");
                assertEquals(List.of("start", "end test-answer"), e.getValue());
            }
        }
    }

    @Test
    void probesEndedByTheEngineFailAndThoseThatNeverStartedSaySo() throws Exception {
        ProbeRequest held = TestProberProvider.request("held", Duration.ofSeconds(30));
        List<CompletableFuture<ProbeOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            futures.add(engine.probe(held));
            assertNotNull(TestProberProvider.HELD.poll(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 3; i++) {
            futures.add(engine.probe(held)); // maxInFlight 2: queued, never started
        }
        engine.close();
        for (CompletableFuture<ProbeOutcome> f : futures) {
            assertEquals(OutcomeCategory.LOCAL_ERROR, f.get(10, TimeUnit.SECONDS).category());
        }
        assertTrue(recorder.ends.await(10, TimeUnit.SECONDS));
        synchronized (recorder) {
            List<List<String>> seen = new ArrayList<>(recorder.events.values());
            assertEquals(5, seen.size(), seen::toString);
            assertEquals(2, seen.stream().filter(List.of("start", "fail local-error")::equals).count(), seen::toString);
            assertEquals(3, seen.stream().filter(List.of("fail unstarted local-error")::equals).count(),
                    seen::toString);
        }
    }

    @Test
    void aListenerOfRequestsOnlyStillHearsEveryEnd() throws Exception {
        List<String> heard = new ArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        ProbeEventListener old = new ProbeEventListener() {
            @Override
            public synchronized void probeFinished(ProbeRequest request, ProbeOutcome outcome) {
                heard.add(outcome.category().label());
                two.countDown();
            }
        };
        try (ProbeEngine e = ProbeEngine.builder().threads(1).eventListener(old).build()) {
            e.probe(TestProberProvider.request("answer", Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS);
            CompletableFuture<ProbeOutcome> f = e.probe(TestProberProvider.request("held", Duration.ofSeconds(30)));
            ProbeCall call = TestProberProvider.HELD.poll(10, TimeUnit.SECONDS);
            assertNotNull(call);
            call.complete(new ProbeOutcome.LocalError("socket error", null));
            f.get(10, TimeUnit.SECONDS);
            assertTrue(two.await(10, TimeUnit.SECONDS));
        }
        synchronized (old) {
            assertEquals(List.of("answered", "local-error"), heard, "a failure reaches probeFinished by default");
        }
    }
}
