package io.pathprobe.core.metrics;

import io.pathprobe.core.TestOutcomes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder's series stay bounded whatever is probed, and only answers as hoped are RTTs. */
class ProbeMetricsTest {
    static final InetAddress A = InetAddress.getLoopbackAddress();

    static ProbeRequest tcp(int port) {
        return ProbeRequest.builder("tcp").target(A).port(port).build();
    }

    @Test
    void withoutPerTargetTagsAThousandTargetsAreOneSeriesSet() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        ProbeMetrics m = new ProbeMetrics(r);
        for (int port = 1; port <= 1000; port++) {
            m.probeStarted(tcp(port));
            m.probeFinished(tcp(port), TestOutcomes.answer(1_000_000, A));
        }
        assertEquals(1, r.find("pathprobe.probes.sent").counters().size());
        assertEquals(1000.0, r.get("pathprobe.probes.sent").counter().count());
        assertTrue(r.get("pathprobe.probes.sent").counter().getId().getTag("target") == null);
    }

    @Test
    void perTargetTagsStopAtTheLimit() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        ProbeMetrics m = ProbeMetrics.perTarget(r, 3);
        for (int port = 1; port <= 10; port++) {
            m.probeStarted(tcp(port));
        }
        m.probeStarted(tcp(2));
        assertEquals(4, r.find("pathprobe.probes.sent").counters().size(), "3 targets and 'other'");
        assertEquals(7.0, r.get("pathprobe.probes.sent").tag("target", ProbeMetrics.OTHER).counter().count());
        assertEquals(2.0, r.get("pathprobe.probes.sent").tag("target", "127.0.0.1:2").counter().count());
        assertThrows(IllegalArgumentException.class, () -> ProbeMetrics.perTarget(r, 0));
    }

    @Test
    void aRefusedConnectIsCountedButNotTimed() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        ProbeMetrics m = new ProbeMetrics(r);
        m.probeFinished(tcp(80), new ProbeOutcome.Refused(50_000, A, null));
        m.probeFinished(tcp(80), TestOutcomes.answer(2_000_000, A));
        assertEquals(1.0, r.get("pathprobe.probes.outcomes").tag("outcome", "refused").counter().count());
        assertEquals(1, r.get("pathprobe.probe.rtt").timer().count());
        assertEquals(2.0, r.get("pathprobe.probe.rtt").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
