package io.pathprobe.mtr;

import org.junit.jupiter.api.Test;

import static io.pathprobe.mtr.Traces.hop;
import static io.pathprobe.mtr.Traces.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The loss rule with constructed hops. Bounds quoted are exact 99% one-sided Clopper–Pearson bounds
 * (checked in BinomialTest): L(x, n) the lower, U(x, n) the upper.
 */
class LossAnalysisTest {

    private static LossVerdict verdict(TraceSnapshot s, int ttl) {
        return s.table().hop(ttl).orElseThrow().verdict();
    }

    @Test
    void lossOnlyAtOneRouterIsNotCarriedOn() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 20, 10, 1);   // 50% lost: L(10, 20) = 0.239
        hop(t, 2, "10.0.1.1", 20, 0, 2);    // U(0, 20) = 0.206 < 0.239
        hop(t, 3, "10.0.2.1", 20, 0, 3);
        hop(t, 4, "10.0.3.2", 20, 0, 4);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 1));
        assertEquals(LossVerdict.NO_LOSS, verdict(s, 2));
        assertEquals(LossVerdict.NO_LOSS, verdict(s, 4));
        assertEquals(0, s.table().persistentLossFrom());
    }

    @Test
    void tooLittleEvidenceIsNotCalledRateLimiting() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 20, 6, 1);    // 30% lost: L(6, 20) = 0.098, not above U(0, 20) = 0.206
        hop(t, 2, "10.0.1.1", 20, 0, 2);
        hop(t, 3, "10.0.3.2", 20, 0, 3);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.CARRIED_ON, verdict(s, 1));
        assertEquals(0, s.table().persistentLossFrom(), "no loss at the destination, so none persistent");
    }

    @Test
    void forwardingLossFromHopThreeIsPersistentFromThere() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 50, 0, 1);
        hop(t, 2, "10.0.1.1", 50, 0, 2);    // U(0, 50) = 0.088 < L(14, 50) at the destination
        hop(t, 3, "10.0.2.1", 50, 15, 3);
        hop(t, 4, "10.0.3.2", 50, 14, 4);   // L(14, 50) ≈ 0.147
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.CARRIED_ON, verdict(s, 3));
        assertEquals(LossVerdict.CARRIED_ON, verdict(s, 4));
        assertEquals(3, s.table().persistentLossFrom());
    }

    @Test
    void rateLimitingInsideAPersistentStretch() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 100, 0, 1);
        hop(t, 2, "10.0.1.1", 100, 0, 2);   // U(0, 100) = 0.045 < L(20, 100) = 0.116
        hop(t, 3, "10.0.2.1", 100, 60, 3);  // L(60, 100) = 0.479 > U(20, 100) = 0.309
        hop(t, 4, "10.0.3.2", 100, 20, 4);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 3));
        assertEquals(4, s.table().persistentLossFrom(), "hop 3's figure is its own rate limiting: not the start");
    }

    @Test
    void aRateLimitingFirstHopInFrontOfForwardingLossIsNotTheStart() {
        // Seen in the README lab in TCP mode: r1's Time Exceeded rate-limited (58 of 60 lost), a random drop at r2
        // (both directions) that every later hop shows. Hop 1 is the client's own router: naming it would point
        // at the client's network when the loss begins at hop 2.
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 60, 58, 1);  // L(58, 60) = 0.867 > U(12, 60) = 0.346 at the destination
        hop(t, 2, "10.0.1.1", 60, 12, 2);
        hop(t, 3, "10.0.2.1", 60, 13, 3);
        hop(t, 4, "10.0.3.2", 60, 12, 4);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 1));
        assertEquals(LossVerdict.CARRIED_ON, verdict(s, 2));
        assertEquals(2, s.table().persistentLossFrom());
    }

    @Test
    void aRateLimitingRouterInsideAStretchDoesNotEndIt() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 100, 0, 1);
        hop(t, 2, "10.0.1.1", 100, 20, 2);  // forwarding loss begins here
        hop(t, 3, "10.0.2.1", 100, 70, 3);  // L(70, 100) = 0.582 > U(21, 100) = 0.320: rate limiting on top
        hop(t, 4, "10.0.3.2", 100, 21, 4);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 3));
        assertEquals(2, s.table().persistentLossFrom());
    }

    @Test
    void aSilentRouterBeforeAnsweringHopsIsNotCarriedOn() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 10, 0, 1);
        silent(t, 2, 10);                   // L(10, 10) = 0.631 > U(0, 10) = 0.369
        hop(t, 3, "10.0.3.2", 10, 0, 3);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 2));
        assertEquals(0, s.table().persistentLossFrom());
    }

    @Test
    void fewProbesGiveNoVerdict() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 5, 3, 1);
        hop(t, 2, "10.0.3.2", 5, 1, 2);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.TOO_FEW_PROBES, verdict(s, 1));
        assertEquals(LossVerdict.TOO_FEW_PROBES, verdict(s, 2));
        assertEquals(0, s.table().persistentLossFrom());
    }

    @Test
    void lossOnlyAtTheDestinationStartsThere() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 100, 0, 1);
        hop(t, 2, "10.0.3.2", 100, 30, 2);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.CARRIED_ON, verdict(s, 2));
        assertEquals(2, s.table().persistentLossFrom());
    }

    @Test
    void destinationNotReachedJudgesUpToTheLastAnsweringHop() {
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 40, 0, 1);    // U(0, 40) = 0.109 < L(20, 40) = 0.310
        hop(t, 2, "10.0.1.1", 40, 20, 2);
        silent(t, 3, 40);
        t.finish(1);
        TraceSnapshot s = t.snapshot();
        assertEquals(3, s.hops().size(), "one silent hop after the last answering one, as mtr shows");
        assertEquals(2, s.table().persistentLossFrom());
        assertEquals(StopReason.Kind.MAX_TTL_REACHED, s.stop().kind());
        assertEquals(2, s.stop().lastRespondingHop());
    }

    @Test
    void aRateLimitingRouterBeforeALossFreeHopIsNotWhereLossBegins() {
        // Seen in a lab: r1 answered 2 of 60 (its Time Exceeded rate-limited), hop 2 answered all 60, and the
        // destination lost 2 of 60. The loss reaching the destination is not seen continuing from hop 1.
        Trace t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 60, 58, 1);
        hop(t, 2, "10.0.1.1", 60, 0, 2);
        hop(t, 3, "10.0.3.2", 60, 2, 3);
        TraceSnapshot s = t.snapshot();
        assertEquals(LossVerdict.NOT_CARRIED_ON, verdict(s, 1));
        assertEquals(3, s.table().persistentLossFrom());
    }
}
