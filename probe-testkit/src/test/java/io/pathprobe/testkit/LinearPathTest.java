package io.pathprobe.testkit;

import io.pathprobe.core.AddressText;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real packets through client - r1 - r2 - r3 - server, checked with ping, traceroute, mtr and Java sockets. */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
class LinearPathTest {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private static String text(InetAddress a) {
        return AddressText.of(a);
    }

    /** ping -c1 through 3 routers: the reply's TTL is 64 - 3 = 61 (IPv6: hop limit, printed as ttl too). */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void pingCrossesThreeRouters(StandardProtocolFamily family, NetLab lab) {
        LinearPath path = lab.linearPath(3);
        String out = path.client().exec("ping", "-n", "-c", "1", "-W", "2", text(path.server().address(family)));
        assertTrue(out.contains("ttl=61"), out);
        assertTrue(out.contains("1 received"), out);
    }

    /** traceroute lists r1, r2, r3 by their addresses toward the client, then the server. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void tracerouteListsTheRoutersInOrder(StandardProtocolFamily family, NetLab lab) {
        LinearPath path = lab.linearPath(3);
        String out = path.client().exec("traceroute", family == INET ? "-4" : "-6", "-n", "-q", "1", "-w", "2",
                "-m", "8", text(path.server().address(family)));
        List<String> expected = texts(path.routerAddresses(family));
        expected.add(text(path.server().address(family)));
        assertEquals(expected, column(out, Pattern.compile("^\\s*\\d+\\s+(\\S+)")), out);
        assertEquals(List.of("10." + octet(lab) + ".1.2", "10." + octet(lab) + ".2.2", "10." + octet(lab) + ".3.2"),
                texts(path.routerAddresses(INET)));
    }

    /** mtr -r to the server's VIP: the routes to VIPs work and the hops are the same. */
    @Test
    void mtrReportReachesTheVip(NetLab lab) {
        LinearPath path = lab.linearPath(3);
        String out = path.client().exec("mtr", "-n", "-r", "-c", "1", "-G", "1", text(path.server().vip(INET)));
        List<String> expected = texts(path.routerAddresses(INET));
        expected.add(text(path.server().vip(INET)));
        assertEquals(expected, column(out, Pattern.compile("^\\s*\\d+\\.\\|--\\s+(\\S+)")), out);
    }

    @Test
    void callRunsInsideTheNamespace(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        InetAddress client = path.client().address(INET);
        List<String> inside = path.client().call(LinearPathTest::interfaceAddresses);
        assertTrue(inside.contains(text(client)), inside.toString());
        assertTrue(inside.contains(text(path.client().vip(INET))), inside.toString());
        assertFalse(interfaceAddresses().contains(text(client)), "the test thread itself stays outside");
    }

    @Test
    void tcpConnectsAreAcceptedDroppedOrRefusedAsTheServerFirewallSays(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(3);
        Host server = path.server();
        InetAddress vip = server.vip(INET6);
        TcpListener open = server.listenTcp(vip, 79, "hello\n");
        server.listenTcp(vip, 80);
        server.listenTcp(vip, 81);
        server.nft().dropTcpPort(80).rejectTcpPort(81);

        String banner = path.client().call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(vip, 79), 2000);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        assertEquals("hello\n", banner);
        assertEquals(1, open.accepted());
        assertThrows(SocketTimeoutException.class, () -> path.client().call(() -> connect(vip, 80, 500)));
        ConnectException refused = assertThrows(ConnectException.class,
                () -> path.client().call(() -> connect(vip, 81, 2000)));
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    /** Without its route to the server's subnet, r2 answers net unreachable from its address toward the client. */
    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET", "INET6"})
    void aMissingRouteGivesUnreachableFromThatRouter(StandardProtocolFamily family, NetLab lab) {
        LinearPath path = lab.linearPath(3);
        Router r2 = path.router(2);
        r2.removeRoute(path.server().links().get(0).subnet(family));
        CommandResult r = path.client().run("ping", "-n", "-c", "1", "-W", "2", text(path.server().address(family)));
        assertEquals(1, r.exitCode(), r.stdout());
        String from = "From " + text(r2.addressTowardClient(family)) + " icmp_seq=1 ";
        assertTrue(r.stdout().contains(from + (family == INET ? "Destination Net Unreachable"
                : "Destination unreachable: No route")), r.stdout());
    }

    @Test
    void rejectingRoutesAndRulesSendTheirIcmpCodes(NetLab lab) {
        LinearPath path = lab.linearPath(2);
        Router r1 = path.router(1);
        Router r2 = path.router(2);
        String server = text(path.server().address(INET));
        r2.replaceRoute(path.server().links().get(0).subnet(INET), RouteType.UNREACHABLE);
        assertTrue(path.client().run("ping", "-n", "-c", "1", "-W", "2", server).stdout()
                .contains("From " + text(r2.addressTowardClient(INET)) + " icmp_seq=1 Destination Host Unreachable"));
        r1.nft().rejectAdminProhibited(path.server().address(INET));
        r1.nft().rejectAdminProhibited(path.server().address(INET6));
        assertTrue(path.client().run("ping", "-n", "-c", "1", "-W", "2", server).stdout()
                .contains("From " + text(r1.addressTowardClient(INET)) + " icmp_seq=1 Packet filtered"));
        assertTrue(path.client().run("ping", "-n", "-c", "1", "-W", "2", text(path.server().address(INET6)))
                .stdout().contains("From " + text(r1.addressTowardClient(INET6))
                        + " icmp_seq=1 Destination unreachable: Administratively prohibited"));
        r1.nft().flush();
        assertEquals("", r1.nft().ruleset());
        assertTrue(path.client().run("ping", "-n", "-c", "1", "-W", "2", server).stdout()
                .contains("Destination Host Unreachable"), "after flush, r2's unreachable route answers again");
    }

    /**
     * A router checks the TTL before its forward hook: with every forwarded ICMP packet dropped at r2, a probe
     * expiring at r2 (TTL 2) still gets Time Exceeded, one meant to go further (TTL 3) gets nothing.
     */
    @Test
    void forwardRulesDoNotSeeProbesThatExpireAtTheRouter(NetLab lab) {
        LinearPath path = lab.linearPath(3);
        Router r2 = path.router(2);
        r2.nft().rule(Nft.Chain.FORWARD, "meta l4proto icmp drop");
        String server = text(path.server().address(INET));
        String expiring = path.client().run("ping", "-n", "-c", "1", "-W", "1", "-t", "2", server).stdout();
        assertTrue(expiring.contains("From " + text(r2.addressTowardClient(INET)) + " icmp_seq=1 Time to live exceeded"),
                expiring);
        String beyond = path.client().run("ping", "-n", "-c", "1", "-W", "1", "-t", "3", server).stdout();
        assertTrue(beyond.contains("1 packets transmitted, 0 received") && !beyond.contains("From "), beyond);
    }

    @Test
    void blockSourceDropsOnlyThatSource(NetLab lab) {
        LinearPath path = lab.linearPath(1);
        Host server = path.server();
        server.nft().blockSource(path.client().address(INET));
        String to = text(server.address(INET));
        assertTrue(path.client().run("ping", "-n", "-c", "1", "-W", "1", to).stdout().contains("0 received"));
        assertTrue(path.router(1).exec("ping", "-n", "-c", "1", "-W", "2", to).contains("1 received"));
    }

    /**
     * 50% random loss at r2 hits both the echo and the reply, so each ping comes back with probability 0.25.
     * Received X of 60 is Binomial(60, 0.25), mean 15. The test fails when X = 0 or X &gt;= 31:
     * P(X = 0) = 0.75^60 = 3.2e-8 and P(X &gt;= 31) = 8.4e-6 (summed exactly), together &lt; 1e-5 &lt; 1e-4.
     * Without the rule X = 60; with all packets dropped X = 0: both fail.
     */
    @Test
    void randomDropLosesAboutTheRightShare(NetLab lab) {
        LinearPath path = lab.linearPath(3);
        path.router(2).nft().dropRandomPercent(50);
        String out = path.client().run("ping", "-n", "-q", "-c", "60", "-i", "0.02", "-W", "1",
                text(path.server().address(INET))).stdout();
        Matcher m = RECEIVED.matcher(out);
        assertTrue(m.find(), out);
        assertEquals(60, Integer.parseInt(m.group(1)), out);
        int received = Integer.parseInt(m.group(2));
        assertTrue(received >= 1 && received <= 30, "received " + received + " of 60: " + out);
    }

    /**
     * A drop restricted to one peer loses all of that peer's traffic at 100% and none of another's through the same
     * router: 5 pings to the server, none answered; 5 to the router beyond, all answered.
     */
    @Test
    void randomDropForOnePeerLeavesOtherTrafficWhole(NetLab lab) {
        LinearPath path = lab.linearPath(3);
        path.router(2).nft().dropRandomPercent(100, path.server().address(INET));
        String[] ping = {"ping", "-n", "-q", "-c", "5", "-i", "0.02", "-W", "1"};
        String toServer = path.client().run(concat(ping, text(path.server().address(INET)))).stdout();
        Matcher m = RECEIVED.matcher(toServer);
        assertTrue(m.find(), toServer);
        assertEquals(0, Integer.parseInt(m.group(2)), toServer);
        String toRouter = path.client().run(concat(ping, text(path.router(3).addressTowardClient(INET)))).stdout();
        m = RECEIVED.matcher(toRouter);
        assertTrue(m.find(), toRouter);
        assertEquals(5, Integer.parseInt(m.group(2)), toRouter);
    }

    private static String[] concat(String[] a, String last) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = last;
        return r;
    }

    /**
     * The kernel's ICMP rate limits are off in labs: 10 TTL-1 pings 10 ms apart all get Time Exceeded from r1
     * (the kernel default would allow one per second per destination after a short burst). With an nft limit
     * of 1/second burst 1, at most burst + elapsed seconds + 1 come back.
     */
    @Test
    void icmpErrorsAreUnlimitedByDefaultAndLimitedByNft(NetLab lab) {
        LinearPath path = lab.linearPath(2);
        String server = text(path.server().address(INET));
        String[] ping = {"ping", "-n", "-c", "10", "-i", "0.01", "-W", "1", "-t", "1", server};
        String free = path.client().run(ping).stdout();
        assertEquals(10, count(free, "Time to live exceeded"), free);
        assertTrue(free.contains("From " + text(path.router(1).addressTowardClient(INET))), free);

        path.router(1).nft().limitIcmpErrors(1, 1);
        String limited = path.client().run(ping).stdout();
        Matcher time = Pattern.compile("received.*time (\\d+)ms").matcher(limited);
        assertTrue(time.find(), limited);
        int allowed = 1 + (int) (Long.parseLong(time.group(1)) / 1000) + 1;
        int got = count(limited, "Time to live exceeded");
        assertTrue(got >= 1 && got <= allowed, got + " errors, at most " + allowed + " allowed: " + limited);
    }

    /** Every namespace goes at close, also when the test body throws. */
    @Test
    void closeDeletesEveryNamespaceEvenAfterAFailure() {
        NetLab.assumeAvailable();
        String prefix;
        NetLab kept;
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (NetLab lab = NetLab.create()) {
                lab.linearPath(2);
                assertEquals(4, lab.listNamespaces().size());
                throw new IllegalStateException("test body failed");
            }
        });
        assertEquals("test body failed", thrown.getMessage());
        try (NetLab lab = NetLab.create()) {
            lab.linearPath(1);
            prefix = lab.prefix();
            kept = lab;
        }
        assertEquals(List.of(), kept.listNamespaces());
        String all = io.pathprobe.testkit.internal.Commands.run(java.time.Duration.ofSeconds(10), null,
                List.of("ip", "netns", "list")).requireSuccess().stdout();
        assertFalse(all.contains(prefix + "-"), all);
        assertThrows(IllegalStateException.class, () -> kept.host("late"));
    }

    @Test
    void twoLabsAtOnceHaveTheirOwnRanges(NetLab lab) {
        try (NetLab other = NetLab.create()) {
            LinearPath a = lab.linearPath(1);
            LinearPath b = other.linearPath(1);
            assertFalse(lab.addressRange(INET).equals(other.addressRange(INET)));
            assertFalse(lab.prefix().equals(other.prefix()));
            assertTrue(a.client().exec("ping", "-n", "-c", "1", "-W", "2", text(a.server().address(INET)))
                    .contains("1 received"));
            assertTrue(b.client().exec("ping", "-n", "-c", "1", "-W", "2", text(b.server().address(INET6)))
                    .contains("1 received"));
            // The other lab's addresses are not reachable from this one: no route at all.
            CommandResult cross = a.client().run("ping", "-n", "-c", "1", "-W", "1", text(b.server().address(INET)));
            assertTrue(cross.stderr().contains("Network is unreachable"), cross.stderr());
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage(NetLab lab) {
        Host h = lab.host("client");
        assertThrows(IllegalArgumentException.class, () -> lab.host("client"));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> lab.host("Bad Name"));
        assertTrue(name.getMessage().contains("lower-case"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lab.link(h, h));
        assertThrows(IllegalArgumentException.class, () -> h.removeRoute("example.com/24"));
        assertThrows(IllegalArgumentException.class, () -> h.removeRoute("10.1.2.0/33"));
        assertThrows(IllegalArgumentException.class, () -> h.nft().dropRandomPercent(101));
        assertThrows(IllegalArgumentException.class, () -> h.nft().rule(Nft.Chain.INPUT, "drop; flush ruleset"));
        assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.ipv4.ip_forward 1", "0"));
        assertThrows(IllegalArgumentException.class, () -> lab.linearPath(-1));
        assertThrows(IllegalStateException.class, () -> h.address(INET), "no link yet");
        NetLabException failed = assertThrows(NetLabException.class, () -> h.removeRoute("10.1.2.0/24"));
        assertTrue(failed.getMessage().contains("route del 10.1.2.0/24"), failed.getMessage());
        NetLabException nft = assertThrows(NetLabException.class, () -> h.nft().rule(Nft.Chain.INPUT, "bogus"));
        assertTrue(nft.getMessage().contains("bogus"), nft.getMessage());
    }

    private static Socket connect(InetAddress address, int port, int timeoutMillis) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            return s;
        }
    }

    private static List<String> interfaceAddresses() throws Exception {
        List<String> all = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                all.add(a.getHostAddress().replaceAll("%.*", ""));
            }
        }
        return all;
    }

    private static int octet(NetLab lab) {
        return Integer.parseInt(lab.addressRange(INET).split("\\.")[1]);
    }

    private static List<String> texts(List<InetAddress> as) {
        List<String> out = new ArrayList<>();
        as.forEach(a -> out.add(text(a)));
        return out;
    }

    private static List<String> column(String out, Pattern p) {
        List<String> col = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                col.add(m.group(1));
            }
        }
        return col;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
