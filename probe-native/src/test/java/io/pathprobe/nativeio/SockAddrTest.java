package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import jnr.ffi.Pointer;

class SockAddrTest {

    @Test
    void encodesIpv4InNetworkOrderWithHostOrderFamily() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 8080);
        byte[] sa = SockAddr.encode(a);
        assertArrayEquals(new byte[] {2, 0, 0x1f, (byte) 0x90, (byte) 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0}, sa);
        assertEquals(a, SockAddr.decode(sa, 0, sa.length));
    }

    @Test
    void encodesIpv6WithScopeId() throws Exception {
        byte[] raw = new byte[16];
        raw[0] = (byte) 0xfe;
        raw[1] = (byte) 0x80;
        raw[15] = 1;
        Inet6Address ip = Inet6Address.getByAddress(null, raw, 0x01020304);
        InetSocketAddress a = new InetSocketAddress(ip, 443);
        byte[] sa = SockAddr.encode(a);
        assertEquals(SockAddr.IPV6_SIZE, sa.length);
        assertEquals(10, sa[0]);
        assertEquals(0, sa[1]);
        assertEquals(0x01, sa[2]);
        assertEquals((byte) 0xbb, sa[3]);
        for (int i = 4; i < 8; i++) {
            assertEquals(0, sa[i], "flowinfo byte " + i);
        }
        byte[] addr = new byte[16];
        System.arraycopy(sa, 8, addr, 0, 16);
        assertArrayEquals(raw, addr);
        assertArrayEquals(new byte[] {4, 3, 2, 1}, new byte[] {sa[24], sa[25], sa[26], sa[27]}, "scope id, LE");

        InetSocketAddress back = SockAddr.decode(sa, 0, sa.length);
        assertEquals(443, back.getPort());
        Inet6Address backIp = assertInstanceOf(Inet6Address.class, back.getAddress());
        assertEquals(0x01020304, backIp.getScopeId());
        assertArrayEquals(raw, backIp.getAddress());
    }

    @Test
    void ipv4ForAnIpv6SocketBecomesMapped() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53);
        byte[] sa = SockAddr.encode(a, SocketConstants.AF_INET6);
        assertEquals(28, sa.length);
        assertEquals((byte) 0xff, sa[18]);
        assertEquals((byte) 0xff, sa[19]);
        assertEquals(127, sa[20]);
        assertEquals(1, sa[23]);
        InetSocketAddress back = SockAddr.decode(sa, 0, sa.length);
        assertInstanceOf(Inet4Address.class, back.getAddress());
        assertEquals(a, back);
    }

    @Test
    void decodesAtAnOffset() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 65535);
        byte[] buf = new byte[40];
        int n = SockAddr.encode(a, SocketConstants.AF_INET, buf, 7);
        assertEquals(16, n);
        assertEquals(a, SockAddr.decode(buf, 7, n));
    }

    @Test
    void rejectsWhatCannotBeEncoded() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(v6, SocketConstants.AF_INET));
        assertTrue(e.getMessage().contains("IPv4 socket"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(InetSocketAddress.createUnresolved("example.invalid", 1)));
        assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1),
                        SocketConstants.AF_INET, new byte[20], 5));
    }

    @Test
    void garbageDecodesToNull() {
        assertNull(SockAddr.decode(new byte[16], 0, 16), "AF_UNSPEC");
        assertNull(SockAddr.decode(new byte[] {2, 0, 0, 1, 127}, 0, 5), "sockaddr_in cut short");
        assertNull(SockAddr.decode(new byte[] {10, 0, 0, 1, 0, 0, 0, 0, 0, 0}, 0, 10), "sockaddr_in6 cut short");
        assertNull(SockAddr.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0}, 0, 4), "unknown family");
        assertNull(SockAddr.decode((byte[]) null, 0, 16));
        assertNull(SockAddr.decode(new byte[16], 16, 16), "offset at the end");
        assertNull(SockAddr.decode(new byte[16], -1, 16), "negative offset");
        byte[] v4 = {2, 0, 0, 7, 127, 0, 0, 1};
        assertEquals(new InetSocketAddress("127.0.0.1", 7), SockAddr.decode(v4, 0, 100),
                "a length beyond the array is clamped to it");
    }

    @Test
    void roundTripsThroughNativeMemory() throws Exception {
        Pointer p = NativeIo.allocate(64);
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 33434);
        int n = SockAddr.encode(a, SocketConstants.AF_INET6, p, 8);
        assertEquals(28, n);
        assertEquals(a, SockAddr.decode(p, 8, n));
    }
}
