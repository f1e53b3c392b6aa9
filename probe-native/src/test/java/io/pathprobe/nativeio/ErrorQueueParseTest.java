package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The control-message parser on hand-built bytes, laid out as the kernel writes them on 64-bit Linux. */
class ErrorQueueParseTest {
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5};

    /** One cmsg: 8-byte LE length, LE level, LE type, data, padded to 8. */
    private static byte[] cmsg(int level, int type, byte[] data) {
        int len = 16 + data.length;
        byte[] out = new byte[NativeLayout.cmsgAlign(len)];
        Bytes.putLongLE(out, 0, len);
        Bytes.putIntLE(out, 8, level);
        Bytes.putIntLE(out, 12, type);
        System.arraycopy(data, 0, out, 16, data.length);
        return out;
    }

    private static byte[] extendedErr(int errno, int origin, int type, int code, int info, byte[] offender) {
        byte[] ee = new byte[16 + offender.length];
        Bytes.putIntLE(ee, 0, errno);
        ee[4] = (byte) origin;
        ee[5] = (byte) type;
        ee[6] = (byte) code;
        Bytes.putIntLE(ee, 8, info);
        Bytes.putIntLE(ee, 12, 0);
        System.arraycopy(offender, 0, ee, 16, offender.length);
        return ee;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void parsesIpv4PortUnreachable() throws Exception {
        byte[] offender = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        byte[] control = cmsg(0, 11, extendedErr(111, 2, 3, 3, 0, offender));
        assertEquals(48, control.length);
        SocketError e = ErrorQueue.parse(control, control.length, PAYLOAD, PAYLOAD.length).orElseThrow();
        assertEquals(new SocketError(111, 2, 3, 3, 0, InetAddress.getByName("127.0.0.1"), PAYLOAD), e);
        assertTrue(e.isIcmp());
        assertFalse(e.isLocal());
        assertEquals("ECONNREFUSED", NativeIo.errnoName(e.errno()));
    }

    @Test
    void parsesIpv6TimeExceededAfterAnotherControlMessage() throws Exception {
        byte[] offender = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 0));
        byte[] timestamp = cmsg(1, SocketConstants.SO_TIMESTAMPNS, new byte[16]);
        byte[] err = cmsg(41, 25, extendedErr(113, 3, 3, 0, 0, offender));
        assertEquals(64, err.length, "60 bytes padded to 64");
        byte[] control = concat(timestamp, err);
        SocketError e = ErrorQueue.parse(control, control.length, PAYLOAD, 3).orElseThrow();
        assertEquals(113, e.errno());
        assertEquals(3, e.origin());
        assertEquals(3, e.icmpType());
        assertEquals(0, e.icmpCode());
        assertEquals(InetAddress.getByName("2001:db8::1"), e.offender());
        assertArrayEquals(new byte[] {1, 2, 3}, e.quotedPayload(), "payload cut to the given length");
    }

    @Test
    void localErrorHasNoOffenderAndCarriesTheMtu() {
        byte[] control = cmsg(0, 11, extendedErr(90, 1, 0, 0, 1400, new byte[16])); // AF_UNSPEC offender
        SocketError e = ErrorQueue.parse(control, control.length, null, 0).orElseThrow();
        assertTrue(e.isLocal());
        assertFalse(e.isIcmp());
        assertEquals(1400, e.info());
        assertNull(e.offender());
        assertEquals(0, e.quotedPayload().length);
    }

    @Test
    void unknownOffenderFamilyGivesNullOffender() {
        byte[] offender = new byte[16];
        offender[0] = 17; // AF_PACKET
        byte[] control = cmsg(0, 11, extendedErr(111, 2, 3, 3, 0, offender));
        assertNull(ErrorQueue.parse(control, control.length, PAYLOAD, 5).orElseThrow().offender());
    }

    @Test
    void rejectsTruncatedAndMalformedControl() throws Exception {
        byte[] offender = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        byte[] good = cmsg(0, 11, extendedErr(111, 2, 3, 3, 0, offender));
        for (int cut = 0; cut < good.length; cut++) {
            assertEquals(Optional.empty(), ErrorQueue.parse(good, cut, PAYLOAD, 5), "cut at " + cut);
        }
        byte[] shortLen = good.clone();
        Bytes.putLongLE(shortLen, 0, 8); // below the header size
        assertEquals(Optional.empty(), ErrorQueue.parse(shortLen, shortLen.length, PAYLOAD, 5));
        byte[] hugeLen = good.clone();
        Bytes.putLongLE(hugeLen, 0, Long.MAX_VALUE);
        assertEquals(Optional.empty(), ErrorQueue.parse(hugeLen, hugeLen.length, PAYLOAD, 5));
        byte[] negativeLen = good.clone();
        Bytes.putLongLE(negativeLen, 0, -1);
        assertEquals(Optional.empty(), ErrorQueue.parse(negativeLen, negativeLen.length, PAYLOAD, 5));
        byte[] tooSmallForEe = cmsg(0, 11, new byte[8]);
        assertEquals(Optional.empty(), ErrorQueue.parse(tooSmallForEe, tooSmallForEe.length, PAYLOAD, 5));
        byte[] otherType = cmsg(0, 12, extendedErr(111, 2, 3, 3, 0, offender));
        assertEquals(Optional.empty(), ErrorQueue.parse(otherType, otherType.length, PAYLOAD, 5));
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(Optional.empty(), ErrorQueue.parse(ones, ones.length, PAYLOAD, 5));
        assertEquals(Optional.empty(), ErrorQueue.parse(null, 10, PAYLOAD, 5));
        assertEquals(Optional.empty(), ErrorQueue.parse(good, -5, PAYLOAD, 5));
        // Lengths beyond the arrays are clamped, not trusted.
        assertTrue(ErrorQueue.parse(good, 1000, PAYLOAD, 1000).isPresent());
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(20240611L); // fixed seed: a failure reproduces
        int found = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] control = new byte[random.nextInt(200)];
            random.nextBytes(control);
            if (control.length >= 16 && random.nextBoolean()) {
                // Plausible headers so that the parser walks deeper than the first check.
                Bytes.putLongLE(control, 0, 16 + random.nextInt(control.length));
                Bytes.putIntLE(control, 8, random.nextBoolean() ? 0 : 41);
                Bytes.putIntLE(control, 12, random.nextBoolean() ? 11 : 25);
            }
            byte[] payload = new byte[random.nextInt(40)];
            Optional<SocketError> e = ErrorQueue.parse(control, random.nextInt(300) - 50, payload,
                    random.nextInt(80) - 20);
            if (e.isPresent()) {
                found++;
                assertTrue(e.get().quotedPayload().length <= payload.length);
            }
        }
        assertTrue(found > 0, "some plausible headers should have parsed");
    }

    @Test
    void readsTheKernelTimestampBesideTheError() throws Exception {
        byte[] offender = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 0));
        byte[] timespec = new byte[16];
        Bytes.putLongLE(timespec, 0, 1_795_000_000L);
        Bytes.putLongLE(timespec, 8, 123_456_789L);
        byte[] control = concat(cmsg(SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS, timespec),
                cmsg(0, 11, extendedErr(113, 2, 11, 0, 0, offender)));
        assertEquals(1_795_000_000_123_456_789L, ErrorQueue.timestamp(control, control.length));
        assertEquals(11, ErrorQueue.parse(control, control.length, PAYLOAD, PAYLOAD.length).orElseThrow().icmpType(),
                "the error is still found after the time stamp");
        byte[] noStamp = cmsg(0, 11, extendedErr(113, 2, 11, 0, 0, offender));
        assertEquals(-1, ErrorQueue.timestamp(noStamp, noStamp.length));
        byte[] cut = cmsg(SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS, new byte[8]);
        assertEquals(-1, ErrorQueue.timestamp(cut, cut.length), "a timespec cut short is no stamp");
    }

    @Test
    void readsTheArrivalTtlOrHopLimitBesideTheError() throws Exception {
        byte[] offender = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 0));
        byte[] ttl = new byte[4];
        Bytes.putIntLE(ttl, 0, 61);
        byte[] v4 = concat(cmsg(0, 11, extendedErr(111, 2, 3, 3, 0, offender)),
                cmsg(SocketConstants.SOL_IP, SocketConstants.IP_TTL, ttl));
        assertEquals(61, ErrorQueue.receivedTtl(v4, v4.length));
        assertEquals(3, ErrorQueue.parse(v4, v4.length, PAYLOAD, PAYLOAD.length).orElseThrow().icmpCode(),
                "the error is still found before the TTL");
        byte[] v6 = cmsg(SocketConstants.SOL_IPV6, SocketConstants.IPV6_HOPLIMIT, ttl);
        assertEquals(61, ErrorQueue.receivedTtl(v6, v6.length));
        byte[] none = cmsg(0, 11, extendedErr(111, 2, 3, 3, 0, offender));
        assertEquals(-1, ErrorQueue.receivedTtl(none, none.length));
        byte[] cut = cmsg(SocketConstants.SOL_IP, SocketConstants.IP_TTL, new byte[2]);
        assertEquals(-1, ErrorQueue.receivedTtl(cut, cut.length), "an int cut short is no TTL");
    }
}
