package io.pathprobe.agent.quota;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotaLedgerTest {
    private static final InetAddress A = address(203, 0, 113, 7);
    private static final InetAddress B = address(203, 0, 113, 8);

    private static InetAddress address(int... b) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) b[0], (byte) b[1], (byte) b[2], (byte) b[3]});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-01T09:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final QuotaLedger ledger = new QuotaLedger(Quotas.defaults(), Map.of(), clock);

    private Lease lease(String token, long seconds, Map<InetAddress, Double> rates) {
        return assertInstanceOf(Lease.class, ledger.admit(token, Duration.ofSeconds(seconds), rates));
    }

    private Rejection rejected(String token, long seconds, Map<InetAddress, Double> rates) {
        return assertInstanceOf(Rejection.class, ledger.admit(token, Duration.ofSeconds(seconds), rates));
    }

    @Test
    void concurrentCapturesAreCappedAndReleasedLeasesMakeRoom() {
        List<Lease> held = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            held.add(lease("ci", 10L * i, Map.of(A, 1.0)));
        }
        clock.now = clock.now.plusSeconds(5);
        Rejection r = rejected("ci", 60, Map.of(A, 1.0));
        assertEquals(QuotaRule.CONCURRENT_CAPTURES, r.rule());
        assertEquals(OptionalLong.of(5), r.retryAfterSeconds(), "the first capture is planned to end in 5 s");
        assertEquals("token 'ci' already runs 4 captures, its maximum at once: retry when one ends (in about 5 s) or"
                + " cancel one", r.message());
        assertEquals(4, ledger.running("ci"));
        lease("ops", 60, Map.of(A, 1.0)); // another token has its own quota

        held.get(2).close();
        held.get(2).close(); // idempotent: releases one slot, not two
        assertEquals(3, ledger.running("ci"));
        held.add(lease("ci", 60, Map.of(A, 1.0)));
        assertInstanceOf(Rejection.class, ledger.admit("ci", Duration.ofSeconds(1), Map.of(A, 1.0)));
        held.forEach(Lease::close);
        assertEquals(0, ledger.running("ci"));
    }

    @Test
    void aCaptureThatOverrunsItsPlanGivesRetryAfterOne() {
        for (int i = 0; i < 4; i++) {
            lease("ci", 10, Map.of(A, 1.0));
        }
        clock.now = clock.now.plusSeconds(3600);
        assertEquals(OptionalLong.of(1), rejected("ci", 10, Map.of(A, 1.0)).retryAfterSeconds());
        clock.now = clock.now.minusMillis(3600_000 - 9_001); // 0.999 s before the planned end: rounds up
        assertEquals(OptionalLong.of(1), rejected("ci", 10, Map.of(A, 1.0)).retryAfterSeconds());
    }

    @Test
    void theTotalRateCountsRunningCapturesAndWaitsForEnoughOfThemToEnd() {
        lease("ci", 60, Map.of(A, 150.0, B, 150.0, address(203, 0, 113, 9), 150.0, address(203, 0, 113, 10), 150.0));
        lease("ci", 30, Map.of(address(198, 51, 100, 1), 200.0, address(198, 51, 100, 2), 100.0));
        // 600 + 300 running; 200 more is 1100 > 1000. The 300 ends first, at 30 s: then 800 fits.
        Rejection r = rejected("ci", 10, Map.of(address(192, 0, 2, 1), 200.0));
        assertEquals(QuotaRule.PROBES_PER_SECOND, r.rule());
        assertEquals(OptionalLong.of(30), r.retryAfterSeconds());
        assertEquals("token 'ci' would send 1100 probes/s in total with this capture (900 running + 200 asked),"
                + " above its maximum of 1000: retry when running captures end (in about 30 s)", r.message());
        // 100 more fits exactly.
        lease("ci", 10, Map.of(address(192, 0, 2, 1), 100.0));
        // Now 1000 running: 200 more fits once the 100 (10 s) and the 300 (30 s) are gone; 510 more only once the
        // 600 (60 s) is gone too.
        assertEquals(OptionalLong.of(30), rejected("ci", 10, Map.of(address(192, 0, 2, 2), 200.0))
                .retryAfterSeconds());
        assertEquals(OptionalLong.of(60), rejected("ci", 10, Map.of(address(192, 0, 2, 2), 170.0,
                address(192, 0, 2, 3), 170.0, address(192, 0, 2, 4), 170.0)).retryAfterSeconds());
    }

    @Test
    void theRatePerTargetAddsUpOverCaptures() {
        Lease first = lease("ci", 20, Map.of(A, 120.0));
        lease("ci", 40, Map.of(A, 50.0, B, 50.0));
        Rejection r = rejected("ci", 10, Map.of(B, 10.0, A, 40.0));
        assertEquals(QuotaRule.PROBES_PER_SECOND_PER_TARGET, r.rule());
        assertEquals("token 'ci' would send 210 probes/s to 203.0.113.7 with this capture (170 running + 40 asked),"
                + " above its maximum of 200 per target: retry when running captures end (in about 20 s)",
                r.message());
        assertEquals(OptionalLong.of(20), r.retryAfterSeconds());
        lease("ci", 10, Map.of(B, 150.0)); // B: 50 + 150 = 200, at the limit
        first.close();
        lease("ci", 10, Map.of(A, 40.0));
    }

    @Test
    void aPlanOverALimitOnItsOwnHasNoRetryAfter() {
        Rejection longer = rejected("ci", 3601, Map.of(A, 1.0));
        assertEquals(QuotaRule.CAPTURE_DURATION, longer.rule());
        assertEquals(OptionalLong.empty(), longer.retryAfterSeconds());
        Rejection fast = rejected("ci", 10, Map.of(A, 1.0, B, 201.0));
        assertEquals(QuotaRule.PROBES_PER_SECOND_PER_TARGET, fast.rule());
        assertEquals(OptionalLong.empty(), fast.retryAfterSeconds());
        Rejection total = rejected("ci", 10, Map.of(A, 200.0, B, 200.0, address(192, 0, 2, 1), 200.0,
                address(192, 0, 2, 2), 200.0, address(192, 0, 2, 3), 200.0, address(192, 0, 2, 4), 1.0));
        assertEquals(QuotaRule.PROBES_PER_SECOND, total.rule());
        assertEquals(OptionalLong.empty(), total.retryAfterSeconds());
        assertEquals(0, ledger.running("ci"));
        assertThrows(IllegalArgumentException.class, () -> ledger.admit("ci", Duration.ofSeconds(1), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ledger.admit("ci", Duration.ZERO, Map.of(A, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> ledger.admit("ci", Duration.ofSeconds(1), Map.of(A, -1.0)));
    }

    @Test
    void tokensCanHaveTheirOwnQuotas() {
        QuotaLedger l = new QuotaLedger(Quotas.defaults(),
                Map.of("batch", Quotas.builder().concurrentCaptures(1).build()), clock);
        assertEquals(1, l.quotas("batch").concurrentCaptures());
        assertEquals(Quotas.defaults(), l.quotas("ci"));
        assertInstanceOf(Lease.class, l.admit("batch", Duration.ofSeconds(1), Map.of(A, 1.0)));
        assertInstanceOf(Rejection.class, l.admit("batch", Duration.ofSeconds(1), Map.of(A, 1.0)));
        assertInstanceOf(Lease.class, l.admit("ci", Duration.ofSeconds(1), Map.of(A, 1.0)));
    }

    /**
     * Sixteen threads ask at once, then hold their answer until all have asked: exactly the limit is granted in every
     * round, however the threads interleave.
     */
    @Test
    void simultaneousAdmissionsGrantExactlyTheLimit() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                CyclicBarrier start = new CyclicBarrier(threads);
                CyclicBarrier asked = new CyclicBarrier(threads);
                AtomicInteger granted = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        Admission a = ledger.admit("ci", Duration.ofSeconds(60), Map.of(A, 10.0));
                        asked.await(30, TimeUnit.SECONDS);
                        if (a instanceof Lease lease) {
                            granted.incrementAndGet();
                            lease.close();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertEquals(4, granted.get(), "round " + round);
                assertEquals(0, ledger.running("ci"));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    /** Eight threads admit and release in a loop: no moment ever has more than the limit in flight. */
    @Test
    void churnNeverExceedsTheLimit() throws Exception {
        int threads = 8;
        int iterations = 2000;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger grants = new AtomicInteger();
        AtomicInteger answers = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        Admission a = ledger.admit("ci", Duration.ofSeconds(60), Map.of(A, 50.0));
                        answers.incrementAndGet();
                        if (a instanceof Lease lease) {
                            grants.incrementAndGet();
                            int n = inFlight.incrementAndGet();
                            maxSeen.accumulateAndGet(n, Math::max);
                            inFlight.decrementAndGet(); // before close: the ledger may admit another at once
                            lease.close();
                        } else {
                            Rejection r = (Rejection) a;
                            assertTrue(r.rule() == QuotaRule.CONCURRENT_CAPTURES
                                    || r.rule() == QuotaRule.PROBES_PER_SECOND_PER_TARGET, r.message());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(threads * iterations, answers.get());
        assertTrue(grants.get() > 0);
        // 200 per target / 50 per capture = 4 = the concurrency limit: both cap at 4 in flight.
        assertTrue(maxSeen.get() <= 4, "in flight at most 4, saw " + maxSeen.get());
        assertEquals(0, ledger.running("ci"));
    }
}
