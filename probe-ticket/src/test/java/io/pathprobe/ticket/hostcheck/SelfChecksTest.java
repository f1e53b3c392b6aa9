package io.pathprobe.ticket.hostcheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self check over a constructed /proc/thread-self/net (lines as Linux 6.x prints them). */
class SelfChecksTest {
    static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
               1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
               2: 0501000A:01BB 0201000A:C000 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
            """;
    static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF00000501000A:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0
               1: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0
               2: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0 100 0 0 10 0
            """;
    static final String ROUTE = """
            Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
            eth0	00000000	0101000A	0003	0	0	0	00000000	0	0	0
            eth0	0001000A	00000000	0001	0	0	0	00FFFFFF	0	0	0
            eth1	0002000A	0101000A	0003	0	0	0	00FFFFFF	0	0	0
            """;
    static final String IPV6_ROUTE = """
            fd000000000000010000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
            fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000010000000000000001 00000400 00000002 00000000 00000003     eth0
            fd000000000000010000000000000005 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 80200001       lo
            """;

    @Test
    void listenersRoutesAndGateways(@TempDir Path net) throws Exception {
        Files.writeString(net.resolve("tcp"), TCP);
        Files.writeString(net.resolve("tcp6"), TCP6);
        Files.writeString(net.resolve("route"), ROUTE);
        Files.writeString(net.resolve("ipv6_route"), IPV6_ROUTE);
        Files.writeString(net.resolve("if_inet6"), "fd000000000000010000000000000005 02 40 00 80     eth0\n");
        SelfCheck s = SelfChecks.check(net, List.of(80, 443, 8443, 8080, 8081, 8082));
        // :80 on 0.0.0.0 and :8443 on ::ffff:10.0.1.5 listen; 127.0.0.1:8080, ::ffff:127.0.0.1:8081 and
        // [::1]:8082 only serve this host; :443 is an established connection, not a listener.
        assertEquals(List.of(80, 8443), s.listeningPorts());
        assertEquals(List.of("10.0.1.0/24", "fd00:0:0:1::/64"), s.networks());
        assertEquals(List.of("10.0.1.1", "fd00:0:0:1::1"), s.gateways());
        assertTrue(s.onOwnLink("10.0.1.1"));
        assertTrue(s.onOwnLink("fd00:0:0:1::1"));
        assertFalse(s.onOwnLink("10.0.2.1"));
        assertEquals(List.of("fd00:0:0:1::5"), s.addresses());
    }

    @Test
    void missingFilesGiveAnEmptyCheckNotAnError(@TempDir Path net) {
        SelfCheck s = SelfChecks.check(net, List.of(80));
        assertEquals(List.of(), s.listeningPorts());
        assertEquals(null, s.error());
    }

    @Test
    void aFailingInsideBecomesAnError() {
        SelfCheck s = SelfChecks.check(new SelfChecks.Inside() {
            @Override
            public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
                throw new java.io.IOException("no such namespace");
            }
        }, List.of(80));
        assertNotNull(s.error());
        assertTrue(s.error().contains("no such namespace"), s.error());
    }
}
