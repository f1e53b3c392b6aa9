package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.SocketConstants.ECONNREFUSED;
import static io.pathprobe.nativeio.SocketConstants.EINPROGRESS;
import static io.pathprobe.nativeio.SocketConstants.EISCONN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connect() that keeps its destination encoded between calls: each connect must still go where it was told,
 * whether the address, the port or the family changed since the last. Real sockets on loopback only.
 */
class EpollConnectsLoopbackTest {
    @BeforeAll
    static void nativeLayerLoads() {
        assertTrue(NativeIo.support().supported(), NativeIo.support().message());
    }

    @Test
    void eachConnectReachesTheAddressAndPortItNames() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2"); // all of 127/8 is on lo
        try (EpollConnects set = EpollConnects.open(8);
             ServerSocket a1 = listener(one); ServerSocket a2 = listener(one); ServerSocket b = listener(two)) {
            // Same address, other port; another address; back to the first with an equal but other instance.
            reaches(set, one, a1, false);
            reaches(set, one, a2, false);
            reaches(set, two, b, false);
            reaches(set, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), a1, false);
            // A refused port between two that listen: the port is written each time, not only the address.
            assertEquals(ECONNREFUSED, refusal(set, one, closedPort(one), false));
            reaches(set, one, a2, false);
        }
    }

    @Test
    void theFamilyChangesTheEncodingToo() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6;
        try (ServerSocket probe = new ServerSocket()) {
            v6 = InetAddress.getByName("::1");
            try {
                probe.bind(new InetSocketAddress(v6, 0));
            } catch (java.io.IOException e) {
                Assumptions.abort("no IPv6 loopback here (" + e.getMessage() + ")");
            }
        }
        try (EpollConnects set = EpollConnects.open(8); ServerSocket four = listener(v4);
             ServerSocket six = listener(v6); ServerSocket dual = new ServerSocket()) {
            dual.bind(new InetSocketAddress(InetAddress.getByName("::"), 0)); // takes IPv4-mapped connects too
            dual.setSoTimeout(5_000);
            reaches(set, v4, four, false);
            reaches(set, v6, six, true);
            // The IPv4 address again, on an IPv6 socket: the mapped form ::ffff:127.0.0.1, not the last encoding.
            reaches(set, v4, dual, true);
            reaches(set, v4, four, false);
        }
    }

    /** Connects a new socket of {@code set} to {@code ip} at {@code listener}'s port and checks it was accepted there. */
    private static void reaches(EpollConnects set, InetAddress ip, ServerSocket listener, boolean v6) throws Exception {
        int fd = set.tcpSocket(v6);
        assertTrue(fd >= 0, "socket: errno " + -fd);
        try {
            int errno = set.connect(fd, ip, listener.getLocalPort(), v6);
            assertTrue(errno == 0 || errno == EINPROGRESS, "connect: errno " + errno);
            try (Socket accepted = listener.accept()) {
                assertEquals(listener.getLocalPort(), accepted.getLocalPort());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("connect to " + ip.getHostAddress() + " port " + listener.getLocalPort()
                        + " never reached that listener", e);
            }
            int again = set.connect(fd, ip, listener.getLocalPort(), v6);
            assertTrue(again == 0 || again == EISCONN, "the same connect again: errno " + again);
        } finally {
            set.close(fd);
        }
    }

    /** The second connect()'s answer for a port nothing listens on (loopback answers inside the first). */
    private static int refusal(EpollConnects set, InetAddress ip, int port, boolean v6) {
        int fd = set.tcpSocket(v6);
        assertTrue(fd >= 0, "socket: errno " + -fd);
        try {
            int first = set.connect(fd, ip, port, v6);
            return first == EINPROGRESS ? set.connect(fd, ip, port, v6) : first;
        } finally {
            set.close(fd);
        }
    }

    private static ServerSocket listener(InetAddress ip) throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(ip, 0));
        s.setSoTimeout(5_000);
        return s;
    }

    private static int closedPort(InetAddress ip) throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(ip, 0));
            return s.getLocalPort();
        }
    }
}
