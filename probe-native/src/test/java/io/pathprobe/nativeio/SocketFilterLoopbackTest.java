package io.pathprobe.nativeio;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NativeSocket#attachFilter}: a classic BPF program really decides what a (UDP, loopback) socket keeps. */
class SocketFilterLoopbackTest {
    private static final int[] DROP_ALL = {0x06, 0, 0, 0};
    /** A = first payload byte (UDP sockets' filters see the datagram from the UDP header: skip its 8 bytes). */
    private static final int[] KEEP_ODD_FIRST_BYTE = {
        0x30, 0, 0, 8,      // A = packet[8]
        0x54, 0, 0, 1,      // A &= 1
        0x15, 0, 1, 1,      // odd? keep : drop
        0x06, 0, 0, -1,
        0x06, 0, 0, 0,
    };

    @Test
    void aFilterDropsWhatItReturnsZeroFor() throws Exception {
        try (NativeSocket s = NativeSocket.open(SocketConstants.AF_INET,
                SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC, 0)) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress self = s.localAddress();
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            s.attachFilter(DROP_ALL);
            s.sendTo(new byte[] {1}, 0, 1, self);
            assertTrue(s.receive(in, SocketConstants.MSG_DONTWAIT) < 0, "dropped by the filter");
            s.attachFilter(KEEP_ODD_FIRST_BYTE); // replaces the first
            s.sendTo(new byte[] {2}, 0, 1, self);
            s.sendTo(new byte[] {3}, 0, 1, self);
            in.clear();
            assertEquals(1, s.receive(in, SocketConstants.MSG_DONTWAIT));
            assertEquals(3, in.get(0), "the even one was dropped, the odd one kept");
            in.clear();
            assertTrue(s.receive(in, SocketConstants.MSG_DONTWAIT) < 0);
        }
    }

    @Test
    void refusesAMalformedProgram() throws Exception {
        try (NativeSocket s = NativeSocket.open(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0)) {
            assertThrows(IllegalArgumentException.class, () -> s.attachFilter(new int[] {0x06, 0, 0}));
            NativeIoException e = assertThrows(NativeIoException.class,
                    () -> s.attachFilter(new int[] {0x15, 9, 9, 0}), "jumps out of the program");
            assertEquals(SocketConstants.EINVAL, e.errno());
        }
    }
}
