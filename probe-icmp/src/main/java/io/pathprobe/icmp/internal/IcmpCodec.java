package io.pathprobe.icmp.internal;

import java.nio.ByteBuffer;

/**
 * Encodes echo requests and parses what an ICMP socket receives, for IPv4 and IPv6, from and into
 * {@link ByteBuffer}s (heap in tests, direct native buffers on the receive path) with absolute big-endian reads.
 *
 * <p>Parsing never throws on bad input: truncated, malformed and foreign messages make it return {@code false}.
 *
 * <p>Echo payload layout (our own, so replies can be verified): bytes 0–7 a per-probe token, bytes 8–15 the
 * {@link System#nanoTime()} of sending, then the fill pattern. Shorter payloads carry what fits. A reply counts only
 * if it carries all of it ({@link #verifyReply}); an error only if its quote matches ({@link #quoteMatches}).
 */
public final class IcmpCodec {
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_DEST_UNREACH = 3;
    public static final int ICMP_ECHO_REQUEST = 8;
    public static final int ICMP_TIME_EXCEEDED = 11;
    public static final int ICMP6_DEST_UNREACH = 1;
    public static final int ICMP6_PACKET_TOO_BIG = 2;
    public static final int ICMP6_TIME_EXCEEDED = 3;
    public static final int ICMP6_ECHO_REQUEST = 128;
    public static final int ICMP6_ECHO_REPLY = 129;

    /** ICMP header size (type, code, checksum, id, seq). */
    public static final int HEADER = 8;
    /** The largest echo payload: 65535 − 20 (IPv4 header) − 8 (ICMP header), as ping's {@code -s}. */
    public static final int MAX_PAYLOAD = 65507;
    /** Payload bytes stamped per probe: token and send time. */
    public static final int STAMP = 16;

    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_ICMPV6 = 58;

    private IcmpCodec() {
    }

    /** The RFC 1071 Internet checksum of {@code len} bytes at {@code off}: ones' complement of the ones' complement sum. */
    public static int checksum(ByteBuffer b, int off, int len) {
        // Four bytes at a time: 2^16 is 1 in ones' complement arithmetic mod 2^16 - 1, so the sum of 32-bit words
        // folds to the sum of their 16-bit halves, whichever half a word puts first.
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; i + 3 < end; i += 4) {
            sum += b.getInt(i) & 0xffffffffL;
        }
        if (i + 1 < end) {
            sum += b.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8; // odd byte, padded with zero
        }
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /**
     * Writes an echo request at {@code off}: header, then {@code payloadSize} bytes (token, send time, pattern).
     * The ICMPv4 checksum is computed; ICMPv6's is left 0 for the kernel, which owns the pseudo-header.
     *
     * @param pattern fill bytes repeated after the stamp; empty = ping's default (byte i = i)
     * @return the message length, {@code 8 + payloadSize}
     */
    public static int encodeEchoRequest(ByteBuffer b, int off, boolean v6, int id, int seq, long token,
                                        long sendNanos, int payloadSize, byte[] pattern) {
        return encodeEchoRequest(b, off, v6, id, seq, token, sendNanos, payloadSize, pattern, -1);
    }

    /**
     * Like {@link #encodeEchoRequest(ByteBuffer, int, boolean, int, int, long, long, int, byte[])}, and with
     * {@code flowChecksum} 0..65534 (IPv4, payload of at least {@link #FLOW_STEER} + 2 bytes) steers the checksum
     * to that value with payload bytes {@code FLOW_STEER..FLOW_STEER+1}; -1 = off.
     */
    public static int encodeEchoRequest(ByteBuffer b, int off, boolean v6, int id, int seq, long token,
                                        long sendNanos, int payloadSize, byte[] pattern, int flowChecksum) {
        b.put(off, (byte) (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO_REQUEST));
        b.put(off + 1, (byte) 0);
        b.putShort(off + 2, (short) 0);
        b.putShort(off + 4, (short) id);
        b.putShort(off + 6, (short) seq);
        int p = off + HEADER;
        fillPayload(b, p, payloadSize, pattern);
        stampPayload(b, p, payloadSize, token, sendNanos);
        int len = HEADER + payloadSize;
        if (flowChecksum >= 0) {
            if (v6 || payloadSize < FLOW_STEER + 2 || flowChecksum > 0xfffe) {
                throw new IllegalArgumentException("flow checksum " + flowChecksum + " needs IPv4 and a payload of "
                        + (FLOW_STEER + 2) + "+ bytes");
            }
            steerChecksum(b, off, len, off + HEADER + FLOW_STEER, flowChecksum);
        } else if (!v6) {
            b.putShort(off + 2, (short) checksum(b, off, len));
        }
        return len;
    }

    /** Payload offset of the two bytes that steer the checksum to a flow's value: right after the stamp. */
    public static final int FLOW_STEER = STAMP;

    /**
     * Sets the 16-bit word at {@code steer} (an even distance from {@code off}) so that the Internet checksum of the
     * {@code len}-byte message at {@code off} is {@code wanted}, and writes that checksum. With the word and the
     * checksum field zero the message sums (ones' complement) to s; the word must bring the sum to ~wanted, so it
     * is ~wanted − s = ~wanted + ~s in ones' complement arithmetic.
     */
    static void steerChecksum(ByteBuffer b, int off, int len, int steer, int wanted) {
        b.putShort(off + 2, (short) 0);
        b.putShort(steer, (short) 0);
        int s = ~checksum(b, off, len) & 0xffff;
        int w = (~wanted & 0xffff) + (~s & 0xffff);
        w = (w & 0xffff) + (w >>> 16);
        b.putShort(steer, (short) w);
        b.putShort(off + 2, (short) checksum(b, off, len));
    }

    /** Fills a payload with the pattern (bytes past the stamp); separate so a template can be filled once. */
    /** Ping's default fill, byte i = i, for every payload size: copied and compared in bulk. */
    private static final byte[] DEFAULT_FILL = new byte[65536];
    private static final ByteBuffer DEFAULT_FILL_BUFFER = ByteBuffer.wrap(DEFAULT_FILL).asReadOnlyBuffer();

    static {
        for (int i = 0; i < DEFAULT_FILL.length; i++) {
            DEFAULT_FILL[i] = (byte) i;
        }
    }

    public static void fillPayload(ByteBuffer b, int p, int payloadSize, byte[] pattern) {
        int start = patternStart(payloadSize);
        if (pattern.length == 0) {
            b.put(p + start, DEFAULT_FILL, start, payloadSize - start);
        } else {
            for (int i = start; i < payloadSize; i++) {
                b.put(p + i, pattern[(i - start) % pattern.length]);
            }
        }
    }

    /**
     * Where the pattern starts in a payload of {@code payloadSize} bytes: after what of the stamp fits (token 8,
     * send time 8 more); every byte of a payload is either stamp or pattern, none left as it was in the buffer.
     */
    static int patternStart(int payloadSize) {
        return payloadSize >= STAMP ? STAMP : payloadSize >= 8 ? 8 : 0;
    }

    /** Writes token and send time into what the payload has room for. */
    public static void stampPayload(ByteBuffer b, int p, int payloadSize, long token, long sendNanos) {
        if (payloadSize >= 8) {
            b.putLong(p, token);
        }
        if (payloadSize >= STAMP) {
            b.putLong(p + 8, sendNanos);
        }
    }

    /** Longest time a probe may wait between encoding and leaving in its batch (a full socket buffer included). */
    static final long MAX_ENCODE_TO_SEND_NANOS = 60_000_000_000L;

    /**
     * Whether a payload starts with the probe's token (and, when it holds one, a send time that fits the probe).
     * A payload shorter than the token never matches: the token is the secret a blind attacker cannot guess, so a
     * reply or quote without it proves nothing.
     */
    public static boolean stampMatches(ByteBuffer b, int p, int len, long token, long sendNanos) {
        if (len < 8 || b.getLong(p) != token) {
            return false;
        }
        if (len < STAMP) {
            return true;
        }
        // The payload holds the time the probe was encoded; the table the time its batch really left, a little
        // later. The token identifies the probe; the stamp must fit before the send.
        long encodedBeforeSend = sendNanos - b.getLong(p + 8);
        return encodedBeforeSend >= 0 && encodedBeforeSend <= MAX_ENCODE_TO_SEND_NANOS;
    }

    /** {@link #verifyReply}: the reply carries exactly what was sent. */
    public static final int REPLY_OK = -1;
    /** {@link #verifyReply}: not an answer to this probe (no token, a wrong token, or no way to tell). */
    public static final int REPLY_FOREIGN = -2;

    /**
     * Checks an echo reply's payload against what the probe sent, as iputils checks the data: the same length,
     * the token and send time, and every pattern byte.
     *
     * @param sentPayload the payload size sent
     * @param steered     whether the two bytes at {@link #FLOW_STEER} were chosen to steer the checksum (they are
     *                    then not pattern bytes and are not compared)
     * @return {@link #REPLY_OK}; {@link #REPLY_FOREIGN}; or, for a reply that carries this probe's token but not
     *         the rest of its payload (ping's "wrong data byte"), the index of the first payload byte that differs
     *         (the reply's length, when it is shorter or longer and the bytes both have agree)
     */
    public static int verifyReply(ByteBuffer b, int p, int len, int sentPayload, long token, long sendNanos,
                                  byte[] pattern, boolean steered) {
        if (sentPayload >= 8) {
            if (!stampMatches(b, p, len, token, sendNanos)) {
                return REPLY_FOREIGN;
            }
        }
        int from = patternStart(sentPayload);
        int common = Math.min(len, sentPayload);
        if (pattern.length == 0 && !steered) {
            // The usual case, eight bytes at a time; the loop below finds the first wrong byte when one differs.
            int i = from;
            while (i + 7 < common && b.getLong(p + i) == DEFAULT_FILL_BUFFER.getLong(i)) {
                i += 8;
            }
            from = i;
        }
        for (int i = from; i < common; i++) {
            if (steered && (i == FLOW_STEER || i == FLOW_STEER + 1)) {
                continue;
            }
            byte want = pattern.length == 0 ? (byte) i : pattern[(i - from) % pattern.length];
            if (b.get(p + i) != want) {
                // Without a token (payloads under 8 bytes) a wrong byte cannot be told from a stranger's echo.
                return sentPayload >= 8 ? i : REPLY_FOREIGN;
            }
        }
        if (len != sentPayload) {
            return sentPayload >= 8 ? common : REPLY_FOREIGN;
        }
        return REPLY_OK;
    }

    /**
     * Whether the echo request an ICMP error quotes (as {@code m} parsed it: raw socket or error queue) is the
     * probe's. Identifier and sequence are the caller's (they chose the probe); this checks what only the probe's
     * sender knows. When the quote holds the token (routers that follow RFC 1812 or RFC 4443 quote far more than
     * 8 bytes, Linux up to 576 and 1280), the token and send time decide. A router that quotes only the IPv4
     * header and 8 bytes leaves type, code, checksum, identifier and sequence: then the quoted checksum must be
     * the one the probe was sent with; it sums the token, so it carries 16 secret bits on top of the random
     * identifier and sequence (48 in all; 32 with {@link io.pathprobe.icmp.IcmpOptions#FLOW_CHECKSUM}, which
     * makes the checksum public). ICMPv6 errors must quote the token: RFC 4443 has routers quote up to the
     * minimum MTU, and the prober cannot know the checksum the kernel computed.
     *
     * @param sentChecksum the ICMPv4 checksum the probe went out with (ignored for IPv6)
     */
    public static boolean quoteMatches(ByteBuffer b, IcmpMessage m, boolean v6, int sentPayload, int sentChecksum,
                                       long token, long sendNanos) {
        int quoted = Math.min(m.payloadLength, sentPayload);
        if (sentPayload >= 8 && quoted >= 8) {
            return stampMatches(b, m.payloadOffset, quoted, token, sendNanos);
        }
        if (v6) {
            // No token quoted: only a probe with no token to quote (payload under 8 bytes) may match, on its
            // random identifier and sequence.
            return sentPayload < 8;
        }
        return m.quotedChecksum == sentChecksum;
    }

    /**
     * Parses an IPv4 packet as a raw ICMP socket delivers it (IP header first, options allowed).
     *
     * @return whether it is an echo reply or an error quoting an echo request, with valid checksums
     */
    public static boolean parseIpv4(ByteBuffer b, int off, int len, IcmpMessage m) {
        m.reset();
        if (len < IPV4_MIN_HEADER) {
            return false;
        }
        int vihl = b.get(off) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < IPV4_MIN_HEADER || ihl > len) {
            return false;
        }
        if ((b.get(off + 9) & 0xff) != PROTO_ICMP) {
            return false;
        }
        int total = b.getShort(off + 2) & 0xffff;
        if (total < ihl) {
            return false;
        }
        if (total > len) {
            return false; // truncated
        }
        if ((b.getShort(off + 6) & 0x3fff) != 0) {
            return false; // a fragment: the kernel reassembles before delivery, so this is not ours
        }
        int ttl = b.get(off + 8) & 0xff;
        int src = b.getInt(off + 12);
        int dst = b.getInt(off + 16);
        if (!parseIcmp(b, off + ihl, total - ihl, false, m)) {
            return false;
        }
        if (m.kind != IcmpMessage.Kind.ECHO_REPLY && b.getInt(m.quotedDestinationOffset - 4) != dst) {
            return false; // an error about a packet we did not send: it quotes another source than us
        }
        m.ttl = ttl;
        m.sourceV4 = src;
        m.hasIpHeader = true;
        return true;
    }

    /**
     * Parses an ICMP (or ICMPv6) message with no IP header in front, as ping sockets and raw ICMPv6 sockets deliver
     * it. The ICMPv4 checksum is verified; the ICMPv6 one the kernel has already verified (it needs the
     * pseudo-header).
     */
    public static boolean parseIcmp(ByteBuffer b, int off, int len, boolean v6, IcmpMessage m) {
        return parseIcmp(b, off, len, v6, true, m);
    }

    /**
     * As {@link #parseIcmp(ByteBuffer, int, int, boolean, IcmpMessage)}, with {@code verify} false for what an
     * ICMPv4 ping socket delivers: the kernel verified that checksum already (icmp_rcv drops a message with a bad
     * one before ping_rcv hands it to a socket), so summing it again cost every reply a pass over its bytes.
     */
    public static boolean parseIcmp(ByteBuffer b, int off, int len, boolean v6, boolean verify, IcmpMessage m) {
        m.reset();
        if (len < HEADER) {
            return false;
        }
        if (verify && !v6 && checksum(b, off, len) != 0) {
            return false;
        }
        int type = b.get(off) & 0xff;
        int code = b.get(off + 1) & 0xff;
        m.type = type;
        m.code = code;
        m.icmpLength = len;
        if (type == (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY)) {
            if (code != 0) {
                return false;
            }
            m.kind = IcmpMessage.Kind.ECHO_REPLY;
            m.id = b.getShort(off + 4) & 0xffff;
            m.seq = b.getShort(off + 6) & 0xffff;
            m.payloadOffset = off + HEADER;
            m.payloadLength = len - HEADER;
            return true;
        }
        if (v6) {
            if (type == ICMP6_DEST_UNREACH) {
                m.kind = IcmpMessage.Kind.UNREACHABLE;
            } else if (type == ICMP6_PACKET_TOO_BIG) {
                m.kind = IcmpMessage.Kind.UNREACHABLE;
                m.mtu = b.getInt(off + 4);
            } else if (type == ICMP6_TIME_EXCEEDED) {
                m.kind = IcmpMessage.Kind.TIME_EXCEEDED;
            } else {
                return false;
            }
            return parseQuotedV6(b, off + HEADER, len - HEADER, m);
        }
        if (type == ICMP_DEST_UNREACH) {
            m.kind = IcmpMessage.Kind.UNREACHABLE;
            if (code == 4) {
                m.mtu = b.getShort(off + 6) & 0xffff;
            }
        } else if (type == ICMP_TIME_EXCEEDED) {
            m.kind = IcmpMessage.Kind.TIME_EXCEEDED;
        } else {
            return false;
        }
        return parseQuotedV4(b, off + HEADER, len - HEADER, m);
    }

    /** The quoted original of an ICMPv4 error: its IP header (options allowed) and at least 8 bytes of echo request. */
    private static boolean parseQuotedV4(ByteBuffer b, int off, int len, IcmpMessage m) {
        if (len < IPV4_MIN_HEADER + HEADER) {
            return false;
        }
        int vihl = b.get(off) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < IPV4_MIN_HEADER || ihl + HEADER > len) {
            return false;
        }
        if ((b.get(off + 9) & 0xff) != PROTO_ICMP || (b.getShort(off + 6) & 0x1fff) != 0) {
            return false; // not ICMP, or a non-first fragment (no ICMP header in it)
        }
        return parseQuotedEcho(b, off + ihl, len - ihl, ICMP_ECHO_REQUEST, off + 16, m);
    }

    /** The quoted original of an ICMPv6 error: the fixed IPv6 header, then an echo request (no extension headers). */
    private static boolean parseQuotedV6(ByteBuffer b, int off, int len, IcmpMessage m) {
        if (len < IPV6_HEADER + HEADER) {
            return false;
        }
        if (((b.get(off) & 0xff) >>> 4) != 6 || (b.get(off + 6) & 0xff) != PROTO_ICMPV6) {
            return false;
        }
        return parseQuotedEcho(b, off + IPV6_HEADER, len - IPV6_HEADER, ICMP6_ECHO_REQUEST, off + 24, m);
    }

    private static boolean parseQuotedEcho(ByteBuffer b, int off, int len, int requestType, int dstOffset,
                                           IcmpMessage m) {
        if ((b.get(off) & 0xff) != requestType || b.get(off + 1) != 0) {
            return false;
        }
        m.quotedChecksum = b.getShort(off + 2) & 0xffff;
        m.id = b.getShort(off + 4) & 0xffff;
        m.seq = b.getShort(off + 6) & 0xffff;
        m.payloadOffset = off + HEADER;
        m.payloadLength = len - HEADER;
        m.quotedDestinationOffset = dstOffset;
        return true;
    }

    /**
     * Parses the original echo request that the kernel returns from a ping socket's error queue (ICMP header and
     * payload, no IP header): only the sequence and the stamp matter; the kernel has matched the socket.
     */
    public static boolean parseOwnEcho(ByteBuffer b, int off, int len, boolean v6, IcmpMessage m) {
        m.reset();
        if (len < HEADER || (b.get(off) & 0xff) != (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO_REQUEST)) {
            return false;
        }
        m.quotedChecksum = b.getShort(off + 2) & 0xffff;
        m.id = b.getShort(off + 4) & 0xffff;
        m.seq = b.getShort(off + 6) & 0xffff;
        m.icmpLength = len;
        m.payloadOffset = off + HEADER;
        m.payloadLength = len - HEADER;
        return true;
    }
}
