package io.pathprobe.icmp.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Transport;
import io.pathprobe.core.internal.Privileges;
import io.pathprobe.core.internal.nativeio.NetworkNamespaces;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.icmp.IcmpSocketMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ping sockets and ICMP errors in a lab of two network namespaces this test creates and deletes: "host" (where
 * the prober's event loop runs; ping_group_range opened there only) and "router" (forwards to a dead-end network,
 * has unreachable and prohibit routes). The prober runs on an event loop whose thread lives in "host" — the engine
 * cannot be placed in a namespace yet (ProbeEngine.Builder.networkNamespace is not on main), so the test drives
 * the prober with a minimal ProbeCall instead of the engine.
 *
 * <pre>
 *  host: a0 10.1.0.1/24, default via 10.1.0.2     router: r0 10.1.0.2/24, d0 (dummy) 10.2.0.1/24,
 *                                                          d0-d1 veth dead end, unreachable 10.3.0.0/24,
 *                                                          prohibit 10.4.0.0/24
 * </pre>
 */
@Tag("netns")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IcmpNamespaceLabTest {
    private static final String HOST = "ppicmp-h" + ProcessHandle.current().pid();
    private static final String ROUTER = "ppicmp-r" + ProcessHandle.current().pid();
    private static IoEventLoopGroup group;
    private static IcmpProber prober;

    @BeforeAll
    static void lab() throws Exception {
        assumeTrue(Privileges.isRoot(), "network namespaces need root: run the tests as root");
        sh("ip", "netns", "add", HOST);
        sh("ip", "netns", "add", ROUTER);
        sh("ip", "-n", HOST, "link", "add", "a0", "type", "veth", "peer", "name", "r0", "netns", ROUTER);
        sh("ip", "-n", HOST, "link", "set", "lo", "up");
        sh("ip", "-n", HOST, "addr", "add", "10.1.0.1/24", "dev", "a0");
        sh("ip", "-n", HOST, "link", "set", "a0", "up");
        sh("ip", "-n", HOST, "route", "add", "default", "via", "10.1.0.2");
        sh("ip", "netns", "exec", HOST, "sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
        sh("ip", "-n", ROUTER, "link", "set", "lo", "up");
        sh("ip", "-n", ROUTER, "addr", "add", "10.1.0.2/24", "dev", "r0");
        sh("ip", "-n", ROUTER, "link", "set", "r0", "up");
        // A dead end: d0 leads to d1 (both in the router, d1 without addresses); 10.2.0.9 has a MAC nobody owns,
        // so forwarded packets leave d0 and are dropped at d1 without an answer.
        sh("ip", "-n", ROUTER, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        sh("ip", "-n", ROUTER, "addr", "add", "10.2.0.1/24", "dev", "d0");
        sh("ip", "-n", ROUTER, "link", "set", "d0", "up");
        sh("ip", "-n", ROUTER, "link", "set", "d1", "up");
        sh("ip", "-n", ROUTER, "neigh", "add", "10.2.0.9", "lladdr", "02:00:00:00:00:09", "dev", "d0", "nud", "permanent");
        sh("ip", "-n", ROUTER, "route", "add", "unreachable", "10.3.0.0/24");
        sh("ip", "-n", ROUTER, "route", "add", "prohibit", "10.4.0.0/24");
        sh("ip", "netns", "exec", ROUTER, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        // Routers rate-limit ICMP errors per destination (a burst of 6, then 1/s): off, so every probe gets its error.
        sh("ip", "netns", "exec", ROUTER, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        group = new MultiThreadIoEventLoopGroup(1,
                NetworkNamespaces.threadFactory(HOST, new DefaultThreadFactory("icmp-lab", true)),
                EpollIoHandler.newFactory());
        prober = new IcmpProber(new ProberContext() {
            @Override
            public IoEventLoopGroup group() {
                return group;
            }

            @Override
            public Transport transport() {
                return Transport.EPOLL;
            }

            @Override
            public Class<? extends SocketChannel> socketChannelClass() {
                return EpollSocketChannel.class;
            }

            @Override
            public Class<? extends DatagramChannel> datagramChannelClass() {
                return EpollDatagramChannel.class;
            }
        });
    }

    @AfterAll
    static void teardown() throws Exception {
        if (prober != null) {
            prober.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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

    /** The engine's side of one probe, reduced to what a prober uses. */
    static final class Call implements ProbeCall {
        final ProbeRequest request;
        final EventLoop loop;
        final CompletableFuture<ProbeOutcome> outcome = new CompletableFuture<>();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger late = new AtomicInteger();

        Call(ProbeRequest request, EventLoop loop) {
            this.request = request;
            this.loop = loop;
        }

        @Override
        public ProbeRequest request() {
            return request;
        }

        @Override
        public InetAddress address() {
            return request.address();
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public boolean complete(ProbeOutcome o) {
            return outcome.complete(o);
        }

        @Override
        public boolean isDone() {
            return outcome.isDone();
        }

        @Override
        public void onAbort(Runnable action) {
        }

        @Override
        public long startNanos() {
            return 0;
        }

        @Override
        public void reportDuplicate() {
            duplicates.incrementAndGet();
        }

        @Override
        public void reportLate(long rttNanos) {
            late.incrementAndGet();
        }
    }

    private static Call start(ProbeRequest r) {
        EventLoop loop = (EventLoop) group.next();
        Call c = new Call(r, loop);
        prober.validate(r);
        loop.execute(() -> prober.start(c)); // the engine starts probes on their loop, too
        return c;
    }

    private static ProbeRequest.Builder req(String target, IcmpSocketMode mode) throws Exception {
        return ProbeRequest.builder("icmp").target(InetAddress.getByName(target))
                .option(IcmpOptions.SOCKET_MODE, mode).timeout(Duration.ofMillis(500));
    }

    private static ProbeOutcome probe(ProbeRequest r) throws Exception {
        return start(r).outcome.get(10, TimeUnit.SECONDS);
    }

    @Test
    void pingSocketRepliesWithTtlFromTheControlMessage() throws Exception {
        for (String target : new String[] {"127.0.0.1", "::1", "10.1.0.2"}) {
            ProbeOutcome.Reply r = assertInstanceOf(ProbeOutcome.Reply.class,
                    probe(req(target, IcmpSocketMode.DGRAM).build()), target);
            assertEquals(InetAddress.getByName(target), r.responder());
            assertEquals(64, r.bytes());
            assertEquals(64, r.ttl(), "IP_RECVTTL / IPV6_RECVHOPLIMIT");
        }
    }

    @Test
    void manyPingSocketProbesAllAnswered() throws Exception {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            calls.add(start(req("127.0.1." + (1 + i % 254), IcmpSocketMode.DGRAM).build()));
        }
        for (Call c : calls) {
            assertInstanceOf(ProbeOutcome.Reply.class, c.outcome.get(30, TimeUnit.SECONDS));
            assertEquals(0, c.duplicates.get());
        }
    }

    @Test
    void ttlExceededFromTheRouterInBothModes() throws Exception {
        for (IcmpSocketMode mode : new IcmpSocketMode[] {IcmpSocketMode.DGRAM, IcmpSocketMode.RAW}) {
            ProbeOutcome o = probe(req("10.2.0.9", mode).option(ProbeOption.TTL, 1).build());
            ProbeOutcome.TtlExceeded t = assertInstanceOf(ProbeOutcome.TtlExceeded.class, o, mode.name());
            assertEquals(InetAddress.getByName("10.1.0.2"), t.responder(), mode.name());
            assertEquals(0, t.icmpCode(), "TTL exceeded in transit");
        }
    }

    @Test
    void unreachableAndProhibitedFromTheRouterInBothModes() throws Exception {
        for (IcmpSocketMode mode : new IcmpSocketMode[] {IcmpSocketMode.DGRAM, IcmpSocketMode.RAW}) {
            ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class,
                    probe(req("10.3.0.9", mode).build()), mode.name());
            assertEquals(InetAddress.getByName("10.1.0.2"), u.responder());
            assertEquals(3, u.icmpType());
            assertTrue(u.icmpCode() == 0 || u.icmpCode() == 1, "net or host unreachable: " + u.icmpCode());
            ProbeOutcome.Unreachable p = assertInstanceOf(ProbeOutcome.Unreachable.class,
                    probe(req("10.4.0.9", mode).build()), mode.name());
            assertEquals(13, p.icmpCode(), "communication administratively prohibited: " + p.describe());
        }
    }

    @Test
    void silenceTimesOut() throws Exception {
        // The router forwards to its dead-end veth, where the frames are dropped.
        for (IcmpSocketMode mode : new IcmpSocketMode[] {IcmpSocketMode.DGRAM, IcmpSocketMode.RAW}) {
            ProbeOutcome o = probe(req("10.2.0.9", mode).timeout(Duration.ofMillis(200)).build());
            assertEquals(Duration.ofMillis(200).toNanos(), assertInstanceOf(ProbeOutcome.TimedOut.class, o).timeoutNanos());
        }
    }
}
