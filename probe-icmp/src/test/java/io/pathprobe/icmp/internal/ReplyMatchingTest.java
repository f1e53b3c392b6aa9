package io.pathprobe.icmp.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reply or an error must carry to count for a probe (issue 10, findings 1 and 2). */
class ReplyMatchingTest {
    private static final long TOKEN = 0x0123456789abcdefL;
    private static final long SENT = 987654321012345L;
    private static final byte[] DEFAULT = new byte[0];

    /** The payload of an echo request as sent: {@code size} bytes with token, send time and pattern. */
    private static ByteBuffer payload(int size, byte[] pattern) {
        ByteBuffer b = ByteBuffer.allocate(8 + size);
        IcmpCodec.encodeEchoRequest(b, 0, false, 1, 2, TOKEN, SENT, size, pattern);
        return b;
    }

    private static int verify(ByteBuffer b, int len, int sent, byte[] pattern) {
        return IcmpCodec.verifyReply(b, 8, len, sent, TOKEN, SENT, pattern, false);
    }

    @Test
    void theWholePayloadMatchesAndAnythingShorterThanTheTokenNever() {
        ByteBuffer b = payload(56, DEFAULT);
        assertEquals(IcmpCodec.REPLY_OK, verify(b, 56, 56, DEFAULT));
        for (int len = 0; len < 8; len++) {
            assertEquals(IcmpCodec.REPLY_FOREIGN, verify(b, len, 56, DEFAULT),
                    "a " + len + "-byte reply carries no token: the blind spray of empty replies");
            assertFalse(IcmpCodec.stampMatches(b, 8, len, TOKEN, SENT), len + " bytes");
        }
    }

    @Test
    void aTruncatedReplyWithTheTokenIsWrongDataNotReceived() {
        ByteBuffer b = payload(56, DEFAULT);
        for (int len = 8; len < 56; len++) {
            assertEquals(len, verify(b, len, 56, DEFAULT), "cut to " + len + ": the first byte missing");
        }
        ByteBuffer longer = ByteBuffer.allocate(8 + 64);
        IcmpCodec.encodeEchoRequest(longer, 0, false, 1, 2, TOKEN, SENT, 64, DEFAULT);
        assertEquals(56, verify(longer, 64, 56, DEFAULT), "longer than sent: the first extra byte");
    }

    @Test
    void aWrongPatternByteIsReportedAtItsIndex() {
        byte[] pattern = {(byte) 0xff, 0x00};
        ByteBuffer b = payload(56, pattern);
        assertEquals(IcmpCodec.REPLY_OK, verify(b, 56, 56, pattern));
        assertEquals(16, verify(b, 56, 56, DEFAULT), "sent ff00..., expected the default pattern");
        for (int i : new int[] {16, 17, 30, 55}) {
            ByteBuffer damaged = payload(56, pattern);
            damaged.put(8 + i, (byte) (damaged.get(8 + i) ^ 0x10));
            assertEquals(i, verify(damaged, 56, 56, pattern), "byte " + i);
        }
    }

    @Test
    void aWrongTokenOrSendTimeIsForeign() {
        ByteBuffer b = payload(56, DEFAULT);
        assertEquals(IcmpCodec.REPLY_FOREIGN, IcmpCodec.verifyReply(b, 8, 56, 56, TOKEN + 1, SENT, DEFAULT, false));
        assertEquals(IcmpCodec.REPLY_FOREIGN, IcmpCodec.verifyReply(b, 8, 56, 56, TOKEN, SENT - 1, DEFAULT, false),
                "stamped after its send");
    }

    @Test
    void steeredChecksumBytesAreNotPatternBytes() {
        ByteBuffer b = ByteBuffer.allocate(8 + 56);
        IcmpCodec.encodeEchoRequest(b, 0, false, 1, 2, TOKEN, SENT, 56, DEFAULT, 0x1234);
        assertEquals(IcmpCodec.REPLY_OK, IcmpCodec.verifyReply(b, 8, 56, 56, TOKEN, SENT, DEFAULT, true));
    }

    @Test
    void payloadsWithoutRoomForATokenMatchOnlyExactly() {
        for (int size = 0; size < 8; size++) {
            ByteBuffer b = payload(size, DEFAULT);
            assertEquals(IcmpCodec.REPLY_OK, verify(b, size, size, DEFAULT), size + " bytes");
            if (size > 0) {
                assertEquals(IcmpCodec.REPLY_FOREIGN, verify(b, size - 1, size, DEFAULT), "shorter than sent");
                b.put(8, (byte) 0x55);
                assertEquals(IcmpCodec.REPLY_FOREIGN, verify(b, size, size, DEFAULT),
                        "a wrong byte cannot be told from a stranger's echo without a token");
            }
        }
        ByteBuffer twelve = payload(12, DEFAULT);
        assertEquals(IcmpCodec.REPLY_OK, verify(twelve, 12, 12, DEFAULT), "token, no send time");
    }

    @Test
    void anIpv4ErrorQuotingEightBytesMatchesOnlyTheChecksumTheProbeCarried() {
        IcmpMessage m = new IcmpMessage();
        ByteBuffer b = IcmpCodecTest.ipv4Error(11, 0, 0, 0, 0);
        assertTrue(IcmpCodec.parseIpv4(b, 0, b.capacity(), m));
        int sent = b.getShort(48 + 2) & 0xffff;
        assertEquals(sent, m.quotedChecksum());
        assertTrue(IcmpCodec.quoteMatches(b, m, false, 56, sent, TOKEN, SENT));
        assertFalse(IcmpCodec.quoteMatches(b, m, false, 56, (sent + 1) & 0xffff, TOKEN, SENT));
    }

    @Test
    void anIpv4ErrorQuotingTheTokenMatchesOnTheToken() {
        IcmpMessage m = new IcmpMessage();
        ByteBuffer b = IcmpCodecTest.ipv4Error(11, 0, 0, 0, 56);
        assertTrue(IcmpCodec.parseIpv4(b, 0, b.capacity(), m));
        int sent = m.quotedChecksum();
        assertTrue(IcmpCodec.quoteMatches(b, m, false, 56, sent, TOKEN, SENT));
        assertFalse(IcmpCodec.quoteMatches(b, m, false, 56, sent, TOKEN ^ 1, SENT), "forged: other token");
        // A quote that ends inside the token is no better than none: then the checksum decides.
        ByteBuffer partial = IcmpCodecTest.ipv4Error(11, 0, 0, 0, 5);
        assertTrue(IcmpCodec.parseIpv4(partial, 0, partial.capacity(), m));
        assertFalse(IcmpCodec.quoteMatches(partial, m, false, 56, sent ^ 0x100, TOKEN, SENT));
        assertTrue(IcmpCodec.quoteMatches(partial, m, false, 56, sent, TOKEN, SENT));
    }

    @Test
    void anIpv4ErrorAboutAnotherSourceIsNotOurs() {
        IcmpMessage m = new IcmpMessage();
        ByteBuffer b = IcmpCodecTest.ipv4Error(11, 0, 0, 0, 56);
        b.putInt(28 + 12, 0x0a000077); // quoted source: not us (the error's destination is 10.0.0.2)
        b.putShort(22, (short) 0);
        b.putShort(22, (short) IcmpCodec.checksum(b, 20, b.capacity() - 20));
        assertFalse(IcmpCodec.parseIpv4(b, 0, b.capacity(), m));
    }

    @Test
    void anIpv6ErrorMustQuoteTheToken() {
        IcmpMessage m = new IcmpMessage();
        ByteBuffer full = IcmpCodecTest.ipv6Error(3, 0, 0);
        assertTrue(IcmpCodec.parseIcmp(full, 0, full.capacity(), true, m));
        assertTrue(IcmpCodec.quoteMatches(full, m, true, 56, 0, TOKEN, SENT));
        assertFalse(IcmpCodec.quoteMatches(full, m, true, 56, 0, TOKEN + 1, SENT));
        int eightBytes = 8 + 40 + 8;
        assertTrue(IcmpCodec.parseIcmp(full, 0, eightBytes, true, m));
        assertFalse(IcmpCodec.quoteMatches(full, m, true, 56, m.quotedChecksum(), TOKEN, SENT),
                "an 8-byte ICMPv6 quote: RFC 4443 routers quote far more, so this is not one");
    }
}
