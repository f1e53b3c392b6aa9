package io.pathprobe.testkit;

import io.pathprobe.nativeio.MessageBatch;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.SocketConstants;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A blind attacker for adversarial lab tests: a raw socket with {@code IP_HDRINCL} (IPPROTO_RAW) inside a node's
 * namespace that sends whole IP packets with any source address, in {@code sendmmsg} batches. It sees none of the
 * victim's traffic; it can only spray guesses. Packets are built by a {@link PacketSource} into the batch memory;
 * {@link #ipv4}, {@link #ipv6} and {@link #icmp} help build them. Closed with {@link #close()}.
 */
public final class Forger implements AutoCloseable {
    private static final int BATCH = 256;
    private static final int SLOT = 1280;
    /** The longest spray: a test that needs more guesses than this is not a bounded test. */
    public static final long MAX_PACKETS = 4L << 16;

    /** Writes packet number {@code i} at {@code off} in {@code b} and returns its length (at most 1280 bytes). */
    @FunctionalInterface
    public interface PacketSource {
        int write(long i, ByteBuffer b, int off);
    }

    private final NativeSocket socket;
    private final boolean v6;
    private final MessageBatch batch = new MessageBatch(BATCH, SLOT, 0);

    private Forger(NativeSocket socket, boolean v6) {
        this.socket = socket;
        this.v6 = v6;
    }

    /** A forger in {@code node}'s namespace sending IPv4 ({@code v6} false) or IPv6 packets. */
    public static Forger on(Node node, boolean v6) throws Exception {
        return node.call(() -> new Forger(NativeSocket.open(v6 ? SocketConstants.AF_INET6 : SocketConstants.AF_INET,
                SocketConstants.SOCK_RAW | SocketConstants.SOCK_CLOEXEC, 255 /* IPPROTO_RAW: header included */),
                v6));
    }

    /**
     * Sends {@code count} packets (at most {@link #MAX_PACKETS}) toward {@code to}, waiting when the socket buffer
     * is full, and stops at {@code limit}.
     *
     * @return how many were sent
     */
    public long spray(InetAddress to, long count, Duration limit, PacketSource source) throws NativeIoException {
        Objects.requireNonNull(to, "to");
        if ((to instanceof Inet4Address) == v6) {
            throw new IllegalArgumentException("this forger sends " + (v6 ? "IPv6" : "IPv4") + ", not to " + to);
        }
        if (count < 0 || count > MAX_PACKETS) {
            throw new IllegalArgumentException("spray 0 to " + MAX_PACKETS + " packets, not " + count);
        }
        long deadline = System.nanoTime() + limit.toNanos();
        long sent = 0;
        ByteBuffer d = batch.data();
        while (sent < count && System.nanoTime() < deadline) {
            int n = (int) Math.min(BATCH, count - sent);
            for (int k = 0; k < n; k++) {
                int len = source.write(sent + k, d, batch.dataOffset(k));
                batch.prepareSend(k, to, len);
            }
            int from = 0;
            while (from < n) {
                int r = batch.send(socket.fd(), from, n - from);
                if (r < 0) {
                    if (-r == SocketConstants.EINTR || -r == SocketConstants.ENOBUFS) {
                        continue;
                    }
                    throw new NativeIoException("sendmmsg of forged packets", -r);
                }
                from += r;
            }
            sent += n;
        }
        return sent;
    }

    // ---- packet building

    /** An IPv4 header at {@code off} (no options, TTL 64, checksum set); returns 20. */
    public static int ipv4(ByteBuffer b, int off, InetAddress src, InetAddress dst, int protocol, int payloadLength) {
        b.put(off, (byte) 0x45);
        b.put(off + 1, (byte) 0);
        b.putShort(off + 2, (short) (20 + payloadLength));
        b.putInt(off + 4, 0);
        b.put(off + 8, (byte) 64);
        b.put(off + 9, (byte) protocol);
        b.putShort(off + 10, (short) 0);
        b.put(off + 12, src.getAddress());
        b.put(off + 16, dst.getAddress());
        b.putShort(off + 10, (short) checksum(b, off, 20, 0));
        return 20;
    }

    /** An IPv6 header at {@code off} (hop limit 64); returns 40. */
    public static int ipv6(ByteBuffer b, int off, InetAddress src, InetAddress dst, int nextHeader,
                           int payloadLength) {
        b.putInt(off, 0x60000000);
        b.putShort(off + 4, (short) payloadLength);
        b.put(off + 6, (byte) nextHeader);
        b.put(off + 7, (byte) 64);
        b.put(off + 8, src.getAddress());
        b.put(off + 24, dst.getAddress());
        return 40;
    }

    /**
     * An ICMP (IPv4) or ICMPv6 message in a packet from {@code src} to {@code dst}: IP header, then type, code,
     * the 4 bytes {@code rest} (identifier and sequence of an echo; unused/MTU of an error), then {@code bodyLength}
     * bytes the caller has already written at {@code off + ipHeader + 8}. The checksum is computed (over the
     * pseudo-header for ICMPv6).
     *
     * @return the packet length
     */
    public static int icmp(ByteBuffer b, int off, InetAddress src, InetAddress dst, int type, int code, int rest,
                           int bodyLength) {
        boolean six = !(src instanceof Inet4Address);
        int ip = six ? ipv6(b, off, src, dst, 58, 8 + bodyLength) : ipv4(b, off, src, dst, 1, 8 + bodyLength);
        int m = off + ip;
        b.put(m, (byte) type);
        b.put(m + 1, (byte) code);
        b.putShort(m + 2, (short) 0);
        b.putInt(m + 4, rest);
        long pseudo = 0;
        if (six) {
            pseudo = sum(b, off + 8, 32) + 8 + bodyLength + 58;
        }
        b.putShort(m + 2, (short) checksum(b, m, 8 + bodyLength, pseudo));
        return ip + 8 + bodyLength;
    }

    /**
     * An echo reply from {@code src} to {@code dst} with {@code bodyLength} bytes of junk (derived from
     * {@code seed}) as its payload: what a blind attacker can send, not knowing any probe's token.
     *
     * @return the packet length
     */
    public static int echoReply(ByteBuffer b, int off, InetAddress src, InetAddress dst, int id, int seq,
                                int bodyLength, long seed) {
        boolean six = !(src instanceof Inet4Address);
        int at = off + (six ? 40 : 20) + 8;
        for (int k = 0; k < bodyLength; k++) {
            b.put(at + k, (byte) (seed * 31 + k));
        }
        return icmp(b, off, src, dst, six ? 129 : 0, 0, (id & 0xffff) << 16 | (seq & 0xffff), bodyLength);
    }

    /** Writes the quoted transport header and payload of an ICMP error at {@code off}; returns its length. */
    @FunctionalInterface
    public interface Quote {
        int write(ByteBuffer b, int off);
    }

    /**
     * An ICMP error (e.g. 11/0 Time Exceeded, 3/3 port unreachable; ICMPv6 3/0, 1/4) from {@code from} to
     * {@code to}, quoting a packet {@code quotedSrc} → {@code quotedDst} of {@code quotedProtocol} whose transport
     * bytes {@code quote} writes (8 of them is what RFC 792 asks routers for).
     *
     * @return the packet length
     */
    public static int error(ByteBuffer b, int off, InetAddress from, InetAddress to, int type, int code,
                            InetAddress quotedSrc, InetAddress quotedDst, int quotedProtocol, Quote quote) {
        boolean six = !(from instanceof Inet4Address);
        int ip = six ? 40 : 20;
        int q = off + ip + 8;
        int transport = quote.write(b, q + ip);
        if (six) {
            ipv6(b, q, quotedSrc, quotedDst, quotedProtocol, transport);
        } else {
            ipv4(b, q, quotedSrc, quotedDst, quotedProtocol, transport);
        }
        return icmp(b, off, from, to, type, code, 0, ip + transport);
    }

    /**
     * The quote of an echo request: type, code, {@code checksum}, identifier, sequence and {@code payloadLength}
     * bytes of junk from {@code seed} (0 for an 8-byte quote).
     */
    public static Quote echoRequest(boolean v6, int id, int seq, int checksum, int payloadLength, long seed) {
        return (b, off) -> {
            b.put(off, (byte) (v6 ? 128 : 8));
            b.put(off + 1, (byte) 0);
            b.putShort(off + 2, (short) checksum);
            b.putShort(off + 4, (short) id);
            b.putShort(off + 6, (short) seq);
            for (int k = 0; k < payloadLength; k++) {
                b.put(off + 8 + k, (byte) (seed + k));
            }
            return 8 + payloadLength;
        };
    }

    /** The Internet checksum of {@code len} bytes at {@code off} plus {@code extra} (a pseudo-header's sum). */
    public static int checksum(ByteBuffer b, int off, int len, long extra) {
        long s = sum(b, off, len) + extra;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    private static long sum(ByteBuffer b, int off, int len) {
        long s = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += b.getShort(off + i) & 0xffff;
        }
        if (i < len) {
            s += (b.get(off + i) & 0xff) << 8;
        }
        return s;
    }

    @Override
    public void close() throws NativeIoException {
        socket.close();
    }
}
