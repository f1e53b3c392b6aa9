package io.pathprobe.icmp.internal;

/**
 * The classic BPF program a raw echo lane attaches to its socket (as iputils ping does): echo replies whose
 * identifier is not one of the lane's ({@code idBase} to {@code idBase + pages - 1}, mod 2^16) are dropped in the
 * kernel, before they take room in the receive buffer or a read; everything else passes (errors quote the
 * identifier behind a header of variable length; the lane checks those, and every reply, itself). A raw socket sees
 * every ICMP message of the host, so with other pings running, or a flood of forged replies, this keeps the lane's
 * buffer for its own answers.
 */
final class EchoFilter {
    private static final int LD_B_ABS = 0x30;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_IND = 0x50;
    private static final int LD_H_IND = 0x48;
    /** X = 4 * (packet[k] & 0xf): the IPv4 header length. */
    private static final int LDX_B_MSH = 0xb1;
    private static final int SUB_K = 0x14;
    private static final int AND_K = 0x54;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int RET_K = 0x06;
    private static final int KEEP = -1; // keep the whole packet

    private EchoFilter() {
    }

    /**
     * The program as {@code {code, jt, jf, k}} quadruples. IPv4 raw sockets see the IP header first; ICMPv6 ones
     * the ICMPv6 header.
     */
    static int[] program(boolean v6, int idBase, int pages) {
        if (pages < 1 || pages > 1 << 16) {
            throw new IllegalArgumentException("pages must be 1 to 65536, was " + pages);
        }
        int reply = v6 ? IcmpCodec.ICMP6_ECHO_REPLY : IcmpCodec.ICMP_ECHO_REPLY;
        if (v6) {
            return new int[] {
                LD_B_ABS, 0, 0, 0,                 // 0: A = type
                JEQ_K, 0, 4, reply,                // 1: an echo reply? else keep (6)
                LD_H_ABS, 0, 0, 4,                 // 2: A = identifier
                SUB_K, 0, 0, idBase & 0xffff,      // 3
                AND_K, 0, 0, 0xffff,               // 4: A = identifier - idBase mod 2^16
                JGE_K, 1, 0, pages,                // 5: not one of ours: drop (7), else keep (6)
                RET_K, 0, 0, KEEP,                 // 6
                RET_K, 0, 0, 0,                    // 7
            };
        }
        return new int[] {
            LDX_B_MSH, 0, 0, 0,                    // 0: X = IP header length
            LD_B_IND, 0, 0, 0,                     // 1: A = type
            JEQ_K, 0, 4, reply,                    // 2: an echo reply? else keep (7)
            LD_H_IND, 0, 0, 4,                     // 3: A = identifier
            SUB_K, 0, 0, idBase & 0xffff,          // 4
            AND_K, 0, 0, 0xffff,                   // 5
            JGE_K, 1, 0, pages,                    // 6: drop (8) or keep (7)
            RET_K, 0, 0, KEEP,                     // 7
            RET_K, 0, 0, 0,                        // 8
        };
    }
}
