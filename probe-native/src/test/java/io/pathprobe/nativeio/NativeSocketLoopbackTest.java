package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.AF_INET6;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback only (127.0.0.1, ::1); needs no privileges. */
class NativeSocketLoopbackTest {
    private static final int DGRAM = SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
    private static final long WAIT_NANOS = 2_000_000_000L;

    @BeforeAll
    static void nativeLayerLoads() {
        assertTrue(NativeIo.support().supported(), NativeIo.support().message());
    }

    private static InetSocketAddress loopback(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /** A port nothing listens on: bind an ephemeral one, note it, close it. */
    private static int closedUdpPort(int family, String ip) throws Exception {
        try (NativeSocket s = NativeSocket.open(family, DGRAM, 0)) {
            s.bind(loopback(ip, 0));
            return s.localAddress().getPort();
        }
    }

    /** Polls (10 ms steps, 2 s at most) until the error queue yields an entry. */
    private static Optional<SocketError> awaitError(ErrorQueue queue, int fd) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        do {
            Optional<SocketError> e = queue.next(fd);
            if (e.isPresent()) {
                return e;
            }
            NativeSocket.poll(fd, 0, 10); // POLLERR is always reported
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    private static void assertPortUnreachable(int family, String ip, int level, int option, int origin, int type,
            int code) throws Exception {
        int port = closedUdpPort(family, ip);
        InetSocketAddress target = loopback(ip, port);
        byte[] payload = ("pathprobe error queue " + ip).getBytes(StandardCharsets.US_ASCII);
        ErrorQueue queue = new ErrorQueue(ErrorQueue.DEFAULT_PAYLOAD_CAPACITY);
        try (NativeSocket s = NativeSocket.open(family, DGRAM, 0)) {
            s.setInt(level, option, 1);
            assertEquals(Optional.empty(), queue.next(s.fd()), "nothing queued before sending");
            assertEquals(payload.length, s.sendTo(payload, 0, payload.length, target));
            SocketError e = awaitError(queue, s.fd()).orElseThrow(
                    () -> new AssertionError("no error queued within 2 s for a datagram to closed port " + target));
            assertEquals(origin, e.origin());
            assertEquals(type, e.icmpType());
            assertEquals(code, e.icmpCode());
            assertEquals(SocketConstants.ECONNREFUSED, e.errno());
            assertEquals("ECONNREFUSED", NativeIo.errnoName(e.errno()));
            assertTrue(e.isIcmp());
            assertEquals(InetAddress.getByName(ip), e.offender());
            assertArrayEquals(payload, e.quotedPayload());
            assertEquals(target, queue.lastDestination());
            assertEquals(Optional.empty(), queue.next(s.fd()), "the one entry was consumed");
        }
    }

    @Test
    void ipv4PortUnreachableArrivesOnTheErrorQueue() throws Exception {
        assertPortUnreachable(AF_INET, "127.0.0.1", SocketConstants.SOL_IP, SocketConstants.IP_RECVERR,
                SocketConstants.SO_EE_ORIGIN_ICMP, 3, 3);
    }

    @Test
    void ipv6PortUnreachableArrivesOnTheErrorQueue() throws Exception {
        assumeIpv6Loopback();
        assertPortUnreachable(AF_INET6, "::1", SocketConstants.SOL_IPV6, SocketConstants.IPV6_RECVERR,
                SocketConstants.SO_EE_ORIGIN_ICMP6, 1, 4);
    }

    private static void assumeIpv6Loopback() throws Exception {
        try (NativeSocket s = NativeSocket.open(AF_INET6, DGRAM, 0)) {
            s.bind(loopback("::1", 0));
        } catch (NativeIoException e) {
            Assumptions.abort("::1 is not usable on this host (" + e.getMessage() + ")");
        }
    }

    @Test
    void sendsAfterAnIcmpErrorStillGoOutAndEveryErrorIsQueued() throws Exception {
        int port = closedUdpPort(AF_INET, "127.0.0.1");
        try (NativeSocket s = NativeSocket.open(AF_INET, DGRAM, 0)) {
            s.enableErrorQueue();
            InetSocketAddress target = loopback("127.0.0.1", port);
            assertEquals(1, s.sendTo(new byte[] {42}, 0, 1, target));
            awaitPollErr(s.fd());
            // The kernel would report the first datagram's ECONNREFUSED as this call's result; sendTo retries.
            assertEquals(1, s.sendTo(new byte[] {43}, 0, 1, target));
            awaitPollErr(s.fd());
            // Same for a receive: it reports "nothing to read", not the pending error.
            assertEquals(-SocketConstants.EAGAIN, s.receive(ByteBuffer.allocate(8), SocketConstants.MSG_DONTWAIT));
            long deadline = System.nanoTime() + WAIT_NANOS;
            List<SocketError> all = new ArrayList<>();
            while (all.size() < 2 && System.nanoTime() < deadline) {
                all.addAll(ErrorQueue.drainAll(s.fd()));
                NativeSocket.poll(s.fd(), 0, 10);
            }
            assertEquals(2, all.size(), "two datagrams, two port unreachables: " + all);
            assertArrayEquals(new byte[] {42}, all.get(0).quotedPayload());
            assertArrayEquals(new byte[] {43}, all.get(1).quotedPayload());
            assertEquals(Optional.empty(), ErrorQueue.read(s.fd()));
            assertEquals(0, NativeSocket.poll(s.fd(), 0, 0), "no error left pending");
        }
    }

    /** The kernel behaviour the retry exists for, seen on a raw fd whose option the socket object did not track. */
    @Test
    void kernelHandsAPendingErrorToTheNextSend() throws Exception {
        int port = closedUdpPort(AF_INET, "127.0.0.1");
        try (NativeSocket s = NativeSocket.open(AF_INET, DGRAM, 0)) {
            NativeSocket.setInt(s.fd(), SocketConstants.SOL_IP, SocketConstants.IP_RECVERR, 1);
            InetSocketAddress target = loopback("127.0.0.1", port);
            s.sendTo(new byte[] {1}, 0, 1, target);
            awaitPollErr(s.fd());
            NativeIoException e = assertThrows(NativeIoException.class, () -> s.sendTo(new byte[] {2}, 0, 1, target));
            assertEquals(SocketConstants.ECONNREFUSED, e.errno());
            SocketError queued = ErrorQueue.read(s.fd()).orElseThrow();
            assertArrayEquals(new byte[] {1}, queued.quotedPayload(), "the error is still in the queue");
        }
    }

    private static void awaitPollErr(int fd) throws Exception {
        int revents = NativeSocket.poll(fd, 0, 2000);
        assertTrue((revents & SocketConstants.POLLERR) != 0, "port unreachable should arrive within 2 s");
    }

    @Test
    void datagramsRoundTripWithSender() throws Exception {
        try (NativeSocket receiver = NativeSocket.open(AF_INET, DGRAM, 0);
                NativeSocket sender = NativeSocket.open(AF_INET, DGRAM, 0)) {
            receiver.bind(loopback("127.0.0.1", 0));
            sender.bind(loopback("127.0.0.1", 0));
            InetSocketAddress to = receiver.localAddress();
            ByteBuffer into = ByteBuffer.allocateDirect(64);
            assertNull(receiver.receiveFrom(into), "nothing waiting yet");
            assertEquals(-SocketConstants.EAGAIN, receiver.receive(into, SocketConstants.MSG_DONTWAIT));

            ByteBuffer direct = ByteBuffer.allocateDirect(16);
            direct.put(new byte[] {9, 9, 1, 2, 3}).flip().position(2); // sends from the position
            assertEquals(3, sender.sendTo(direct, to));
            assertEquals(5, direct.position());
            byte[] arr = {7, 7, 4, 5};
            assertEquals(2, sender.sendTo(arr, 2, 2, to)); // from an offset
            ByteBuffer heap = ByteBuffer.wrap(new byte[] {6});
            assertEquals(1, sender.sendTo(heap, to));

            assertArrayEquals(new byte[] {1, 2, 3}, receiveOne(receiver, into, sender.localAddress()));
            assertArrayEquals(new byte[] {4, 5}, receiveOne(receiver, into, sender.localAddress()));
            ByteBuffer heapInto = ByteBuffer.allocate(8);
            heapInto.position(3);
            awaitReadable(receiver);
            assertEquals(sender.localAddress(), receiver.receiveFrom(heapInto));
            assertEquals(4, heapInto.position());
            assertEquals(6, heapInto.get(3));
        }
    }

    private static void awaitReadable(NativeSocket s) throws Exception {
        int revents = NativeSocket.poll(s.fd(), SocketConstants.POLLIN, 2000);
        assertTrue((revents & SocketConstants.POLLIN) != 0, "datagram should arrive on loopback within 2 s");
    }

    private static byte[] receiveOne(NativeSocket receiver, ByteBuffer into, InetSocketAddress from)
            throws Exception {
        awaitReadable(receiver);
        into.clear();
        InetSocketAddress sender = receiver.receiveFrom(into);
        assertEquals(from, sender);
        into.flip();
        byte[] out = new byte[into.remaining()];
        into.get(out);
        return out;
    }

    @Test
    void optionsRoundTripAlsoThroughRawFd() throws Exception {
        try (NativeSocket s = NativeSocket.open(AF_INET, DGRAM, 0)) {
            s.setInt(SocketConstants.SOL_IP, SocketConstants.IP_TTL, 7);
            assertEquals(7, s.getInt(SocketConstants.SOL_IP, SocketConstants.IP_TTL));
            NativeSocket.setInt(s.fd(), SocketConstants.SOL_IP, SocketConstants.IP_TOS, 0x10);
            assertEquals(0x10, NativeSocket.getInt(s.fd(), SocketConstants.SOL_IP, SocketConstants.IP_TOS));
            assertEquals(SOCK_DGRAM, s.getInt(SocketConstants.SOL_SOCKET, 3 /* SO_TYPE */));
        }
    }

    @Test
    void failuresCarryErrnoAndName() throws Exception {
        NativeSocket s = NativeSocket.open(AF_INET, DGRAM, 0);
        try {
            // 192.0.2.1 (TEST-NET-1) is never a local address; bind sends nothing.
            NativeIoException e = assertThrows(NativeIoException.class, () -> s.bind(loopback("192.0.2.1", 0)));
            assertEquals(SocketConstants.EADDRNOTAVAIL, e.errno());
            assertEquals("EADDRNOTAVAIL", e.errnoName());
            assertTrue(e.getMessage().startsWith("bind 192.0.2.1:0: EADDRNOTAVAIL ("), e.getMessage());
            NativeIoException opt = assertThrows(NativeIoException.class,
                    () -> s.setInt(SocketConstants.SOL_IP, 9999, 1));
            assertEquals(SocketConstants.ENOPROTOOPT, opt.errno());
        } finally {
            s.close();
        }
        assertFalse(s.isOpen());
        s.close(); // a second close does nothing
        assertEquals(SocketConstants.EBADF,
                assertThrows(NativeIoException.class, () -> s.getInt(SocketConstants.SOL_IP, 2)).errno());
        assertEquals(SocketConstants.EBADF, assertThrows(NativeIoException.class,
                () -> NativeSocket.getInt(-1, SocketConstants.SOL_IP, SocketConstants.IP_TTL)).errno());
        assertEquals(SocketConstants.EBADF,
                assertThrows(NativeIoException.class, () -> ErrorQueue.read(-1)).errno());
        assertThrows(IllegalArgumentException.class, () -> NativeSocket.open(1, DGRAM, 0));
    }

    @Test
    void emptySocketPollsNothing() throws Exception {
        try (NativeSocket s = NativeSocket.open(AF_INET, DGRAM, 0)) {
            s.bind(loopback("127.0.0.1", 0));
            assertEquals(0, NativeSocket.poll(s.fd(), SocketConstants.POLLIN, 0));
            assertEquals(SocketConstants.POLLOUT, NativeSocket.poll(s.fd(), SocketConstants.POLLOUT, 0));
        }
    }

    @Test
    void errnoNamesAndTexts() {
        assertEquals("ECONNREFUSED", NativeIo.errnoName(111));
        assertEquals("Connection refused", NativeIo.strerror(111));
        assertEquals("EHOSTUNREACH", NativeIo.errnoName(113));
        assertNotNull(NativeIo.errnoName(99999));
    }

    @Test
    void missingNamespaceIsAClearUserError() {
        String name = "pp-nt-missing-" + Long.toHexString(System.nanoTime());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkNamespaces.enterOnThisThread(name));
        assertEquals("no network namespace " + name + ": create it with 'ip netns add " + name + "'",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NetworkNamespaces.threadFactory(name, Thread::new));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespaces.enterOnThisThread("../etc"));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespaces.enterOnThisThread(""));
    }
}
