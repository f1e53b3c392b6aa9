package io.pathprobe.agent.quota;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotasTest {
    private final Quotas q = Quotas.defaults();

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(4, q.concurrentCaptures());
        assertEquals(1000, q.probesPerSecond());
        assertEquals(200, q.probesPerSecondPerTarget());
        assertEquals(Duration.ofHours(1), q.captureDuration());
        assertEquals(64, q.targetPorts());
        assertEquals(65536, q.requestBodyBytes());
        assertEquals("Quotas[concurrentCaptures=4, probesPerSecond=1000, probesPerSecondPerTarget=200,"
                + " captureDuration=3600 s, targetPorts=64, requestBodyBytes=65536]", q.toString());
        // A default ticket capture (10 minutes, one VIP, ports 80 and 443, ~100 probes/s) fits.
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(10), 1, 2, 100));
    }

    @Test
    void eachPlanLimitIsReportedWithoutRetryAfter() {
        Rejection d = q.checkPlan(Duration.ofMinutes(61), 1, 1, 1).orElseThrow();
        assertEquals(QuotaRule.CAPTURE_DURATION, d.rule());
        assertEquals("a capture of 3660 s is longer than this token's maximum of 3600 s: capture for at most that"
                + " long", d.message());
        assertEquals(OptionalLong.empty(), d.retryAfterSeconds());
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofHours(1), 1, 1, 1), "the limit itself is allowed");

        Rejection tp = q.checkPlan(Duration.ofMinutes(1), 3, 22, 1).orElseThrow();
        assertEquals(QuotaRule.TARGET_PORTS, tp.rule());
        assertEquals("the plan has 3 targets × 22 ports = 66, more than this token's maximum of 64 per plan: probe"
                + " fewer ports or targets", tp.message());
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(1), 4, 16, 1));
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(1), 64, 0, 1), "port-less counts once");
        assertEquals(QuotaRule.TARGET_PORTS, q.checkPlan(Duration.ofMinutes(1), 65, 0, 1).orElseThrow().rule());
        assertEquals(QuotaRule.TARGET_PORTS,
                q.checkPlan(Duration.ofMinutes(1), Integer.MAX_VALUE, 65535, 0).orElseThrow().rule(), "no overflow");

        Rejection pt = q.checkPlan(Duration.ofMinutes(1), 1, 1, 200.5).orElseThrow();
        assertEquals(QuotaRule.PROBES_PER_SECOND_PER_TARGET, pt.rule());
        assertEquals("the plan sends 200.5 probes/s to a target, more than this token's maximum of 200: lengthen"
                + " the intervals or check fewer ports", pt.message());
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(1), 1, 1, 200));

        Rejection tot = q.checkPlan(Duration.ofMinutes(1), 6, 1, 170).orElseThrow();
        assertEquals(QuotaRule.PROBES_PER_SECOND, tot.rule());
        assertEquals("the plan sends 1020 probes/s in total, more than this token's maximum of 1000: lengthen the"
                + " intervals or probe fewer targets", tot.message());
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(1), 5, 1, 200));
        assertEquals(Optional.empty(), q.checkPlan(Duration.ofMinutes(1), 10, 1, 100.0000000001),
                "rounding of a sum is not over the limit");
    }

    @Test
    void theBodyLimitIsInclusive() {
        assertEquals(Optional.empty(), q.checkBody(65536));
        Rejection r = q.checkBody(10 * 1024 * 1024).orElseThrow();
        assertEquals(QuotaRule.REQUEST_BODY, r.rule());
        assertEquals("the request body has 10485760 bytes, more than the maximum of 65536: a plan is a small JSON"
                + " document", r.message());
        assertThrows(IllegalArgumentException.class, () -> q.checkBody(-1));
    }

    @Test
    void nonsensicalPlansAndLimitsAreArgumentErrors() {
        assertThrows(IllegalArgumentException.class, () -> q.checkPlan(Duration.ZERO, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> q.checkPlan(null, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> q.checkPlan(Duration.ofSeconds(1), 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> q.checkPlan(Duration.ofSeconds(1), 1, -1, 1));
        assertEquals("probes per second per target must be a finite number of at least 0, was NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> q.checkPlan(Duration.ofSeconds(1), 1, 1, Double.NaN)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> q.checkPlan(Duration.ofSeconds(1), 1, 1, Double.POSITIVE_INFINITY));
        assertEquals("concurrent captures 0 is out of range: use 1 to 2147483647",
                assertThrows(IllegalArgumentException.class, () -> Quotas.builder().concurrentCaptures(0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quotas.builder().probesPerSecond(0));
        assertThrows(IllegalArgumentException.class, () -> Quotas.builder().probesPerSecondPerTarget(-1));
        assertThrows(IllegalArgumentException.class, () -> Quotas.builder().captureDuration(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Quotas.builder().targetPorts(0));
        assertThrows(IllegalArgumentException.class, () -> Quotas.builder().requestBodyBytes(0));
    }

    @Test
    void buildersCopyAndChange() {
        Quotas small = Quotas.builder().concurrentCaptures(1).probesPerSecond(10).probesPerSecondPerTarget(5)
                .captureDuration(Duration.ofSeconds(90)).targetPorts(2).requestBodyBytes(100).build();
        assertEquals(small, small.toBuilder().build());
        assertNotEquals(small, small.toBuilder().targetPorts(3).build());
        assertEquals(Quotas.defaults(), Quotas.builder().build());
        assertTrue(small.checkPlan(Duration.ofSeconds(91), 1, 1, 1).isPresent());
        assertEquals(QuotaRule.TARGET_PORTS, small.checkPlan(Duration.ofSeconds(9), 1, 3, 1).orElseThrow().rule());
    }
}
