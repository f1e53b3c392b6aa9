package io.pathprobe.core.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pacer's limits, driven by a clock the test sets: no sleeping, no timing assertions. */
class PacerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @Test
    void neverMoreThanMaxInFlight() {
        List<Integer> started = new ArrayList<>();
        Pacer<Integer> pacer = Pacer.create(3, 0, timer, started::add);
        for (int i = 0; i < 10; i++) {
            pacer.submit(i);
        }
        assertEquals(List.of(0, 1, 2), started);
        assertEquals(3, pacer.inFlight());
        assertEquals(7, pacer.queued());
        pacer.release();
        assertEquals(List.of(0, 1, 2, 3), started);
        pacer.release();
        pacer.release();
        assertEquals(6, started.size());
        assertEquals(3, pacer.inFlight());
        timer.shutdownNow();
    }

    @Test
    void withoutARateLimitThreadsStartAndReleaseConcurrentlyWithinTheLimit() throws Exception {
        // Four threads each submit 20,000 items; each start is released at once by whichever thread started it (as
        // an event loop ending a probe starts the next): every item starts exactly once, never more than 8 at once.
        int threads = 4;
        int each = 20_000;
        int limit = 8;
        java.util.concurrent.atomic.AtomicIntegerArray starts = new java.util.concurrent.atomic.AtomicIntegerArray(threads * each);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Pacer<Integer>> ref = new java.util.concurrent.atomic.AtomicReference<>();
        Pacer<Integer> pacer = Pacer.create(limit, 0, timer, item -> {
            starts.incrementAndGet(item);
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
            ref.get().release();
        });
        ref.set(pacer);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread th = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    pacer.submit(base + i);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(60_000);
        }
        assertEquals(0, pacer.queued());
        assertEquals(0, pacer.inFlight());
        for (int i = 0; i < threads * each; i++) {
            assertEquals(1, starts.get(i), "item " + i);
        }
        assertTrue(most.get() <= limit, "at most " + limit + " at once, saw " + most.get());
        timer.shutdownNow();
    }

    @Test
    void itemsThatEndAsTheyStartDoNotNestOneDrainPerItem() throws Exception {
        // 100,000 queued behind one held item, each released inside its own start (a probe that fails at once):
        // started one after another in one loop, not by a drain per item inside the last one's release (which a
        // 256 KiB stack cannot hold).
        int n = 100_000;
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Pacer<Integer>> ref = new java.util.concurrent.atomic.AtomicReference<>();
        Pacer<Integer> pacer = Pacer.create(1, 0, timer, item -> {
            started.incrementAndGet();
            if (item != 0) {
                ref.get().release();
            }
        });
        ref.set(pacer);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                for (int i = 0; i < n; i++) {
                    pacer.submit(i);
                }
                pacer.release(); // item 0 ends: the rest run
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join(60_000);
        assertEquals(null, failure.get());
        assertEquals(n, started.get());
        assertEquals(0, pacer.inFlight());
        timer.shutdownNow();
    }

    @Test
    void rateLimitAllowsTenMillisecondsOfBurstThenOneTokenPerInterval() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Integer> started = new ArrayList<>();
        // The pacer's wake-ups go to an executor whose only thread is held, so every start happens in submit()
        // on this thread and the counts are exact.
        ScheduledExecutorService manual = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        manual.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // 1000/s: one token per ms; the bucket holds 10 ms, so 11 tokens (t-10ms .. t) are there at the start.
        Pacer<Integer> pacer = Pacer.create(1_000_000, 1000, manual, started::add, now::get);
        for (int i = 0; i < 100; i++) {
            pacer.submit(i);
        }
        assertEquals(11, started.size());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        pacer.submit(100); // any drain sees the 5 new tokens
        assertEquals(16, started.size());
        now.addAndGet(TimeUnit.SECONDS.toNanos(10)); // idle time does not build up more than the 10 ms bucket
        pacer.submit(101);
        assertEquals(27, started.size());
        hold.countDown();
        manual.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void aWaitingQueueIsDrainedByTheTimerWhenTokensComeBack() throws Exception {
        List<Integer> started = new ArrayList<>();
        // Real clock, 100/s: the first 2 start at once (10 ms bucket = 1 token + the current one); the rest are
        // started by scheduled wake-ups. Only the final count is asserted, not how long it took.
        Pacer<Integer> pacer = Pacer.create(1000, 100, timer, i -> {
            synchronized (started) {
                started.add(i);
                started.notifyAll();
            }
        });
        for (int i = 0; i < 20; i++) {
            pacer.submit(i);
        }
        synchronized (started) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (started.size() < 20 && System.nanoTime() < end) {
                started.wait(100);
            }
            assertEquals(20, started.size());
        }
        timer.shutdownNow();
    }

    @Test
    void aHeldItemGoesFirstAndTheLimitDropsBelowWhatStillRuns() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Integer> started = new ArrayList<>();
        Pacer<Integer> pacer = Pacer.create(100, 0, timer, started::add, now::get);
        for (int i = 0; i < 200; i++) {
            pacer.submit(i);
        }
        assertEquals(100, started.size());
        // Item 99 finds no descriptor with 99 running: 99 - max(4, 99/8 = 12) = 87 may run; 99 are.
        assertEquals(true, pacer.hold(99, Long.MAX_VALUE));
        assertEquals(87, pacer.limit());
        assertEquals(99, pacer.inFlight());
        assertEquals(101, pacer.queued());
        for (int i = 0; i < 12; i++) { // down to 87 running: nothing starts
            pacer.release();
        }
        assertEquals(100, started.size());
        pacer.release(); // 86 running, limit 87 (the ceiling): one starts, the held item first
        assertEquals(List.of(99), started.subList(100, started.size()));
        pacer.release();
        pacer.release();
        assertEquals(87, pacer.limit(), "the ceiling holds while the shortage is recent");
        now.addAndGet(Pacer.CEILING_LIFETIME_NANOS);
        pacer.release();
        assertEquals(88, pacer.limit(), "then the limit grows again, one a release");
        timer.shutdownNow();
    }

    @Test
    void aShortageWithNothingInFlightIsGivenUpAfterTheBound() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Integer> started = new ArrayList<>();
        // The retry timer's only thread is held, so every start happens on this thread and the counts are exact.
        ScheduledExecutorService held = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        held.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Pacer<Integer> pacer = Pacer.create(10, 0, held, started::add, now::get);
        long bound = TimeUnit.SECONDS.toNanos(5);
        pacer.submit(1);
        assertEquals(true, pacer.hold(1, bound), "a shortage begins: held");
        assertEquals(0, pacer.inFlight());
        now.addAndGet(bound - 1);
        pacer.submit(2);
        assertEquals(List.of(1), started, "nothing starts again before the retry timer");
        pacer.retryTimerFired(); // the held item first, alone (limit 1)
        assertEquals(List.of(1, 1), started);
        assertEquals(true, pacer.hold(1, bound), "still within the bound");
        now.addAndGet(1);
        pacer.submit(3);
        pacer.retryTimerFired();
        assertEquals(List.of(1, 1, 1), started);
        assertEquals(false, pacer.hold(1, bound), "the bound has passed with nothing in flight: given up");
        assertEquals(1, pacer.inFlight(), "a given-up item keeps its slot until its end is released");
        pacer.releaseWithoutProgress();
        assertEquals(List.of(1, 1, 1, 2), started);
        assertEquals(false, pacer.hold(2, bound), "no progress since: the next is given up at once");
        pacer.release(); // a probe that ran ended: progress, the stall is over
        assertEquals(List.of(1, 1, 1, 2, 3), started);
        assertEquals(true, pacer.hold(3, bound), "a new shortage is held again");
        hold.countDown();
        held.shutdownNow();
        timer.shutdownNow();
    }
}
