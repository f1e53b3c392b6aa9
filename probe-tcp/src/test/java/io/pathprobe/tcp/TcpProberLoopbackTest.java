package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.testkit.Epoll;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TCP connect probes against real listeners on loopback, on the default (epoll where available) engine. */
class TcpProberLoopbackTest {
    static final InetAddress V4 = InetAddress.getLoopbackAddress();
    static ProbeEngine engine;

    @BeforeAll
    static void startEngine() {
        engine = ProbeEngine.builder().threads(2).build();
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    static ProbeRequest.Builder tcp(InetAddress target, int port) {
        return ProbeRequest.builder("tcp").target(target).port(port).timeout(Duration.ofSeconds(5));
    }

    static ProbeOutcome probe(ProbeEngine e, ProbeRequest r) throws Exception {
        return e.probe(r).get(20, TimeUnit.SECONDS);
    }

    static void assumeEpoll() {
        Epoll.require(engine, "TCP_INFO and the error queue need");
    }

    static InetAddress v6() throws IOException {
        assumeTrue(TcpListener.hasIpv6Loopback(), "no IPv6 loopback (::1) on this host");
        return InetAddress.getByName("::1");
    }

    static void assertConnected(ProbeOutcome o, InetAddress target, int expectedSynRetransmits) {
        TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
        assertTrue(c.rttNanos() > 0, "rtt " + c.rttNanos());
        assertEquals(target, c.responder());
        assertEquals(expectedSynRetransmits, c.synRetransmits());
    }

    static void assertRefused(ProbeOutcome o, InetAddress target) {
        ProbeOutcome.Refused r = assertInstanceOf(ProbeOutcome.Refused.class, o, () -> "outcome " + o);
        assertEquals(111, r.cause().errno());
        assertEquals("ECONNREFUSED", r.cause().name());
        assertEquals(target, r.responder());
        assertTrue(r.rttNanos() > 0);
    }

    @Test
    void connectsToListenerV4() throws Exception {
        assumeEpoll();
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            assertConnected(probe(engine, tcp(V4, s.port()).build()), V4, 0);
        }
    }

    @Test
    void connectsToListenerV6() throws Exception {
        assumeEpoll();
        InetAddress v6 = v6();
        try (TcpListener s = TcpListener.readingToEnd(v6)) {
            assertConnected(probe(engine, tcp(v6, s.port()).build()), v6, 0);
        }
    }

    @Test
    void closedPortIsRefusedV4() throws Exception {
        int port = TcpListener.closedPort(V4);
        assertRefused(probe(engine, tcp(V4, port).build()), V4);
    }

    @Test
    void closedPortIsRefusedV6() throws Exception {
        InetAddress v6 = v6();
        int port = TcpListener.closedPort(v6);
        assertRefused(probe(engine, tcp(v6, port).build()), v6);
    }

    @Test
    void hostNameIsResolved() throws Exception {
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeOutcome o = probe(engine, ProbeRequest.builder("tcp").target("127.0.0.1").port(s.port()).build());
            assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
        }
    }

    /** The socket options a request can set are accepted by the kernel (wrong option numbers would fail). */
    @Test
    void ttlAndTosAreSetOnBothFamilies() throws Exception {
        assumeEpoll();
        List<InetAddress> targets = new ArrayList<>(List.of(V4));
        if (TcpListener.hasIpv6Loopback()) {
            targets.add(InetAddress.getByName("::1"));
        }
        for (InetAddress t : targets) {
            try (TcpListener s = TcpListener.readingToEnd(t)) {
                ProbeOutcome o = probe(engine, tcp(t, s.port()).option(ProbeOption.TTL, 3)
                        .option(ProbeOption.TOS, 0x10).build());
                assertConnected(o, t, 0);
            }
        }
    }

    @Test
    void sourceAddressIsBound() throws Exception {
        InetAddress src = InetAddress.getByName("127.0.0.2");
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).vantagePoint(VantagePoint.fromAddress(src)).build());
            assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            assertTrue(s.awaitFinished(1, Duration.ofMillis(5000)));
            assertEquals(List.of(src), s.peers());
        }
    }

    @Test
    void interfaceBindingToLoopbackConnects() throws Exception {
        assumeEpoll();
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).vantagePoint(VantagePoint.fromInterface("lo")).build());
            assertConnected(o, V4, 0);
        }
    }

    @Test
    void interfaceThatDoesNotExistIsALocalError() throws Exception {
        assumeEpoll();
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port())
                    .vantagePoint(VantagePoint.fromInterface("nosuchdev0")).build());
            ProbeOutcome.LocalError e = assertInstanceOf(ProbeOutcome.LocalError.class, o, () -> "outcome " + o);
            assertEquals("ENODEV", e.cause().name(), e.toString());
        }
    }

    /**
     * Hidden loss made visible: the listener's accept queue is full, so the kernel drops the probe's first SYN
     * (Linux drops SYNs while the accept queue is over its backlog); once a slot is freed, the SYN retransmitted
     * after the initial 1 s RTO completes the handshake. TCP_INFO's total retransmits must then say 1.
     */
    @Test
    void droppedSynIsCountedAsRetransmit() throws Exception {
        assumeEpoll();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(V4, 0), 1); // accept queue full beyond backlog+1 = 2 connections
            int port = server.getLocalPort();
            try (Socket f1 = new Socket(V4, port); Socket f2 = new Socket(V4, port)) {
                CompletableFuture<ProbeOutcome> pending = engine.probe(tcp(V4, port).build());
                assertTrue(awaitSynSent(port, 5000), "the probe's SYN was not left unanswered");
                server.accept().close(); // frees one slot for the retransmitted SYN
                ProbeOutcome o = pending.get(20, TimeUnit.SECONDS);
                assertConnected(o, V4, 1);
            }
        }
    }

    /** Whether a socket towards {@code port} shows in state SYN-SENT within {@code maxMillis}. */
    private static boolean awaitSynSent(int port, long maxMillis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (System.nanoTime() < end) {
            if (countSockets("02", port) > 0) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }

    /** Client-side IPv4 sockets towards loopback port {@code port} in kernel state {@code hexState} (06 = TIME_WAIT). */
    static int countSockets(String hexState, int port) throws IOException {
        String remotePort = String.format(Locale.ROOT, ":%04X", port);
        int n = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"), StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[2].endsWith(remotePort) && f[3].equals(hexState)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void abortiveCloseLeavesNoTimeWait() throws Exception {
        assertEquals(0, timeWaitsAfterProbes(true, 40));
    }

    /**
     * The check above can fail: a graceful close (the client closes first) leaves the client's sockets in
     * TIME_WAIT. Not necessarily all n: on loopback Linux lets a new connect take over a TIME_WAIT port
     * (net.ipv4.tcp_tw_reuse = 2, the default), so only "some" is certain.
     */
    @Test
    void gracefulCloseLeavesTimeWait() throws Exception {
        int tw = timeWaitsAfterProbes(false, 40);
        assertTrue(tw > 0, "no TIME_WAIT after 40 graceful closes");
    }

    private static int timeWaitsAfterProbes(boolean abortive, int n) throws Exception {
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            for (int i = 0; i < n; i++) {
                ProbeOutcome o = probe(engine, tcp(V4, s.port()).option(TcpOptions.ABORTIVE_CLOSE, abortive).build());
                assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            }
            assertTrue(s.awaitFinished(n, Duration.ofMillis(10_000)), "server finished only " + s.finished() + " of " + n);
            return countSockets("06", s.port());
        }
    }

    @Test
    void bannerIsReadUpToTheByteLimit() throws Exception {
        byte[] greeting = "SSH-2.0-pathprobe_test\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TcpListener s = TcpListener.withBanner(V4, greeting, false)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).option(TcpOptions.BANNER_MILLIS, 3000)
                    .option(TcpOptions.BANNER_BYTES, greeting.length).build());
            TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            assertEquals("SSH-2.0-pathprobe_test\\r\\n", c.banner());
        }
    }

    @Test
    void bannerEndsWhenServerCloses() throws Exception {
        byte[] greeting = "220 ready\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TcpListener s = TcpListener.withBanner(V4, greeting, true)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).option(TcpOptions.BANNER_MILLIS, 3000).build());
            TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            assertEquals("220 ready\\r\\n", c.banner());
        }
    }

    @Test
    void bannerIsCutAtTheByteLimit() throws Exception {
        byte[] greeting = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        try (TcpListener s = TcpListener.withBanner(V4, greeting, false)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).option(TcpOptions.BANNER_MILLIS, 3000)
                    .option(TcpOptions.BANNER_BYTES, 10).build());
            TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            assertEquals("0123456789", c.banner());
        }
    }

    @Test
    void silentServerGivesEmptyBannerAfterTheWait() throws Exception {
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeOutcome o = probe(engine, tcp(V4, s.port()).option(TcpOptions.BANNER_MILLIS, 50).build());
            TcpConnected c = assertInstanceOf(TcpConnected.class, o, () -> "outcome " + o);
            assertEquals("", c.banner());
        }
    }

    /**
     * A refused connect leaves its socket to the loop's next probe (a second connect() dissolved the association):
     * probes one after another on one loop, refused and connected, IPv4 and IPv6, with and without a TTL, each end as
     * they should, and 300 refused ones in a row leave no more open files than the one spare socket.
     */
    @Test
    void aRefusedConnectsSocketServesTheNextProbes() throws Exception {
        assumeEpoll();
        try (ProbeEngine one = ProbeEngine.builder().threads(1).build();
             TcpListener s = TcpListener.readingToEnd(V4)) {
            int closed = TcpListener.closedPort(V4);
            assertRefused(probe(one, tcp(V4, closed).build()), V4); // the loop's set and its first spare
            assertConnected(probe(one, tcp(V4, s.port()).build()), V4, 0);
            assertRefused(probe(one, tcp(V4, closed).build()), V4);
            assertRefused(probe(one, tcp(V4, closed).build()), V4);
            assertConnected(probe(one, tcp(V4, s.port()).option(ProbeOption.TTL, 5).build()), V4, 0);
            assertRefused(probe(one, tcp(V4, closed).option(ProbeOption.TTL, 5).build()), V4);
            assertRefused(probe(one, tcp(V4, closed).build()), V4);
            if (TcpListener.hasIpv6Loopback()) {
                InetAddress v6 = InetAddress.getByName("::1");
                assertRefused(probe(one, tcp(v6, TcpListener.closedPort(v6)).build()), v6);
                assertRefused(probe(one, tcp(V4, closed).build()), V4);
            }
            long fdsBefore = openFiles();
            for (int i = 0; i < 300; i++) {
                assertRefused(probe(one, tcp(V4, closed).build()), V4);
            }
            assertTrue(openFiles() <= fdsBefore + 1, "open files " + openFiles() + ", before " + fdsBefore);
            assertConnected(probe(one, tcp(V4, s.port()).build()), V4, 0);
            assertTrue(s.awaitFinished(3, Duration.ofMillis(10_000)), "server finished " + s.finished() + " of 3");
        }
    }

    /**
     * Many probes in flight at once on both loops, connected and refused: every one ends as it should, none is
     * lost or mixed up, and every socket is closed afterwards: the process's open files return to what they were,
     * but for the one unconnected socket each loop may keep as its spare.
     */
    @Test
    void manyConcurrentProbesAllEndAndCloseTheirSockets() throws Exception {
        int n = 2000;
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            ProbeRequest open = tcp(V4, s.port()).build();
            ProbeRequest closed = tcp(V4, TcpListener.closedPort(V4)).build();
            // Each loop makes its epoll set of connects (one descriptor, kept for the engine's life) on its first
            // probe: let both loops have theirs before counting (probes from this thread alternate between them).
            for (int i = 0; i < 4; i++) {
                probe(engine, closed);
            }
            // A loop keeps a socket refused inside connect() as its spare, and its next probe takes it: whether a
            // loop holds one at either count depends on which of its probes came last. Here the loops usually hold
            // none now and sometimes one each afterwards (a CI run failed on it; 0 of 60 and 6 of 30 repeats here).
            // So spares are counted apart: sockets of this process in none of the kernel's socket tables, which is
            // what an unconnected TCP socket is (so is an unbound UDP socket, such as the engine's own: in both).
            Set<String> unlistedBefore = unlistedSockets();
            long fdsBefore = openFiles() - unlistedBefore.size();
            List<CompletableFuture<ProbeOutcome>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(engine.probe(i % 4 == 3 ? closed : open));
            }
            int connected = 0;
            int refused = 0;
            for (CompletableFuture<ProbeOutcome> f : all) {
                ProbeOutcome o = f.get(30, TimeUnit.SECONDS);
                connected += o instanceof TcpConnected ? 1 : 0;
                refused += o instanceof ProbeOutcome.Refused ? 1 : 0;
            }
            assertEquals(n / 4 * 3, connected);
            assertEquals(n / 4, refused);
            // The test's server holds an fd per connection it has not finished yet: let it finish first.
            assertTrue(s.awaitFinished(connected, Duration.ofMillis(10_000)), "server finished " + s.finished() + " of " + connected);
            // Sockets close in a task after the outcome: wait (bounded) until they are gone.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Set<String> unlisted = unlistedSockets();
            long fds = openFiles() - unlisted.size();
            while ((fds > fdsBefore || newSockets(unlisted, unlistedBefore) > 2) && System.nanoTime() < end) {
                Thread.sleep(10);
                unlisted = unlistedSockets();
                fds = openFiles() - unlisted.size();
            }
            assertTrue(fds <= fdsBefore,
                    "open files but unconnected sockets " + fds + ", before the probes " + fdsBefore);
            int spares = newSockets(unlisted, unlistedBefore);
            assertTrue(spares <= 2, spares + " new unconnected sockets: at most a new spare for each of the 2 loops");
        }
    }

    /**
     * Closing the engine while connects wait in SYN-SENT (towards a listener whose accept queue is full, so the
     * kernel drops their SYNs) ends every probe and closes every socket, the loops' epoll sets included.
     */
    @Test
    void closingTheEngineClosesConnectsInFlight() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(V4, 0), 1); // accept queue full beyond backlog+1 = 2 connections
            int port = server.getLocalPort();
            try (Socket f1 = new Socket(V4, port); Socket f2 = new Socket(V4, port)) {
                long fdsWithListener = openFiles();
                ProbeEngine own = ProbeEngine.builder().threads(2).build();
                List<CompletableFuture<ProbeOutcome>> pending = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    pending.add(own.probe(tcp(V4, port).timeout(Duration.ofSeconds(30)).build()));
                }
                assertTrue(awaitSynSent(port, 5000), "the probes' SYNs were not left unanswered");
                own.close();
                for (CompletableFuture<ProbeOutcome> f : pending) {
                    // ended: with the engine's local error, or exceptionally (the engine closed); never left open
                    assertTrue(f.handle((o, e) -> o == null || o instanceof ProbeOutcome.LocalError)
                            .get(10, TimeUnit.SECONDS), () -> "outcome " + f.join());
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long fds = openFiles();
                while (fds > fdsWithListener && System.nanoTime() < end) {
                    Thread.sleep(10);
                    fds = openFiles();
                }
                assertTrue(fds <= fdsWithListener, "open files " + fds + " after the engine closed, "
                        + fdsWithListener + " before it started");
                assertEquals(0, countSockets("02", port), "sockets left in SYN-SENT");
            }
        }
    }

    /**
     * Sockets this process holds that none of the kernel's tables lists: unconnected TCP sockets (an unbound one,
     * or one whose connect failed, is in no hash table, so not in /proc/net/tcp). Raced by sockets opening or
     * closing while it reads, so a caller looks again until the figure settles.
     *
     * @return their inodes
     */
    private static Set<String> unlistedSockets() throws IOException {
        Set<String> listed = new HashSet<>();
        // the inode's column in each table's lines (after splitting on blanks)
        Map<String, Integer> tables = Map.of("tcp", 9, "tcp6", 9, "udp", 9, "udp6", 9, "raw", 9, "raw6", 9,
                "icmp", 9, "icmp6", 9, "unix", 6, "netlink", 9);
        for (Map.Entry<String, Integer> t : tables.entrySet()) {
            Path table = Path.of("/proc/net", t.getKey());
            if (!Files.exists(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > t.getValue()) {
                    listed.add(f[t.getValue()]);
                }
            }
        }
        Set<String> unlisted = new HashSet<>();
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) files::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                String inode = target.startsWith("socket:[") ? target.substring(8, target.length() - 1) : null;
                if (inode != null && !listed.contains(inode)) {
                    unlisted.add(inode);
                }
            }
        }
        return unlisted;
    }

    private static int newSockets(Set<String> now, Set<String> before) {
        int n = 0;
        for (String inode : now) {
            n += before.contains(inode) ? 0 : 1;
        }
        return n;
    }

    private static long openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }
}
