package io.pathprobe.icmp.internal;

import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.nativeio.Privileges;
import io.pathprobe.core.internal.ProcFiles;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.ReceiveClock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.EADDRINUSE;
import static io.pathprobe.nativeio.SocketConstants.AF_INET6;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_ICMP;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_ICMPV6;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_IPV6;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static io.pathprobe.nativeio.SocketConstants.SOCK_RAW;
import static io.pathprobe.nativeio.SocketConstants.SOL_IP;
import static io.pathprobe.nativeio.SocketConstants.SOL_RAW;
import static io.pathprobe.nativeio.SocketConstants.SOL_SOCKET;

/** Opens and sets up ICMP sockets: ping (datagram) or raw, IPv4 or IPv6. */
public final class IcmpSockets {
    private static final int RECEIVE_BUFFER = 8 << 20;
    private static final int SEND_BUFFER = 1 << 20;

    private static final InetAddress WILDCARD_V4 = wildcard(new byte[4]);
    private static final InetAddress WILDCARD_V6 = wildcard(new byte[16]);

    private IcmpSockets() {
    }

    private static InetAddress wildcard(byte[] zeros) {
        try {
            return InetAddress.getByAddress(zeros);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A non-blocking ICMP socket, set up for echo probes: big buffers; raw sockets filtered to echo replies and the
     * errors that quote echoes; ping sockets with the error queue on; TTL / hop limit reported with each reply;
     * Don't Fragment and the vantage point's interface and source address applied.
     */
    static NativeSocket open(boolean v6, boolean raw, boolean dontFragment, LocalVantagePoint vp) throws NativeIoException {
        NativeSocket s = NativeSocket.open(v6 ? AF_INET6 : AF_INET, (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
                v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
        try {
            setUp(s, v6, raw, dontFragment, vp);
            return s;
        } catch (NativeIoException | RuntimeException e) {
            try {
                s.close();
            } catch (NativeIoException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void setUp(NativeSocket s, boolean v6, boolean raw, boolean df, LocalVantagePoint vp)
            throws NativeIoException {
        bufferSize(s, 33 /* SO_RCVBUFFORCE */, 8 /* SO_RCVBUF */, RECEIVE_BUFFER);
        bufferSize(s, 32 /* SO_SNDBUFFORCE */, 7 /* SO_SNDBUF */, SEND_BUFFER);
        // Kernel receive times: an RTT then ends when the answer arrived, not when a busy loop read it.
        ReceiveClock.enable(s);
        if (v6) {
            s.setInt(IPPROTO_IPV6, 51 /* IPV6_RECVHOPLIMIT */, 1);
            if (raw) {
                s.setBytes(IPPROTO_ICMPV6, 1 /* ICMP6_FILTER */, icmp6Filter());
            } else {
                s.setInt(IPPROTO_IPV6, 25 /* IPV6_RECVERR */, 1);
            }
            if (df) {
                s.setInt(IPPROTO_IPV6, 62 /* IPV6_DONTFRAG */, 1);
            }
        } else {
            if (raw) {
                // ICMP_FILTER blocks the types whose bits are set: pass echo reply, unreachable, time exceeded.
                int pass = 1 << IcmpCodec.ICMP_ECHO_REPLY | 1 << IcmpCodec.ICMP_DEST_UNREACH | 1 << IcmpCodec.ICMP_TIME_EXCEEDED;
                s.setInt(SOL_RAW, 1 /* ICMP_FILTER */, ~pass);
            } else {
                s.setInt(SOL_IP, 11 /* IP_RECVERR */, 1);
                s.setInt(SOL_IP, 12 /* IP_RECVTTL */, 1);
            }
            if (df) {
                s.setInt(SOL_IP, 10 /* IP_MTU_DISCOVER */, 2 /* IP_PMTUDISC_DO */);
            }
        }
        if (vp.interfaceName().isPresent()) {
            s.bindToDevice(vp.interfaceName().get());
        }
        InetAddress local = vp.sourceAddress().orElse(v6 ? WILDCARD_V6 : WILDCARD_V4);
        if (!raw) {
            // Binding now (not at the first send) fixes the identifier the kernel will write, so the lane knows it.
            bindRandomIdentifier(s, local);
        } else if (vp.sourceAddress().isPresent()) {
            s.bind(new InetSocketAddress(local, 0));
        }
    }

    /** Binds tried at random before the kernel's own choice; a crowded host (thousands of ping sockets) may need some. */
    private static final int RANDOM_BIND_ATTEMPTS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Binds a ping socket to a random echo identifier (its "port"). Left to itself the kernel hands identifiers
     * out in turn from one counter for the whole host (ping_get_port), which a blind attacker can guess; a random
     * one is 16 bits it must guess. An identifier in use fails with EADDRINUSE: try another, and after a few let
     * the kernel choose.
     */
    private static void bindRandomIdentifier(NativeSocket s, InetAddress local) throws NativeIoException {
        for (int i = 0; i < RANDOM_BIND_ATTEMPTS; i++) {
            try {
                s.bind(new InetSocketAddress(local, 1 + RANDOM.nextInt(65535)));
                return;
            } catch (NativeIoException e) {
                if (e.errno() != EADDRINUSE) {
                    throw e;
                }
            }
        }
        s.bind(new InetSocketAddress(local, 0));
    }

    /** struct icmp6_filter: 256 bits, a set bit blocks the type; pass replies and the errors quoting echoes. */
    private static byte[] icmp6Filter() {
        int[] words = {-1, -1, -1, -1, -1, -1, -1, -1};
        for (int type : new int[] {IcmpCodec.ICMP6_DEST_UNREACH, IcmpCodec.ICMP6_PACKET_TOO_BIG,
                IcmpCodec.ICMP6_TIME_EXCEEDED, IcmpCodec.ICMP6_ECHO_REPLY}) {
            words[type >> 5] &= ~(1 << (type & 31));
        }
        byte[] b = new byte[32];
        for (int w = 0; w < 8; w++) { // host (little-endian) order, as the kernel reads the u32s
            for (int k = 0; k < 4; k++) {
                b[w * 4 + k] = (byte) (words[w] >>> (8 * k));
            }
        }
        return b;
    }

    /** The forced size as root (beyond net.core.rmem_max), else the capped one; failure leaves the default. */
    private static void bufferSize(NativeSocket s, int force, int plain, int bytes) {
        try {
            s.setInt(SOL_SOCKET, force, bytes);
            return;
        } catch (NativeIoException notRoot) {
            // fall through to the capped option
        }
        try {
            s.setInt(SOL_SOCKET, plain, bytes);
        } catch (NativeIoException ignored) {
            // the default buffer still works, with less headroom for bursts
        }
    }

    /**
     * Whether a socket of this kind opens here (in the calling thread's network namespace).
     *
     * @return null when it opens, else the failure
     */
    public static NativeIoException tryOpen(boolean v6, boolean raw) {
        try {
            NativeSocket s = NativeSocket.open(v6 ? AF_INET6 : AF_INET, (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_CLOEXEC,
                    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
            s.close();
            return null;
        } catch (NativeIoException e) {
            return e;
        }
    }

    /** The ping group range of this network namespace, e.g. "1 0" (disabled), or "?" when unreadable. */
    public static String pingGroupRange() {
        try {
            return ProcFiles.readSysctl(Path.of("/proc/sys/net/ipv4/ping_group_range"));
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    static boolean isRoot() {
        return Privileges.isRoot();
    }
}
