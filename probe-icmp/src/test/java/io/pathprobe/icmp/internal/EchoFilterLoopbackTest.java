package io.pathprobe.icmp.internal;

import io.pathprobe.nativeio.Privileges;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.SocketConstants;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The echo filter on a real raw socket: echo requests to 127.0.0.1 with the lane's identifier and with another; the
 * socket keeps the reply to its own identifier (and the looped-back requests, which are no replies) only.
 */
class EchoFilterLoopbackTest {
    @Test
    void aRawSocketKeepsOnlyRepliesToItsIdentifiers() throws Exception {
        assumeTrue(Privileges.isRoot(), "raw ICMP sockets need root (or CAP_NET_RAW): run the tests as root");
        int base = 0x7000 + (int) (System.nanoTime() & 0xfff);
        try (NativeSocket s = NativeSocket.open(SocketConstants.AF_INET, SocketConstants.SOCK_RAW
                | SocketConstants.SOCK_CLOEXEC, SocketConstants.IPPROTO_ICMP)) {
            s.attachFilter(EchoFilter.program(false, base, 2));
            ByteBuffer in = ByteBuffer.allocateDirect(256);
            // What arrived between socket() and the filter was queued unfiltered: any other program's ICMP on this
            // loopback (a flood ping in another test JVM sent dozens in that window). Only later packets are the
            // filter's to judge, so those go first (bounded: a receive buffer holds far fewer).
            for (int i = 0; i < 100_000; i++) {
                in.clear();
                if (s.receive(in, SocketConstants.MSG_DONTWAIT) < 0) {
                    break;
                }
            }
            InetSocketAddress lo = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            ByteBuffer out = ByteBuffer.allocate(8 + 16);
            for (int id : new int[] {base + 1, base + 2, base}) { // ours, another's, ours
                int len = IcmpCodec.encodeEchoRequest(out, 0, false, id, 1, 42, 0, 16, new byte[0]);
                s.sendTo(out.array(), 0, len, lo);
            }
            List<Integer> replies = new ArrayList<>();
            IcmpMessage m = new IcmpMessage();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (replies.size() < 2 && System.nanoTime() < deadline) {
                if (NativeSocket.poll(s.fd(), 1 /* POLLIN */, 100) <= 0) {
                    continue;
                }
                in.clear();
                int n = s.receive(in, SocketConstants.MSG_DONTWAIT);
                if (n > 0 && IcmpCodec.parseIpv4(in, 0, n, m) && m.kind() == IcmpMessage.Kind.ECHO_REPLY) {
                    replies.add(m.id());
                }
            }
            // Wait a little longer for the reply the filter should have dropped, so its absence means something.
            long extra = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < extra) {
                if (NativeSocket.poll(s.fd(), 1, 50) > 0) {
                    in.clear();
                    int n = s.receive(in, SocketConstants.MSG_DONTWAIT);
                    if (n > 0 && IcmpCodec.parseIpv4(in, 0, n, m) && m.kind() == IcmpMessage.Kind.ECHO_REPLY) {
                        replies.add(m.id());
                    }
                }
            }
            assertEquals(List.of(base + 1, base), replies);
        }
    }
}
