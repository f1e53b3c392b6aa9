package io.pathprobe.icmp.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The raw lane's BPF program, run by a small interpreter of the classic BPF instructions it uses. No network. */
class EchoFilterTest {
    /** Runs {@code program} over {@code packet} as the kernel's classic BPF does; returns what it returns. */
    private static int run(int[] program, ByteBuffer packet) {
        int a = 0;
        int x = 0;
        for (int pc = 0; pc < program.length / 4; pc++) {
            int code = program[4 * pc];
            int jt = program[4 * pc + 1];
            int jf = program[4 * pc + 2];
            int k = program[4 * pc + 3];
            switch (code) {
                case 0x30 -> a = packet.get(k) & 0xff;
                case 0x28 -> a = packet.getShort(k) & 0xffff;
                case 0x50 -> a = packet.get(x + k) & 0xff;
                case 0x48 -> a = packet.getShort(x + k) & 0xffff;
                case 0xb1 -> x = 4 * (packet.get(k) & 0x0f);
                case 0x14 -> a -= k;
                case 0x54 -> a &= k;
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("opcode " + code);
            }
        }
        throw new AssertionError("ran off the end");
    }

    private static ByteBuffer v4(int ihl, int type, int id) {
        ByteBuffer b = ByteBuffer.allocate(ihl + 8 + 56);
        b.put(0, (byte) (0x40 | ihl / 4));
        b.put(ihl, (byte) type);
        b.putShort(ihl + 4, (short) id);
        return b;
    }

    private static ByteBuffer v6(int type, int id) {
        ByteBuffer b = ByteBuffer.allocate(8 + 56);
        b.put(0, (byte) type);
        b.putShort(4, (short) id);
        return b;
    }

    @Test
    void keepsRepliesToTheLanesIdentifiersOnly() {
        int base = 0xfffe; // the lane's identifiers wrap: 0xfffe, 0xffff, 0x0000
        int[] p4 = EchoFilter.program(false, base, 3);
        int[] p6 = EchoFilter.program(true, base, 3);
        for (int id : new int[] {0xfffe, 0xffff, 0x0000}) {
            assertEquals(-1, run(p4, v4(20, 0, id)), "ours: " + id);
            assertEquals(-1, run(p4, v4(24, 0, id)), "ours behind IP options: " + id);
            assertEquals(-1, run(p6, v6(129, id)), "ours: " + id);
        }
        for (int id : new int[] {0x0001, 0xfffd, 0x1234}) {
            assertEquals(0, run(p4, v4(20, 0, id)), "another's: " + id);
            assertEquals(0, run(p4, v4(60, 0, id)), "another's behind IP options: " + id);
            assertEquals(0, run(p6, v6(129, id)), "another's: " + id);
        }
    }

    @Test
    void keepsEverythingThatIsNoEchoReply() {
        int[] p4 = EchoFilter.program(false, 100, 1);
        int[] p6 = EchoFilter.program(true, 100, 1);
        for (int type : new int[] {3, 11, 8}) {
            assertEquals(-1, run(p4, v4(20, type, 5)), "type " + type);
        }
        for (int type : new int[] {1, 2, 3, 128}) {
            assertEquals(-1, run(p6, v6(type, 5)), "type " + type);
        }
        assertEquals(0, run(p6, v6(129, 5)));
        assertEquals(0, run(p4, v4(20, 0, 5)));
        assertEquals(-1, run(p4, v4(20, 0, 100)));
    }

    @Test
    void refusesImpossiblePageCounts() {
        assertThrows(IllegalArgumentException.class, () -> EchoFilter.program(false, 0, 0));
    }
}
