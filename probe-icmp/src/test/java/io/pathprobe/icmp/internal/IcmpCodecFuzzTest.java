package io.pathprobe.icmp.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the ICMP/ICMPv6 parsers that every received packet goes through ({@link IcmpCodec#parseIpv4},
 * {@link IcmpCodec#parseIcmp}, {@link IcmpCodec#parseOwnEcho}) with arbitrary bytes, as anyone who can send this
 * host a packet controls them. The packet sits at an offset in a buffer that ends exactly where it ends, as in the
 * lanes' receive buffers, so a read past its end throws and is found. Properties: no exception; an accepted message
 * points only inside the packet. Without {@code JAZZER_FUZZ} this replays the seed corpus in
 * {@code src/test/resources/io/pathprobe/icmp/internal/IcmpCodecFuzzTestInputs/}.
 *
 * <p>Input layout: byte 0 picks the entry point ({@code rawIpv4Packets}: ignored), byte 1 the offset (0-63) of the
 * packet in the buffer, filled before it with byte 1's value; the rest is the packet.
 */
class IcmpCodecFuzzTest {
    @FuzzTest
    void rawIpv4Packets(byte[] input) {
        Packet p = Packet.of(input);
        if (p == null) {
            return;
        }
        IcmpMessage m = new IcmpMessage();
        if (IcmpCodec.parseIpv4(p.buffer, p.offset, p.length, m)) {
            assertTrue(m.hasIpHeader());
            assertTrue(m.ttl() >= 0 && m.ttl() <= 255, m::toString);
            p.assertInside(m, false);
        }
    }

    @FuzzTest
    void icmpMessages(byte[] input) {
        Packet p = Packet.of(input);
        if (p == null) {
            return;
        }
        int mode = (input[0] & 0xff) % 4;
        boolean v6 = (mode & 1) != 0;
        IcmpMessage m = new IcmpMessage();
        if (mode < 2) {
            if (IcmpCodec.parseIcmp(p.buffer, p.offset, p.length, v6, m)) {
                assertEquals(-1, m.ttl(), "no IP header, no TTL from it");
                p.assertInside(m, v6);
            }
        } else if (IcmpCodec.parseOwnEcho(p.buffer, p.offset, p.length, v6, m)) {
            assertEquals(p.length, m.icmpLength());
            assertTrue(m.payloadOffset() == p.offset + IcmpCodec.HEADER && m.payloadLength() == p.length - IcmpCodec.HEADER);
        }
    }

    /** The packet of a fuzz input, in a buffer of its own. */
    private static final class Packet {
        final ByteBuffer buffer;
        final int offset;
        final int length;

        private Packet(ByteBuffer buffer, int offset, int length) {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
        }

        static Packet of(byte[] input) {
            if (input.length < 2) {
                return null;
            }
            int offset = input[1] & 63;
            int length = input.length - 2;
            ByteBuffer b = ByteBuffer.allocate(offset + length);
            for (int i = 0; i < offset; i++) {
                b.put(i, input[1]);
            }
            b.put(offset, input, 2, length);
            return new Packet(b, offset, length);
        }

        void assertInside(IcmpMessage m, boolean v6) {
            int end = offset + length;
            assertNotNull(m.kind(), "an accepted message has a kind");
            assertTrue(m.icmpLength() >= IcmpCodec.HEADER && m.icmpLength() <= length, m::toString);
            assertTrue(m.payloadOffset() >= offset && m.payloadLength() >= 0
                    && m.payloadOffset() + m.payloadLength() <= end, m::toString);
            assertTrue(m.id() >= 0 && m.id() <= 0xffff && m.seq() >= 0 && m.seq() <= 0xffff, m::toString);
            if (m.kind() == IcmpMessage.Kind.ECHO_REPLY) {
                assertEquals(-1, m.quotedDestinationOffset(), "a reply quotes nothing");
            } else {
                int q = m.quotedDestinationOffset();
                assertTrue(q >= offset && q + (v6 ? 16 : 4) <= end, () -> "the quoted destination is inside: " + m);
            }
        }
    }
}
