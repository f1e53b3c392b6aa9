package io.pathprobe.ticket.hostcheck;

import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Link;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Router;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self check for real, from a thread inside a lab namespace: its own listeners, addresses, connected networks
 * and gateways, and not the host's. Also shows why {@code /proc/thread-self}: {@code /proc/self/net} read from the
 * same thread lists the process's (host namespace's) sockets, not the namespace's.
 */
@Tag("netns")
class SelfCheckNamespaceTest {
    static final StandardProtocolFamily V4 = StandardProtocolFamily.INET;
    static final StandardProtocolFamily V6 = StandardProtocolFamily.INET6;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readsTheNamespacesOwnListenersAndRoutes() throws Exception {
        NetLab.assumeAvailable();
        try (NetLab lab = NetLab.create()) {
            Host be = lab.host("be");
            Router r = lab.router("r");
            Host far = lab.host("far");
            Link l = lab.link(be, r);
            Link l2 = lab.link(r, far);
            lab.installRoutes();
            lab.awaitLinksUp();
            be.listenTcp(be.address(V4), 8080);              // served to others: counts
            be.listenTcp(InetAddress.getByName("::"), 8443);  // wildcard IPv6 (dual stack): counts
            be.listenTcp(InetAddress.getLoopbackAddress(), 9090); // only this host can reach it: does not count

            SelfCheck s = SelfChecks.check(be::call, List.of(80, 8080, 8443, 9090));
            assertNull(s.error());
            assertEquals(List.of(8080, 8443), s.listeningPorts());
            assertTrue(s.addresses().contains(be.address(V4).getHostAddress()), s.addresses()::toString);
            assertTrue(s.onOwnLink(r.addressToward(be, V4).getHostAddress()), s.networks()::toString);
            assertTrue(s.onOwnLink(r.addressToward(be, V6).getHostAddress()), s.networks()::toString);
            assertFalse(s.onOwnLink(far.address(V4).getHostAddress()), s.networks()::toString);
            assertTrue(s.networks().contains(l.subnet(V4)), s.networks() + " has " + l.subnet(V4));
            assertFalse(s.networks().contains(l2.subnet(V4)), s.networks()::toString);
            assertTrue(s.gateways().contains(r.addressToward(be, V4).getHostAddress()), s.gateways()::toString);

            SelfCheck b = s.withBackends(List.of(be.address(V4).getHostAddress(), "10.99.0.1"));
            assertEquals(Boolean.TRUE, b.isBackend());
            assertEquals(List.of(be.address(V4).getHostAddress()), b.backendAddresses());
            assertNull(s.withBackends(List.of()).isBackend(), "no backends given: unknown");
            assertEquals(Boolean.FALSE, s.withBackends(List.of("10.99.0.1")).isBackend());

            // The other namespace has no listener; the same ports read there are free.
            assertEquals(List.of(), SelfChecks.check(far::call, List.of(8080, 8443)).listeningPorts());

            // /proc/self/net follows the thread-group leader (the host namespace): the lab listener is not there.
            // (Java's listener is a dual-stack IPv6 socket: it shows in tcp6 as ::ffff:a.b.c.d, words little-endian.)
            String selfTcp = be.call(() -> Files.readString(Path.of("/proc/self/net/tcp6")));
            String threadTcp = be.call(() -> Files.readString(Path.of("/proc/thread-self/net/tcp6")));
            byte[] a = be.address(V4).getAddress();
            String listener = String.format("0000000000000000FFFF0000%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0],
                    8080);
            assertTrue(threadTcp.contains(listener), threadTcp);
            assertFalse(selfTcp.contains(listener), "/proc/self/net/tcp is the host's, not the namespace's");
        }
    }
}
