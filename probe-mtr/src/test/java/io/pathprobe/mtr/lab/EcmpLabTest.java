package io.pathprobe.mtr.lab;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.PathSnapshot;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Link;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Router;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load-balanced lab: {@code client - r1 =(ra | rb)= r2 - server}, where r1 reaches the server's link through a
 * multipath route over ra and rb, hashed on addresses, protocol and ports ({@code fib_multipath_hash_policy=1}).
 * UDP flows that differ in source port may take either branch; each flow sticks to one.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EcmpLabTest {
    private Host client;
    private Router ra;
    private Router rb;
    private Host server;

    private void build(NetLab lab) {
        client = lab.host("c");
        Router r1 = lab.router("r1");
        ra = lab.router("ra");
        rb = lab.router("rb");
        Router r2 = lab.router("r2");
        server = lab.host("s");
        lab.link(client, r1);
        lab.link(r1, ra);
        lab.link(r1, rb);
        lab.link(ra, r2);
        lab.link(rb, r2);
        Link last = lab.link(r2, server);
        lab.installRoutes();
        r1.sysctl("net.ipv4.fib_multipath_hash_policy", "1");
        r1.exec("ip", "route", "replace", last.subnet(INET),
                "nexthop", "via", ra.addressToward(r1, INET).getHostAddress(),
                "nexthop", "via", rb.addressToward(r1, INET).getHostAddress());
    }

    private TraceSnapshot trace(int paths, int count) {
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(client.namespace()).build()) {
            TraceConfig c = TraceConfig.builder(server.address(INET)).mode(ProbeMode.UDP).paths(paths).count(count)
                    .interval(Duration.ofMillis(20)).timeout(Duration.ofMillis(800)).maxTtl(8).sourceLabel("c").build();
            return Tracer.start(engine, c, null).completion().join();
        }
    }

    /**
     * 16 flows over 2 equally likely branches: all 16 land on one branch with probability 2 · (1/2)^16 = 2^-15 ≈
     * 3.1e-5 (with 4 flows it would be 1/8). The hash has a random per-boot key, so which flows go where varies
     * between machines, not the odds.
     */
    @Test
    void sixteenUdpFlowsFindBothBranchesEachWithItsOwnStatistics(NetLab lab) {
        build(lab);
        TraceSnapshot s = trace(16, 3);
        assertEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind(), s.stop().describe());
        assertEquals(16, s.paths().size());
        Set<InetAddress> branches = Set.of(ra.addressToward(lab.node("r1"), INET), rb.addressToward(lab.node("r1"), INET));
        for (PathSnapshot p : s.paths()) {
            List<HopSnapshot> hops = p.table().hops();
            assertEquals(4, hops.size(), p.label());
            HopSnapshot h2 = hops.get(1);
            assertEquals(1, h2.addresses().size(), p.label() + ": a flow keeps to one branch");
            assertTrue(branches.contains(h2.host()), p.label() + " hop 2 " + h2.host());
            assertEquals(3, h2.stats().sent(), p.label() + ": per-flow statistics");
            assertEquals(3, h2.stats().received(), p.label());
            assertEquals(server.address(INET), hops.get(3).host(), p.label());
        }
        assertEquals(2, s.distinctRoutes().size(), "routes seen: " + s.distinctRoutes());
        HopSnapshot all2 = s.table().hop(2).orElseThrow();
        assertEquals(branches, Set.of(all2.addresses().get(0).address(), all2.addresses().get(1).address()),
                "the all-flows table lists both responders of hop 2");
    }

    /**
     * Paris mode: one flow, 20 rounds, always the same branch. Were the flow identifier to change between probes,
     * all 20 hop-2 answers would come from one branch with probability 2 · (1/2)^20 ≈ 1.9e-6, so this fails if
     * the source port is not held.
     */
    @Test
    void parisModeKeepsOneBranch(NetLab lab) {
        build(lab);
        TraceSnapshot s = trace(1, 20);
        HopSnapshot h2 = s.table().hop(2).orElseThrow();
        assertEquals(20, h2.stats().received());
        assertEquals(1, h2.addresses().size(), "hop 2 answered from " + h2.addresses());
        assertEquals(1, s.distinctRoutes().size());
    }
}
