package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Transport;
import io.pathprobe.core.internal.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The failure outcomes that need a router: TTL expiry and ICMP unreachables read from the socket's error queue,
 * local routing failures, and a silent drop. Two namespaces this test creates and deletes; the engine's loops run
 * in "host", so every packet stays inside the lab.
 *
 * <pre>
 *  host: a0 10.9.0.1/24, default via 10.9.0.2, unreachable 10.9.5.0/24 (local), no IPv6 route
 *  router: r0 10.9.0.2/24, d0 10.9.2.1/24 (veth dead end; 10.9.2.9 a MAC nobody owns),
 *          unreachable 10.9.3.0/24, prohibit 10.9.4.0/24
 * </pre>
 */
@Tag("netns")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpNamespaceLabTest {
    private static final String HOST = "pptcp-h" + ProcessHandle.current().pid();
    private static final String ROUTER = "pptcp-r" + ProcessHandle.current().pid();
    private static final int PORT = 80;
    private static ProbeEngine engine;
    private static InetAddress router;

    @BeforeAll
    static void lab() throws Exception {
        assumeTrue(Privileges.isRoot(), "network namespaces need root: run the tests as root");
        router = InetAddress.getByName("10.9.0.2");
        sh("ip", "netns", "add", HOST);
        sh("ip", "netns", "add", ROUTER);
        sh("ip", "-n", HOST, "link", "add", "a0", "type", "veth", "peer", "name", "r0", "netns", ROUTER);
        sh("ip", "-n", HOST, "link", "set", "lo", "up");
        sh("ip", "-n", HOST, "addr", "add", "10.9.0.1/24", "dev", "a0");
        sh("ip", "-n", HOST, "link", "set", "a0", "up");
        sh("ip", "-n", HOST, "route", "add", "default", "via", "10.9.0.2");
        sh("ip", "-n", HOST, "route", "add", "unreachable", "10.9.5.0/24");
        sh("ip", "-n", ROUTER, "link", "set", "lo", "up");
        sh("ip", "-n", ROUTER, "addr", "add", "10.9.0.2/24", "dev", "r0");
        sh("ip", "-n", ROUTER, "link", "set", "r0", "up");
        sh("ip", "-n", ROUTER, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        sh("ip", "-n", ROUTER, "addr", "add", "10.9.2.1/24", "dev", "d0");
        sh("ip", "-n", ROUTER, "link", "set", "d0", "up");
        sh("ip", "-n", ROUTER, "link", "set", "d1", "up");
        sh("ip", "-n", ROUTER, "neigh", "add", "10.9.2.9", "lladdr", "02:00:00:00:00:09", "dev", "d0", "nud",
                "permanent");
        sh("ip", "-n", ROUTER, "route", "add", "unreachable", "10.9.3.0/24");
        sh("ip", "-n", ROUTER, "route", "add", "prohibit", "10.9.4.0/24");
        sh("ip", "netns", "exec", ROUTER, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        sh("ip", "netns", "exec", ROUTER, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        engine = ProbeEngine.builder().threads(1).networkNamespace(HOST).build();
        assumeTrue(engine.transport() == Transport.EPOLL, "the error queue needs the epoll transport");
    }

    @AfterAll
    static void teardown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (Privileges.isRoot()) {
            new ProcessBuilder("ip", "netns", "del", HOST).start().waitFor();
            new ProcessBuilder("ip", "netns", "del", ROUTER).start().waitFor();
        }
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    private static ProbeOutcome probe(ProbeRequest.Builder b) throws Exception {
        return engine.probe(b.build()).get(20, TimeUnit.SECONDS);
    }

    private static ProbeRequest.Builder tcp(String target) throws Exception {
        return ProbeRequest.builder("tcp").target(InetAddress.getByName(target)).port(PORT)
                .timeout(Duration.ofSeconds(3));
    }

    @Test
    void ttlExpiryNamesTheRouter() throws Exception {
        ProbeOutcome o = probe(tcp("10.9.2.9").option(ProbeOption.TTL, 1));
        ProbeOutcome.TtlExceeded t = assertInstanceOf(ProbeOutcome.TtlExceeded.class, o, () -> "outcome " + o);
        assertEquals(router, t.responder());
        assertEquals(0, t.icmpCode()); // TTL exceeded in transit
        assertTrue(t.rttNanos() > 0);
    }

    @Test
    void unreachableRouteAtTheRouterNamesTheRouter() throws Exception {
        ProbeOutcome o = probe(tcp("10.9.3.1"));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertEquals(router, u.responder());
        assertEquals(3, u.icmpType());
        assertEquals(1, u.icmpCode()); // host unreachable
        assertEquals("EHOSTUNREACH", u.cause().name());
        assertEquals("host unreachable from 10.9.0.2", u.describe());
    }

    @Test
    void prohibitedRouteIsAdministrativelyProhibited() throws Exception {
        ProbeOutcome o = probe(tcp("10.9.4.1"));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertEquals(router, u.responder());
        assertEquals(13, u.icmpCode()); // communication administratively prohibited
    }

    @Test
    void localUnreachableRouteHasNoResponder() throws Exception {
        ProbeOutcome o = probe(tcp("10.9.5.1"));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertNull(u.responder());
        assertEquals("EHOSTUNREACH", u.cause().name());
    }

    @Test
    void noRouteAtAllIsNetworkUnreachable() throws Exception {
        ProbeOutcome o = probe(tcp("2001:db8::1")); // the host namespace has no IPv6 route
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, () -> "outcome " + o);
        assertNull(u.responder());
        assertEquals("ENETUNREACH", u.cause().name());
    }

    @Test
    void silentDropTimesOut() throws Exception {
        ProbeOutcome o = probe(tcp("10.9.2.9").timeout(Duration.ofMillis(300)));
        ProbeOutcome.TimedOut t = assertInstanceOf(ProbeOutcome.TimedOut.class, o, () -> "outcome " + o);
        assertEquals(300_000_000L, t.timeoutNanos());
    }
}
