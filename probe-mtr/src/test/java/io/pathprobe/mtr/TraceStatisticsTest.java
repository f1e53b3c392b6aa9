package io.pathprobe.mtr;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.pathprobe.mtr.Traces.MS;
import static io.pathprobe.mtr.Traces.hop;
import static io.pathprobe.mtr.Traces.ip;
import static io.pathprobe.mtr.Traces.probe;
import static io.pathprobe.mtr.Traces.router;
import static io.pathprobe.mtr.Traces.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceStatisticsTest {

    @Test
    void hopsEndAtTheDestinationAndTtlsBeyondAreNotShown() {
        TraceStatistics t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 3, 0, 1);
        hop(t, 2, "10.0.3.2", 3, 0, 2);
        hop(t, 3, "10.0.3.2", 1, 0, 2);     // first round, before the destination was known
        TraceSnapshot s = t.snapshot();
        assertEquals(List.of(1, 2), s.hops().stream().map(HopSnapshot::ttl).toList());
        assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind());
        assertEquals(2, s.stop().hop());
        assertEquals(ip("10.0.3.2"), s.stop().responder());
        assertTrue(s.hops().get(1).destination());
        assertEquals(2, t.probeLimit());
    }

    @Test
    void aTimeExceededCountsAsTheHopsReply() {
        TraceStatistics t = Traces.icmp();
        probe(t, 0, 1, router("10.0.0.1", 1));
        probe(t, 0, 1, timeout());
        t.recordSent(0, 1);                 // still in flight: left out of Loss%, as mtr
        HopSnapshot h = t.snapshot().hops().get(0);
        assertEquals(3, h.stats().sent());
        assertEquals(1, h.stats().received());
        assertEquals(50.0, h.stats().lossPercent(), 1e-9);
        assertEquals(1, h.lost());
        assertEquals(MS, h.stats().lastNanos());
    }

    @Test
    void everyAddressOfAHopIsKeptWithItsCountsTheBusiestFirst() {
        TraceStatistics t = Traces.icmp();
        probe(t, 0, 1, router("10.0.0.9", 3));
        for (int i = 0; i < 3; i++) {
            probe(t, 0, 1, router("10.0.0.1", 1));
        }
        probe(t, 0, 1, router("10.0.0.5", 5));
        HopSnapshot h = t.snapshot().hops().get(0);
        assertEquals(ip("10.0.0.1"), h.host());
        assertEquals(List.of(ip("10.0.0.1"), ip("10.0.0.9"), ip("10.0.0.5")),
                h.addresses().stream().map(AddressCount::address).toList());
        assertEquals(List.of(3L, 1L, 1L), h.addresses().stream().map(AddressCount::replies).toList());
        assertEquals(5 * MS, h.addresses().get(2).bestNanos());
        assertEquals(5, h.stats().received());
    }

    @Test
    void addressesPerHopAreCappedForConstantMemory() {
        TraceStatistics t = Traces.icmp();
        int extra = 5;
        for (int i = 0; i < TraceStatistics.MAX_ADDRESSES_PER_HOP + extra; i++) {
            probe(t, 0, 1, router("10.0.0." + (i + 1), 1));
        }
        HopSnapshot h = t.snapshot().hops().get(0);
        assertEquals(TraceStatistics.MAX_ADDRESSES_PER_HOP, h.addresses().size());
        assertEquals(extra, h.otherAddressReplies());
        assertEquals(TraceStatistics.MAX_ADDRESSES_PER_HOP + extra, h.stats().received());
    }

    @Test
    void unreachableFromARouterEndsTheHopList() {
        TraceStatistics t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 2, 0, 1);
        probe(t, 0, 2, new ProbeOutcome.Unreachable(2 * MS, ip("10.0.1.1"), 3, 1, 0, null));
        probe(t, 0, 3, new ProbeOutcome.Unreachable(2 * MS, ip("10.0.1.1"), 3, 1, 0, null));
        TraceSnapshot s = t.snapshot();
        assertEquals(2, s.hops().size());
        assertEquals(StopReason.Kind.UNREACHABLE, s.stop().kind());
        assertEquals(2, s.stop().hop());
        assertEquals("host unreachable from 10.0.1.1", s.stop().detail());
        assertEquals("unreachable from hop 2 (10.0.1.1): host unreachable from 10.0.1.1", s.stop().describe());
        assertEquals(2, t.probeLimit());
    }

    @Test
    void udpArrivesWithPortUnreachableAndTcpWithRefusedOrConnected() {
        TraceStatistics udp = Traces.trace(ProbeMode.UDP, "10.0.3.2", 1);
        probe(udp, 0, 1, router("10.0.0.1", 1));
        probe(udp, 0, 2, new ProbeOutcome.Unreachable(2 * MS, ip("10.0.3.2"), 3, 3, 0, null));
        assertEquals(StopReason.Kind.DESTINATION_REACHED, udp.snapshot().stop().kind());

        TraceStatistics udp6 = Traces.trace(ProbeMode.UDP, "fd00::2", 1);
        probe(udp6, 0, 1, new ProbeOutcome.Unreachable(2 * MS, ip("fd00::2"), 1, 4, 0, null));
        assertEquals(StopReason.Kind.DESTINATION_REACHED, udp6.snapshot().stop().kind());

        TraceStatistics tcp = Traces.trace(ProbeMode.TCP, "10.0.3.2", 1);
        probe(tcp, 0, 1, router("10.0.0.1", 1));
        probe(tcp, 0, 2, new ProbeOutcome.Refused(2 * MS, null, new ErrnoCause(111, "ECONNREFUSED", "Connection refused")));
        TraceSnapshot s = tcp.snapshot();
        assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind());
        assertEquals(ip("10.0.3.2"), s.hops().get(1).host(), "a refusal names the target even without a responder");
        assertEquals(1, s.hops().get(1).stats().received());
    }

    @Test
    void withoutTheDestinationOneSilentHopFollowsTheLastAnsweringOne() {
        TraceStatistics t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 2, 0, 1);
        hop(t, 2, "10.0.1.1", 2, 0, 1);
        for (int ttl = 3; ttl <= 30; ttl++) {
            probe(t, 0, ttl, timeout());
        }
        TraceSnapshot running = t.snapshot();
        assertTrue(running.running());
        assertEquals(StopReason.Kind.RUNNING, running.stop().kind());
        assertEquals(3, running.hops().size());
        assertEquals(30, t.probeLimit());
        t.finish(5);
        TraceSnapshot done = t.snapshot();
        assertFalse(done.running());
        assertEquals(StopReason.Kind.MAX_TTL_REACHED, done.stop().kind());
        assertEquals(30, done.stop().hop());
        assertEquals(2, done.stop().lastRespondingHop());
        assertEquals("destination not reached within max TTL 30; last responding hop 2", done.stop().describe());
    }

    @Test
    void eachFlowKeepsItsOwnStatisticsAndRoute() {
        TraceStatistics t = Traces.trace(ProbeMode.ICMP, "10.0.3.2", 2);
        for (int i = 0; i < 4; i++) {
            probe(t, 0, 1, router("10.0.0.1", 1));
            probe(t, 1, 1, router("10.0.0.1", 1));
            probe(t, 0, 2, router("10.0.1.1", 2));
            probe(t, 1, 2, i == 0 ? timeout() : router("10.0.2.1", 2));
            probe(t, 0, 3, Traces.reply("10.0.3.2", 3));
            probe(t, 1, 3, Traces.reply("10.0.3.2", 3));
        }
        TraceSnapshot s = t.snapshot();
        HopSnapshot merged = s.hops().get(1);
        assertEquals(8, merged.stats().sent());
        assertEquals(List.of(ip("10.0.1.1"), ip("10.0.2.1")),
                merged.addresses().stream().map(AddressCount::address).toList());
        PathSnapshot p1 = s.paths().get(1);
        assertEquals("flow 1", p1.label());
        assertEquals(25.0, p1.table().hops().get(1).stats().lossPercent(), 1e-9);
        assertEquals(0.0, s.paths().get(0).table().hops().get(1).stats().lossPercent(), 1e-9);
        assertEquals(List.of(ip("10.0.0.1"), ip("10.0.2.1"), ip("10.0.3.2")), p1.route());
        assertEquals(2, s.distinctRoutes().size());
    }

    @Test
    void badFlowOrTtlIsRejected() {
        TraceStatistics t = Traces.icmp();
        assertThrows(IllegalArgumentException.class, () -> t.recordSent(1, 1));
        assertThrows(IllegalArgumentException.class, () -> t.recordSent(0, 31));
        assertThrows(IllegalArgumentException.class, () -> t.recordSent(0, 0));
    }
}
