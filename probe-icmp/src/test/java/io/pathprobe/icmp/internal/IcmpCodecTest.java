package io.pathprobe.icmp.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long TOKEN = 0x0123456789abcdefL;
    private static final long SENT = 987654321012345L;

    private static ByteBuffer buf(String hex) {
        return ByteBuffer.wrap(HEX.parseHex(hex.replace(" ", "")));
    }

    @Test
    void checksumMatchesRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        assertEquals(0x220d, IcmpCodec.checksum(buf("0001f203f4f5f6f7"), 0, 8));
    }

    @Test
    void checksumMatchesKnownIpv4Header() {
        // A well-known IPv4 header whose checksum field holds b861: with it, the checksum of the header is 0;
        // with the field zeroed, the checksum is b861.
        assertEquals(0, IcmpCodec.checksum(buf("45000073000040004011b861c0a80001c0a800c7"), 0, 20));
        assertEquals(0xb861, IcmpCodec.checksum(buf("450000730000400040110000c0a80001c0a800c7"), 0, 20));
    }

    @Test
    void checksumPadsAnOddByteWithZero() {
        assertEquals(IcmpCodec.checksum(buf("0001f203f4f5f6f700"), 0, 9),
                IcmpCodec.checksum(buf("0001f203f4f5f6f7"), 0, 8) - 0);
        assertEquals(IcmpCodec.checksum(buf("0001f203f4f5f6f7ab00"), 0, 10),
                IcmpCodec.checksum(buf("0001f203f4f5f6f7ab"), 0, 9));
    }

    @Test
    void checksumOfWordsAtATimeEqualsTheSumOfSixteenBitWords() {
        // The fast sum reads four bytes at a time: every offset and length (odd ones too) against RFC 1071 as written.
        Random random = new Random(12);
        byte[] bytes = new byte[1600];
        for (int round = 0; round < 2000; round++) {
            random.nextBytes(bytes);
            if (round % 3 == 0) {
                java.util.Arrays.fill(bytes, (byte) 0xff); // carries on every word
            }
            int off = random.nextInt(16);
            int len = random.nextInt(bytes.length - off);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long sum = 0;
            for (int i = 0; i < len; i += 2) {
                sum += ((bytes[off + i] & 0xff) << 8) | (i + 1 < len ? bytes[off + i + 1] & 0xff : 0);
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            assertEquals((int) (~sum & 0xffff), IcmpCodec.checksum(b, off, len), "offset " + off + " length " + len);
        }
    }

    @Test
    void flowChecksumIsConstantWhileSequenceTokenAndTimeVary() {
        Random random = new Random(42);
        ByteBuffer b = ByteBuffer.allocate(2000);
        for (int wanted : new int[] {0, 1, 0x1234, 0x8000, 0xfffe}) {
            for (int payload : new int[] {18, 19, 56, 57, 1400}) {
                for (int i = 0; i < 200; i++) {
                    int off = 2 * random.nextInt(8); // even: the steering word sits on a 16-bit boundary
                    int id = random.nextInt(1 << 16);
                    int seq = random.nextInt(1 << 16);
                    long token = random.nextLong();
                    long sent = random.nextLong();
                    byte[] pattern = i % 2 == 0 ? new byte[0] : new byte[] {(byte) random.nextInt(), (byte) 0xa5};
                    int len = IcmpCodec.encodeEchoRequest(b, off, false, id, seq, token, sent, payload, pattern, wanted);
                    String what = "checksum " + wanted + " payload " + payload + " seq " + seq;
                    assertEquals(8 + payload, len);
                    assertEquals(wanted, b.getShort(off + 2) & 0xffff, what);
                    assertEquals(0, IcmpCodec.checksum(b, off, len), "verifies: " + what);
                    assertEquals(id, b.getShort(off + 4) & 0xffff);
                    assertEquals(seq, b.getShort(off + 6) & 0xffff);
                    assertTrue(IcmpCodec.stampMatches(b, off + 8, payload, token, sent), "stamp intact: " + what);
                }
            }
        }
    }

    @Test
    void flowChecksumEchoesParseAsValidRequests() {
        // A receiver checks the sum, not the value: a steered echo must parse like any other once answered.
        ByteBuffer b = ByteBuffer.allocate(100);
        int len = IcmpCodec.encodeEchoRequest(b, 0, false, 7, 8, TOKEN, SENT, 56, new byte[0], 0xbeef);
        b.put(0, (byte) IcmpCodec.ICMP_ECHO_REPLY); // what the target sends back: type 0, checksum adjusted by it
        b.putShort(2, (short) 0);
        b.putShort(2, (short) IcmpCodec.checksum(b, 0, len));
        IcmpMessage m = new IcmpMessage();
        assertTrue(IcmpCodec.parseIcmp(b, 0, len, false, m));
        assertEquals(8, m.seq());
    }

    @Test
    void aBadIcmpv4ChecksumIsRefusedUnlessTheKernelVerifiedIt() {
        // Raw sockets see a message before the kernel's checks: its checksum is ours to verify. A ping socket only
        // gets what passed them, so its replies are parsed without summing them again (verify false).
        ByteBuffer b = ByteBuffer.allocate(100);
        int len = IcmpCodec.encodeEchoRequest(b, 0, false, 7, 8, TOKEN, SENT, 56, new byte[0]);
        b.put(0, (byte) IcmpCodec.ICMP_ECHO_REPLY);
        b.putShort(2, (short) 0);
        b.putShort(2, (short) (IcmpCodec.checksum(b, 0, len) ^ 1));
        IcmpMessage m = new IcmpMessage();
        assertFalse(IcmpCodec.parseIcmp(b, 0, len, false, m), "a wrong checksum");
        assertFalse(IcmpCodec.parseIcmp(b, 0, len, false, true, m), "a wrong checksum, verified");
        assertTrue(IcmpCodec.parseIcmp(b, 0, len, false, false, m), "verified by the kernel");
        assertEquals(8, m.seq());
    }

    @Test
    void flowChecksumRefusesWhatItCannotSteer() {
        ByteBuffer b = ByteBuffer.allocate(100);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> IcmpCodec.encodeEchoRequest(b, 0, true, 1, 1, TOKEN, SENT, 56, new byte[0], 5), "IPv6");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> IcmpCodec.encodeEchoRequest(b, 0, false, 1, 1, TOKEN, SENT, 17, new byte[0], 5), "too short");
    }

    @Test
    void encodesAnEchoRequestLikePing() {
        ByteBuffer b = ByteBuffer.allocate(100);
        int len = IcmpCodec.encodeEchoRequest(b, 4, false, 0x1234, 0xfffe, TOKEN, SENT, 56, new byte[0]);
        assertEquals(64, len);
        assertEquals(8, b.get(4));
        assertEquals(0, b.get(5));
        assertEquals(0x1234, b.getShort(8) & 0xffff);
        assertEquals(0xfffe, b.getShort(10) & 0xffff);
        assertEquals(TOKEN, b.getLong(12));
        assertEquals(SENT, b.getLong(20));
        assertEquals(16, b.get(28)); // pattern: byte i = i after the stamp
        assertEquals(55, b.get(4 + 8 + 55));
        assertEquals(0, IcmpCodec.checksum(b, 4, len), "a valid message sums to 0");
    }

    @Test
    void encodesPatternAndShortPayloads() {
        ByteBuffer b = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(b, 0, false, 1, 1, TOKEN, SENT, 20, new byte[] {(byte) 0xff, 0});
        assertEquals((byte) 0xff, b.get(24));
        assertEquals(0, b.get(25));
        assertEquals((byte) 0xff, b.get(26));
        assertEquals(0, b.get(27));
        ByteBuffer s = ByteBuffer.allocate(64);
        assertEquals(8, IcmpCodec.encodeEchoRequest(s, 0, false, 1, 1, TOKEN, SENT, 0, new byte[0]));
        assertEquals(0, IcmpCodec.checksum(s, 0, 8));
        ByteBuffer v6 = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(v6, 0, true, 7, 9, TOKEN, SENT, 10, new byte[0]);
        assertEquals((byte) 128, v6.get(0));
        assertEquals(0, v6.getShort(2), "the kernel computes the ICMPv6 checksum");
        assertEquals(TOKEN, v6.getLong(8));
    }

    /** An IPv4 echo reply with {@code optionWords} 32-bit words of IP options, as a raw socket delivers it. */
    static ByteBuffer ipv4EchoReply(int optionWords, int id, int seq, int payload) {
        int ihl = 20 + 4 * optionWords;
        ByteBuffer b = ByteBuffer.allocate(ihl + 8 + payload);
        b.put(0, (byte) (0x40 | (ihl / 4)));
        b.putShort(2, (short) b.capacity());
        b.put(8, (byte) 61); // ttl
        b.put(9, (byte) 1);
        b.putInt(12, 0x7f000102);
        b.putInt(16, 0x7f000001);
        for (int i = 0; i < optionWords; i++) {
            b.putInt(20 + 4 * i, 0x01010101); // NOPs
        }
        IcmpCodec.encodeEchoRequest(b, ihl, false, id, seq, TOKEN, SENT, payload, new byte[0]);
        b.put(ihl, (byte) 0);
        b.putShort(ihl + 2, (short) 0);
        b.putShort(ihl + 2, (short) IcmpCodec.checksum(b, ihl, 8 + payload));
        b.putShort(10, (short) IcmpCodec.checksum(b, 0, ihl));
        return b;
    }

    @Test
    void parsesIpv4EchoReplyWithAndWithoutOptions() {
        for (int words = 0; words <= 10; words += 5) {
            ByteBuffer b = ipv4EchoReply(words, 0xbeef, 513, 56);
            IcmpMessage m = new IcmpMessage();
            assertTrue(IcmpCodec.parseIpv4(b, 0, b.capacity(), m), "IHL words " + (5 + words));
            assertEquals(IcmpMessage.Kind.ECHO_REPLY, m.kind());
            assertEquals(0xbeef, m.id());
            assertEquals(513, m.seq());
            assertEquals(61, m.ttl());
            assertEquals(64, m.icmpLength());
            assertEquals(0x7f000102, m.sourceV4());
            assertEquals(56, m.payloadLength());
            assertTrue(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT));
            assertFalse(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN + 1, SENT));
            assertTrue(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT + 1),
                    "sent 1 ns after encoding");
            assertFalse(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT - 1),
                    "encoded after the send: another probe's stamp");
            assertFalse(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN,
                    SENT + IcmpCodec.MAX_ENCODE_TO_SEND_NANOS + 1), "a stamp from long before the send");
        }
    }

    @Test
    void rejectsBadChecksumOtherTypesAndTruncation() {
        ByteBuffer b = ipv4EchoReply(1, 1, 2, 56);
        IcmpMessage m = new IcmpMessage();
        for (int len = 0; len < b.capacity(); len++) {
            assertFalse(IcmpCodec.parseIpv4(b, 0, len, m), "truncated to " + len);
        }
        b.put(b.capacity() - 1, (byte) (b.get(b.capacity() - 1) ^ 1));
        assertFalse(IcmpCodec.parseIpv4(b, 0, b.capacity(), m), "corrupt payload fails the checksum");
        ByteBuffer req = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(req, 0, false, 1, 1, TOKEN, SENT, 56, new byte[0]);
        assertFalse(IcmpCodec.parseIcmp(req, 0, 64, false, m), "an echo request is not an answer");
        ByteBuffer udp = ipv4EchoReply(0, 1, 2, 8);
        udp.put(9, (byte) 17);
        assertFalse(IcmpCodec.parseIpv4(udp, 0, udp.capacity(), m), "not ICMP");
        ByteBuffer v6 = ipv4EchoReply(0, 1, 2, 8);
        v6.put(0, (byte) 0x65);
        assertFalse(IcmpCodec.parseIpv4(v6, 0, v6.capacity(), m), "not IPv4");
    }

    /**
     * An ICMPv4 error of {@code type}/{@code code} from 10.0.0.1 quoting our echo request to 10.9.9.9 (whose IP
     * header carries {@code quotedOptionWords} words of options) and {@code quotedPayload} bytes of its payload.
     */
    static ByteBuffer ipv4Error(int type, int code, int mtu, int quotedOptionWords, int quotedPayload) {
        int qihl = 20 + 4 * quotedOptionWords;
        int icmpLen = 8 + qihl + 8 + quotedPayload;
        ByteBuffer b = ByteBuffer.allocate(20 + icmpLen);
        b.put(0, (byte) 0x45);
        b.putShort(2, (short) b.capacity());
        b.put(8, (byte) 254);
        b.put(9, (byte) 1);
        b.putInt(12, 0x0a000001);
        b.putInt(16, 0x0a000002);
        b.put(20, (byte) type);
        b.put(21, (byte) code);
        b.putShort(26, (short) mtu);
        int q = 28;
        b.put(q, (byte) (0x40 | (qihl / 4)));
        b.putShort(q + 2, (short) (qihl + 64));
        b.put(q + 8, (byte) 1);
        b.put(q + 9, (byte) 1);
        b.putInt(q + 12, 0x0a000002);
        b.putInt(q + 16, 0x0a090909);
        ByteBuffer echo = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(echo, 0, false, 0x4242, 77, TOKEN, SENT, 56, new byte[0]);
        for (int i = 0; i < 8 + quotedPayload; i++) {
            b.put(q + qihl + i, echo.get(i));
        }
        b.putShort(22, (short) IcmpCodec.checksum(b, 20, icmpLen));
        return b;
    }

    @Test
    void parsesIpv4TimeExceededQuotingAHeaderWithOptions() {
        ByteBuffer b = ipv4Error(11, 0, 0, 3, 56);
        IcmpMessage m = new IcmpMessage();
        assertTrue(IcmpCodec.parseIpv4(b, 0, b.capacity(), m));
        assertEquals(IcmpMessage.Kind.TIME_EXCEEDED, m.kind());
        assertEquals(0x4242, m.id());
        assertEquals(77, m.seq());
        assertEquals(0x0a000001, m.sourceV4(), "the router that reported it");
        assertEquals(0x0a090909, b.getInt(m.quotedDestinationOffset()));
        assertTrue(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT));
    }

    @Test
    void parsesIpv4UnreachableCodesAndFragmentationNeededMtu() {
        IcmpMessage m = new IcmpMessage();
        for (int code = 0; code <= 15; code++) {
            ByteBuffer b = ipv4Error(3, code, code == 4 ? 1400 : 0, 0, 0);
            assertTrue(IcmpCodec.parseIpv4(b, 0, b.capacity(), m), "code " + code);
            assertEquals(IcmpMessage.Kind.UNREACHABLE, m.kind());
            assertEquals(code, m.code());
            assertEquals(code == 4 ? 1400 : 0, m.mtu());
            assertEquals(0, m.payloadLength(), "a router quoting only 8 bytes leaves no payload");
            assertFalse(IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT),
                    "no token quoted: the stamp alone proves nothing");
            int sentChecksum = b.getShort(28 + 20 + 2) & 0xffff;
            assertTrue(IcmpCodec.quoteMatches(b, m, false, 56, sentChecksum, TOKEN, SENT),
                    "an 8-byte quote matches on the checksum the probe carried");
            assertFalse(IcmpCodec.quoteMatches(b, m, false, 56, sentChecksum ^ 1, TOKEN, SENT));
        }
    }

    @Test
    void rejectsErrorsQuotingSomethingElse() {
        IcmpMessage m = new IcmpMessage();
        ByteBuffer udp = ipv4Error(3, 3, 0, 0, 8);
        udp.put(28 + 9, (byte) 17);
        udp.putShort(22, (short) 0);
        udp.putShort(22, (short) IcmpCodec.checksum(udp, 20, udp.capacity() - 20));
        assertFalse(IcmpCodec.parseIpv4(udp, 0, udp.capacity(), m), "quotes UDP");
        ByteBuffer b = ipv4Error(11, 0, 0, 0, 8);
        for (int len = 28; len < 20 + 8 + 20 + 8; len++) {
            ByteBuffer cut = ByteBuffer.allocate(len);
            for (int i = 0; i < len; i++) {
                cut.put(i, b.get(i));
            }
            cut.putShort(2, (short) len);
            cut.putShort(22, (short) 0);
            cut.putShort(22, (short) IcmpCodec.checksum(cut, 20, len - 20));
            assertFalse(IcmpCodec.parseIpv4(cut, 0, len, m), "quote cut to " + (len - 28) + " bytes");
        }
    }

    /** An ICMPv6 error (no IPv6 header in front, as raw ICMPv6 sockets deliver) quoting our echo to 2001:db8::9. */
    static ByteBuffer ipv6Error(int type, int code, int mtu) {
        ByteBuffer b = ByteBuffer.allocate(8 + 40 + 64);
        b.put(0, (byte) type);
        b.put(1, (byte) code);
        b.putInt(4, mtu);
        b.put(8, (byte) 0x60);
        b.putShort(8 + 4, (short) 64);
        b.put(8 + 6, (byte) 58);
        b.put(8 + 7, (byte) 1);
        b.put(8 + 24, (byte) 0x20);
        b.put(8 + 25, (byte) 0x01);
        b.put(8 + 26, (byte) 0x0d);
        b.put(8 + 27, (byte) 0xb8);
        b.put(8 + 39, (byte) 9);
        IcmpCodec.encodeEchoRequest(b, 48, true, 0x6666, 4000, TOKEN, SENT, 56, new byte[0]);
        return b;
    }

    @Test
    void parsesIpv6EchoReplyAndErrors() {
        ByteBuffer r = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(r, 0, true, 0x6666, 4000, TOKEN, SENT, 56, new byte[0]);
        r.put(0, (byte) 129);
        IcmpMessage m = new IcmpMessage();
        assertTrue(IcmpCodec.parseIcmp(r, 0, 64, true, m));
        assertEquals(IcmpMessage.Kind.ECHO_REPLY, m.kind());
        assertEquals(4000, m.seq());
        assertEquals(-1, m.ttl(), "no IP header: the hop limit comes from a control message");

        ByteBuffer te = ipv6Error(3, 0, 0);
        assertTrue(IcmpCodec.parseIcmp(te, 0, te.capacity(), true, m));
        assertEquals(IcmpMessage.Kind.TIME_EXCEEDED, m.kind());
        assertEquals(0x6666, m.id());
        assertEquals(4000, m.seq());
        assertEquals(9, te.get(m.quotedDestinationOffset() + 15));
        assertEquals(0x20, te.get(m.quotedDestinationOffset()));

        ByteBuffer ptb = ipv6Error(2, 0, 1280);
        assertTrue(IcmpCodec.parseIcmp(ptb, 0, ptb.capacity(), true, m));
        assertEquals(IcmpMessage.Kind.UNREACHABLE, m.kind());
        assertEquals(1280, m.mtu());

        ByteBuffer adm = ipv6Error(1, 1, 0);
        assertTrue(IcmpCodec.parseIcmp(adm, 0, adm.capacity(), true, m));
        assertEquals(IcmpMessage.Kind.UNREACHABLE, m.kind());
        assertEquals(1, m.code());

        assertFalse(IcmpCodec.parseIcmp(r, 0, 64, false, m), "an ICMPv6 reply is not an ICMPv4 one");
        for (int len = 0; len < 8 + 40 + 8; len++) {
            assertFalse(IcmpCodec.parseIcmp(te, 0, len, true, m), "error truncated to " + len);
        }
        ByteBuffer ext = ipv6Error(3, 0, 0);
        ext.put(8 + 6, (byte) 0); // hop-by-hop extension header before the echo: not parsed, so not matched
        assertFalse(IcmpCodec.parseIcmp(ext, 0, ext.capacity(), true, m));
    }

    @Test
    void parsesOwnEchoFromErrorQueue() {
        ByteBuffer b = ByteBuffer.allocate(64);
        IcmpCodec.encodeEchoRequest(b, 0, false, 3, 65535, TOKEN, SENT, 56, new byte[0]);
        IcmpMessage m = new IcmpMessage();
        assertTrue(IcmpCodec.parseOwnEcho(b, 0, 64, false, m));
        assertEquals(65535, m.seq());
        assertFalse(IcmpCodec.parseOwnEcho(b, 0, 7, false, m));
        assertFalse(IcmpCodec.parseOwnEcho(b, 0, 64, true, m));
    }

    @Test
    void garbageNeverThrowsAndAcceptedMessagesStayInBounds() {
        // Fixed seed: reproducible. Random bytes, and valid packets with random bytes flipped.
        Random rnd = new Random(42);
        IcmpMessage m = new IcmpMessage();
        ByteBuffer[] seeds = {ipv4EchoReply(2, 1, 2, 56), ipv4Error(11, 0, 0, 1, 16), ipv4Error(3, 4, 1300, 0, 0),
                ipv6Error(3, 0, 0)};
        for (int i = 0; i < 200_000; i++) {
            ByteBuffer b;
            if (i % 2 == 0) {
                byte[] a = new byte[rnd.nextInt(120)];
                rnd.nextBytes(a);
                b = ByteBuffer.wrap(a);
            } else {
                ByteBuffer s = seeds[rnd.nextInt(seeds.length)];
                byte[] a = new byte[s.capacity()];
                s.get(0, a);
                for (int f = rnd.nextInt(4); f >= 0; f--) {
                    a[rnd.nextInt(a.length)] = (byte) rnd.nextInt(256);
                }
                b = ByteBuffer.wrap(a, 0, a.length);
            }
            int len = rnd.nextInt(b.capacity() + 1);
            boolean v6 = rnd.nextBoolean();
            boolean ok = rnd.nextBoolean() ? IcmpCodec.parseIpv4(b, 0, len, m) : IcmpCodec.parseIcmp(b, 0, len, v6, m);
            if (ok) {
                assertTrue(m.payloadOffset() + m.payloadLength() <= len, "payload within the message");
                assertTrue(m.payloadLength() >= 0);
                assertTrue(m.quotedDestinationOffset() < len);
                IcmpCodec.stampMatches(b, m.payloadOffset(), m.payloadLength(), TOKEN, SENT);
            }
        }
    }
}
