package io.pathprobe.dns;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.PtrServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dns prober through a router to a DNS server in another namespace (client - r1 - server, a fresh lab per
 * test), the engine's loops in the client's namespace: answers over both families, and loss made by nftables on
 * the router counted as timeouts.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(120)
class DnsNamespaceLabTest {
    private LinearPath path;
    private ProbeEngine engine;
    private PtrServer server;

    @BeforeEach
    void lab(NetLab lab) {
        path = lab.linearPath(1);
        engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close(); // before the extension deletes the namespaces its loops live in
        }
    }

    private ProbeRequest.Builder query(InetAddress at, int port, String name) {
        return ProbeRequest.builder(DnsProberProvider.KIND).target(at).port(port).timeout(Duration.ofSeconds(3))
                .option(DnsOptions.NAME, name).option(DnsOptions.TYPE, "A");
    }

    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void theServerAnswersThroughTheRouter(StandardProtocolFamily family) throws Exception {
        InetAddress at = path.server().address(family);
        server = PtrServer.startIn(path.server(), at).addresses("vip.test", InetAddress.getByName("10.9.9.9"));
        int port = server.address().getPort();
        ProbeOutcome o = engine.probe(query(at, port, "vip.test").build()).get(20, TimeUnit.SECONDS);
        assertSame(DnsOutcomes.NOERROR, o.type(), o::toString);
        assertEquals(at, o.responder());
        assertEquals("vip.test. A: 1 answer 10.9.9.9", o.detail());
        ProbeOutcome nx = engine.probe(query(at, port, "gone.test").build()).get(20, TimeUnit.SECONDS);
        assertSame(DnsOutcomes.NXDOMAIN, nx.type(), nx::toString);
        ProbeOutcome closed = engine.probe(query(at, port + 1 == 65536 ? 1 : port + 1, "vip.test").build())
                .get(20, TimeUnit.SECONDS);
        assertSame(OutcomeType.REFUSED, closed.type(), "the server's port unreachable: " + closed);
    }

    @Test
    void lossOnTheRouterIsCountedAsTimeouts() throws Exception {
        InetAddress at = path.server().address(StandardProtocolFamily.INET);
        server = PtrServer.startIn(path.server(), at).addresses("vip.test", InetAddress.getByName("10.9.9.9"));
        path.router(1).nft().dropRandomPercent(30); // the query and the answer each pass r1's prerouting once
        int n = 200;
        StatsSnapshot s = engine.startSession(query(at, server.address().getPort(), "vip.test")
                        .timeout(Duration.ofMillis(500)).build(),
                SessionPlan.count(n).withInterval(Duration.ofMillis(10)), null).completion().get(60, TimeUnit.SECONDS);
        long lost = s.sent() - s.inFlight() - s.received();
        // A query survives with p = 0.7 * 0.7 = 0.49, so lost ~ Binomial(200, 0.51): mean 102, sd
        // sqrt(200 * 0.51 * 0.49) = 7.07. 4.5 sd either side (two-sided tail 6.8e-6 < 1e-4) is 102 +- 31.8:
        // [71, 133] fails fewer than 1 run in 10,000.
        assertTrue(lost >= 71 && lost <= 133, "lost " + lost + " of " + n);
        assertEquals(lost, s.count(OutcomeType.TIMED_OUT), "every lost query timed out");
        assertEquals(s.received(), s.count(DnsOutcomes.NOERROR));
    }
}
