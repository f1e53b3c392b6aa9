package io.pathprobe.mtr;

import io.pathprobe.testkit.PtrServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static io.pathprobe.mtr.Traces.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reverse DNS against a PTR server of the test's own on loopback (real UDP queries; nothing leaves the host). */
@Timeout(60)
class HopNamesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void ptrNamesAreTheReversedAddress() {
        assertEquals("1.0.0.127.in-addr.arpa.", HopNames.ptrName(ip("127.0.0.1")));
        assertEquals("2.3.0.10.in-addr.arpa.", HopNames.ptrName(ip("10.0.3.2")));
        // 2001:db8::567:89ab = 2001:0db8:0000:0000:0000:0000:0567:89ab, nibbles reversed
        assertEquals("b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                HopNames.ptrName(ip("2001:db8::567:89ab")));
    }

    /** Whoever runs a router's reverse zone writes its name: a terminal escape or a newline is not a name. */
    @Test
    void aPtrAnswerThatIsNotAHostNameShowsTheAddress() throws Exception {
        try (PtrServer dns = PtrServer.start().answer("1.0.0.10.in-addr.arpa", "r1\u001b[2J\u001b[31m.lab.example")
                .answer("2.0.0.10.in-addr.arpa", "r2\nHOST: forged.lab.example")
                .answer("3.0.0.10.in-addr.arpa", "r3_x-1.lab.example");
             HopNames names = HopNames.using(List.of(dns.address()), Duration.ofSeconds(2))) {
            for (String a : new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
                names.name(ip(a));
            }
            assertTrue(names.awaitPending(WAIT));
            assertEquals("10.0.0.1", names.name(ip("10.0.0.1")));
            assertEquals("10.0.0.2", names.name(ip("10.0.0.2")));
            assertEquals("r3_x-1.lab.example", names.name(ip("10.0.0.3")));
        }
    }

    @Test
    void aNameArrivesAfterTheFirstAskAndIsThenKeptWithoutAnotherQuery() throws Exception {
        try (PtrServer dns = PtrServer.start().answer("1.0.0.10.in-addr.arpa", "r1.lab.example");
             HopNames names = HopNames.using(List.of(dns.address()), Duration.ofSeconds(2))) {
            InetAddress r1 = ip("10.0.0.1");
            assertEquals("10.0.0.1", names.name(r1), "the address until the answer comes");
            assertTrue(names.awaitPending(WAIT));
            assertEquals("r1.lab.example", names.name(r1));
            assertEquals("r1.lab.example (10.0.0.1)", names.names(true).apply(r1), "mtr -b");
            assertEquals("r1.lab.example", names.names(false).apply(r1));
            names.name(r1);
            assertEquals(1, dns.queries(), "one query per address");
        }
    }

    @Test
    void noSuchNameAndNoAnswerBothLeaveTheAddress() throws Exception {
        try (PtrServer dns = PtrServer.start().silent("2.0.0.10.in-addr.arpa");
             HopNames names = HopNames.using(List.of(dns.address()), Duration.ofMillis(300))) {
            InetAddress unknown = ip("10.0.0.3");
            InetAddress mute = ip("10.0.0.2");
            names.lookup(unknown);
            names.lookup(mute);
            assertTrue(names.awaitPending(WAIT), "the silent lookup ends at its timeout");
            assertEquals("10.0.0.3", names.name(unknown));
            assertEquals("10.0.0.2", names.names(true).apply(mute), "no name: the address once, not twice");
            int asked = dns.queries();
            names.name(unknown);
            names.name(mute);
            assertEquals(asked, dns.queries(), "failures are kept too");
        }
    }

    @Test
    void ipv6HopsResolveToo() throws Exception {
        InetAddress a = ip("fd00:10::1");
        try (PtrServer dns = PtrServer.start().answer(HopNames.ptrName(a), "r1-v6.lab.example");
             HopNames names = HopNames.using(List.of(dns.address()), Duration.ofSeconds(2))) {
            names.lookup(a);
            assertTrue(names.awaitPending(WAIT));
            assertEquals("r1-v6.lab.example", names.name(a));
        }
    }

    @Test
    void theReportShowsNames() throws Exception {
        try (PtrServer dns = PtrServer.start().answer("1.0.0.10.in-addr.arpa", "r1.lab.example");
             HopNames names = HopNames.using(List.of(dns.address()), Duration.ofSeconds(2))) {
            TraceStatistics t = Traces.icmp();
            Traces.hop(t, 1, "10.0.0.1", 3, 0, 1);
            Traces.hop(t, 2, "10.0.3.2", 3, 0, 2);
            names.lookup(ip("10.0.0.1"));
            names.lookup(ip("10.0.3.2"));
            assertTrue(names.awaitPending(WAIT));
            String report = MtrReport.format(t.snapshot(), FormatOptions.defaults().withNames(names.names(false)));
            assertTrue(report.contains("  1.|-- r1.lab.example "), report);
            assertTrue(report.contains("  2.|-- 10.0.3.2 "), "no PTR record: the address: " + report);
        }
    }

    /**
     * The platform's way, as getnameinfo: the hosts file first (its first line for an address, the line's first name), and no query
     * for a loopback address it does not name. A hostile hosts line (an escape in the name) is left out.
     */
    @Test
    void theHostsFileAnswersFirstAndLoopbackIsNeverAsked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path hosts = dir.resolve("hosts");
        java.nio.file.Files.writeString(hosts, String.join("\n",
                "# comment", "127.0.0.1\tlocalhost", "10.0.0.1 r1-hosts.example r1 # the router",
                "10.0.0.1 second-line.example", "10.0.0.2 bad\u001b[2Jname", "not-an-address foo",
                "::1 ip6-localhost ip6-loopback", ""));
        try (PtrServer dns = PtrServer.start().answer("1.0.0.10.in-addr.arpa", "r1-dns.lab.example")
                .answer("2.0.0.10.in-addr.arpa", "r2-dns.lab.example");
             HopNames names = HopNames.platformWith(List.of(dns.address()), Duration.ofSeconds(2), hosts)) {
            for (String a : new String[] {"127.0.0.1", "127.0.0.5", "::1", "10.0.0.1", "10.0.0.2"}) {
                names.lookup(ip(a));
            }
            assertTrue(names.awaitPending(WAIT));
            assertEquals("localhost", names.name(ip("127.0.0.1")));
            assertEquals("127.0.0.5", names.name(ip("127.0.0.5")), "loopback without a hosts line: the address");
            assertEquals("ip6-localhost", names.name(ip("::1")));
            assertEquals("r1-hosts.example", names.name(ip("10.0.0.1")), "the first line's first name");
            assertEquals("r2-dns.lab.example", names.name(ip("10.0.0.2")), "a bad hosts name: DNS as if absent");
            assertEquals(1, dns.queries(), "only 10.0.0.2 was asked");
        }
    }

    @Test
    void nameServersMustBeAddresses() {
        assertThrows(IllegalArgumentException.class, () -> HopNames.using(List.of(), Duration.ofSeconds(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HopNames.using(
                List.of(java.net.InetSocketAddress.createUnresolved("ns.example", 53)), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("must be an IP address"), e.getMessage());
    }
}
