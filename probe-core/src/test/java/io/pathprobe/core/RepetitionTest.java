package io.pathprobe.core;

import io.pathprobe.core.stats.StatsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's scheduler for repeated probing, with work of its own and with sessions on the test prober. */
class RepetitionTest {
    private final ProbeEngine engine = ProbeEngine.builder().threads(2).build();

    @AfterEach
    void close() {
        engine.close();
        TestProberProvider.HELD.clear();
    }

    /** Records the rounds; each holds a piece of work that {@link #releaseAll} ends. */
    private static class Recorder implements Repetition.Rounds {
        final List<Long> rounds = new CopyOnWriteArrayList<>();
        final AtomicInteger finishedCalls = new AtomicInteger();
        final CompletableFuture<Long> finished = new CompletableFuture<>();
        final AtomicInteger held = new AtomicInteger();
        final boolean holdWork;

        Recorder(boolean holdWork) {
            this.holdWork = holdWork;
        }

        @Override
        public void round(Repetition r, long n) {
            rounds.add(n);
            if (holdWork && r.hold()) {
                held.incrementAndGet();
            }
        }

        @Override
        public void finished(Repetition r) {
            finishedCalls.incrementAndGet();
            finished.complete(r.rounds());
        }

        void releaseAll(Repetition r) {
            while (held.getAndDecrement() > 0) {
                r.release();
            }
        }
    }

    @Test
    void runsCountRoundsAndEndsOnceWhenTheirWorkHasEnded() throws Exception {
        Recorder rec = new Recorder(true);
        Repetition r = engine.repeat(Duration.ofMillis(2), 5, Duration.ZERO, rec);
        r.start();
        // Every round sent, but their work is still held: the repetition must not end by count yet.
        for (int i = 0; i < 500 && rec.rounds.size() < 5; i++) {
            Thread.sleep(10);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rec.rounds);
        assertFalse(r.isFinished(), "ended with work in flight");
        rec.releaseAll(r);
        assertEquals(5L, rec.finished.get(10, TimeUnit.SECONDS));
        assertEquals(1, rec.finishedCalls.get());
        assertFalse(r.hold(), "holds after the end");
        r.stop();
        assertEquals(1, rec.finishedCalls.get(), "stop after the end called finished again");
    }

    @Test
    void drainedMayAddWorkBeforeTheEnd() throws Exception {
        AtomicInteger drains = new AtomicInteger();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Repetition r = engine.repeat(Duration.ofMillis(1), 1, Duration.ZERO, new Repetition.Rounds() {
            @Override
            public void round(Repetition rep, long n) {
            }

            @Override
            public boolean drained(Repetition rep) {
                if (drains.incrementAndGet() > 2 || !rep.hold()) {
                    return false;
                }
                rep.schedule(rep::release, TimeUnit.MILLISECONDS.toNanos(1)); // a re-probe, ended 1 ms later
                return true;
            }

            @Override
            public void finished(Repetition rep) {
                done.complete(drains.get());
            }
        });
        r.start();
        assertEquals(3, done.get(10, TimeUnit.SECONDS), "drained twice with more work, the third time ends");
    }

    @Test
    void endsAtTheDeadlineWithWorkInFlight() throws Exception {
        Recorder rec = new Recorder(true);
        Repetition r = engine.repeat(Duration.ofMillis(5), 0, Duration.ofMillis(100), rec);
        r.start();
        long rounds = rec.finished.get(10, TimeUnit.SECONDS);
        assertTrue(rounds >= 1, rounds + " rounds");
        assertTrue(r.isFinished());
        int before = rec.rounds.size();
        Thread.sleep(30);
        assertEquals(before, rec.rounds.size(), "rounds after the deadline");
        assertFalse(r.end(() -> {
            throw new AssertionError("recorded after the end");
        }, null));
    }

    @Test
    void closingTheEngineEndsItsSessionsWithWhatTheyMeasured() throws Exception {
        ProbeEngine own = ProbeEngine.builder().threads(1).build();
        ProbeRequest held = ProbeRequest.builder("test").target("held", InetAddress.getLoopbackAddress())
                .timeout(Duration.ofSeconds(30)).build();
        ProbeSession s = own.startSession(held, SessionPlan.count(0).withInterval(Duration.ofSeconds(60)), null);
        TestProberProvider.HELD.poll(10, TimeUnit.SECONDS); // the first probe is out
        Recorder rec = new Recorder(false);
        Repetition r = own.repeat(Duration.ofSeconds(60), 0, Duration.ZERO, rec);
        r.start();
        for (int i = 0; i < 500 && rec.rounds.isEmpty(); i++) {
            Thread.sleep(10); // its first round is due now
        }
        own.close();
        StatsSnapshot st = s.completion().get(10, TimeUnit.SECONDS);
        assertEquals(1, st.sent());
        assertEquals(1, st.inFlight(), "the probe in flight at the close is left out, not a local error");
        assertEquals(1L, rec.finished.get(10, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> own.repeat(Duration.ofSeconds(1), 1, Duration.ZERO, rec));
    }

    /** Waits (bounded: a failure, not a measurement) until {@code condition} holds. */
    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "not within 10 s: " + what);
    }

    @Test
    void aPausedRepetitionStartsNoRoundAndCountsNoneTowardTheCount() throws Exception {
        Recorder rec = new Recorder(false) {
            @Override
            public void round(Repetition r, long n) {
                super.round(r, n);
                if (n == 1) {
                    r.pause(); // from inside the round, as a key press may arrive at any time
                }
            }
        };
        Repetition r = engine.repeat(Duration.ofMillis(2), 3, Duration.ZERO, rec);
        r.start();
        // Three ticks pass paused: as many as the count, so had they counted, the repetition would have ended.
        await(() -> r.pausedTicks() >= 3, "three paused ticks");
        assertTrue(r.isPaused());
        assertEquals(List.of(1L), rec.rounds, "rounds while paused");
        assertEquals(1, r.rounds());
        assertFalse(r.isFinished(), "paused ticks counted toward the count");
        r.resume();
        assertFalse(r.isPaused());
        assertEquals(3L, rec.finished.get(10, TimeUnit.SECONDS), "the count of rounds is sent after the resume");
        assertEquals(List.of(1L, 2L, 3L), rec.rounds, "rounds numbered on without gaps");
    }

    @Test
    void workInFlightEndsAndIsRecordedWhilePaused() throws Exception {
        Recorder rec = new Recorder(true);
        Repetition r = engine.repeat(Duration.ofMillis(2), 2, Duration.ZERO, rec);
        r.pause();
        r.start();
        await(() -> r.pausedTicks() >= 2, "two paused ticks");
        assertEquals(List.of(), rec.rounds, "a repetition paused before its start sends no first round");
        r.resume();
        await(() -> rec.rounds.size() == 2, "both rounds after the resume");
        r.pause();
        AtomicInteger recorded = new AtomicInteger();
        assertTrue(r.end(recorded::incrementAndGet, null), "work ended while paused is recorded");
        assertEquals(1, recorded.get());
        rec.held.decrementAndGet();
        rec.releaseAll(r); // the last work ends while still paused: every round was sent, so it ends by count
        assertEquals(2L, rec.finished.get(10, TimeUnit.SECONDS));
        assertTrue(r.isPaused());
    }

    @Test
    void badCountOrDeadlineIsRefusedInApiTerms() {
        Recorder rec = new Recorder(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.repeat(Duration.ofSeconds(1), -1, Duration.ZERO, rec));
        assertTrue(e.getMessage().contains("count -1"), e.getMessage());
    }
}
