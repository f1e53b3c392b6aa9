package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.AF_INET6;
import static io.pathprobe.nativeio.SocketConstants.EACCES;
import static io.pathprobe.nativeio.SocketConstants.EAFNOSUPPORT;
import static io.pathprobe.nativeio.SocketConstants.EAGAIN;
import static io.pathprobe.nativeio.SocketConstants.EINPROGRESS;
import static io.pathprobe.nativeio.SocketConstants.EINTR;
import static io.pathprobe.nativeio.SocketConstants.EPERM;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_ICMP;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_ICMPV6;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static io.pathprobe.nativeio.SocketConstants.SOCK_RAW;

import io.pathprobe.nativeio.internal.LibC;

import java.io.Closeable;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import jnr.ffi.Pointer;

/**
 * Owns one socket file descriptor made with {@code socket(2)}: options, bind, unconnected send/receive, close.
 * Failures throw {@link NativeIoException}; on the hot paths ({@link #sendTo}, {@link #receive}) "would block"
 * is the return value {@code -EAGAIN} instead, so a non-blocking socket costs no exception when it is full or empty.
 *
 * <p>Not thread-safe in general; the send path and the receive path use separate scratch memory, so one sending
 * thread and one receiving thread may work at the same time. Static methods taking an {@code int fd} serve
 * descriptors owned by others (e.g. a Netty channel's).
 */
public final class NativeSocket implements Closeable {
    private static final int SEND_ADDR = 0;
    private static final int RECV_ADDR = NativeLayout.SOCKADDR_STORAGE_SIZE;
    private static final int RECV_ADDRLEN = 2 * NativeLayout.SOCKADDR_STORAGE_SIZE;
    private static final int SCRATCH_SIZE = RECV_ADDRLEN + 8;

    private final int family;
    private final int type;
    private final Pointer scratch;
    private final Pointer receiveAddress;
    private final Pointer receiveAddressLength;
    private volatile int fd;
    private volatile boolean errorQueueEnabled;

    // Send-path cache: a prober sends to one destination many times; encode it once.
    private InetSocketAddress lastDestination;
    private int lastDestinationLength;

    private NativeSocket(int fd, int family, int type) {
        this.fd = fd;
        this.family = family;
        this.type = type;
        this.scratch = NativeIo.allocate(SCRATCH_SIZE);
        this.receiveAddress = scratch.slice(RECV_ADDR);
        this.receiveAddressLength = scratch.slice(RECV_ADDRLEN);
    }

    /**
     * {@code socket(family, type, protocol)}.
     *
     * @param family   {@link SocketConstants#AF_INET} or {@link SocketConstants#AF_INET6}
     * @param type     e.g. {@code SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC}
     * @param protocol e.g. {@link SocketConstants#IPPROTO_ICMP}, 0 for the default
     * @throws NativeIoException with a hint for the usual permission failures of ICMP sockets
     */
    public static NativeSocket open(int family, int type, int protocol) throws NativeIoException {
        if (family != AF_INET && family != AF_INET6) {
            throw new IllegalArgumentException("unsupported address family " + family
                    + "; use AF_INET (2) or AF_INET6 (10)");
        }
        int fd = NativeIo.sockets().socket(family, type, protocol);
        if (fd < 0) {
            int errno = NativeIo.lastErrno();
            throw new NativeIoException("socket(" + (family == AF_INET ? "AF_INET" : "AF_INET6") + ", "
                    + typeName(type) + ", " + protocol + ")", errno, openHint(errno, family, type, protocol));
        }
        try {
            return new NativeSocket(fd, family, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
        } catch (RuntimeException | Error e) {
            NativeIo.sockets().close(fd);
            throw e;
        }
    }

    private static String openHint(int errno, int family, int type, int protocol) {
        int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        boolean icmp = protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6;
        if (base == SOCK_RAW && (errno == EPERM || errno == EACCES)) {
            return "raw sockets need root or CAP_NET_RAW (an ambient capability for this run, or a capability on a "
                    + "copy of the Java runtime kept for it; not on the system's java, which every Java program uses)";
        }
        if (base == SOCK_DGRAM && icmp && (errno == EACCES || errno == EPERM)) {
            return "unprivileged ICMP sockets need the process's group inside net.ipv4.ping_group_range"
                    + " (e.g. sysctl -w net.ipv4.ping_group_range='0 2147483647'), or run as root";
        }
        if (errno == EAFNOSUPPORT && family == AF_INET6) {
            return "IPv6 is not available on this host";
        }
        return null;
    }

    private static String typeName(int type) {
        int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        String s = base == SOCK_DGRAM ? "SOCK_DGRAM" : base == SOCK_RAW ? "SOCK_RAW"
                : base == SocketConstants.SOCK_STREAM ? "SOCK_STREAM" : Integer.toString(base);
        if ((type & SOCK_NONBLOCK) != 0) {
            s += "|SOCK_NONBLOCK";
        }
        if ((type & SOCK_CLOEXEC) != 0) {
            s += "|SOCK_CLOEXEC";
        }
        return s;
    }

    /** The descriptor, e.g. to register with an event loop; -1 once closed. */
    public int fd() {
        return fd;
    }

    /** {@link SocketConstants#AF_INET} or {@link SocketConstants#AF_INET6}. */
    public int family() {
        return family;
    }

    /** The socket type without the NONBLOCK/CLOEXEC flags, e.g. {@link SocketConstants#SOCK_DGRAM}. */
    public int type() {
        return type;
    }

    public boolean isOpen() {
        return fd >= 0;
    }

    private int liveFd() throws NativeIoException {
        int f = fd;
        if (f < 0) {
            throw new NativeIoException("socket already closed", SocketConstants.EBADF);
        }
        return f;
    }

    /** {@code setsockopt(level, option, &int, 4)}. */
    public void setInt(int level, int option, int value) throws NativeIoException {
        setInt(liveFd(), level, option, value);
        if ((level == SocketConstants.SOL_IP && option == SocketConstants.IP_RECVERR)
                || (level == SocketConstants.SOL_IPV6 && option == SocketConstants.IPV6_RECVERR)) {
            errorQueueEnabled = value != 0;
        }
    }

    /**
     * Turns on the error queue: {@code IP_RECVERR} for an IPv4 socket, {@code IPV6_RECVERR} for an IPv6 one (which
     * then also queues errors of IPv4-mapped traffic only through {@code IP_RECVERR}; set that too if you need
     * it). ICMP errors for this socket's datagrams then wait in the queue for {@link ErrorQueue}.
     *
     * <p>The kernel also hands such an error once to the next send or receive call as its result. With the error
     * queue on, {@link #sendTo} and {@link #receive} retry once in that case, so their result is about their own
     * datagram and the error is read from the queue only. (Enabling the option through {@link #setInt} has the
     * same effect; through the static {@code setInt(int fd, ...)} it has not.)
     */
    public void enableErrorQueue() throws NativeIoException {
        if (family == AF_INET6) {
            setInt(SocketConstants.SOL_IPV6, SocketConstants.IPV6_RECVERR, 1);
        } else {
            setInt(SocketConstants.SOL_IP, SocketConstants.IP_RECVERR, 1);
        }
    }

    /** {@code getsockopt(level, option)} of an int option. */
    public int getInt(int level, int option) throws NativeIoException {
        return getInt(liveFd(), level, option);
    }

    /** {@code setsockopt} with an arbitrary value, e.g. the 32-byte {@code ICMP6_FILTER}. */
    public void setBytes(int level, int option, byte[] value) throws NativeIoException {
        setBytes(liveFd(), level, option, value);
    }

    /**
     * Attaches (or replaces) a classic BPF socket filter ({@code SO_ATTACH_FILTER}): packets the program returns 0
     * for are dropped before they reach the socket's buffer.
     *
     * @param program instructions as {@code {code, jt, jf, k}} quadruples, in order (struct sock_filter)
     */
    public void attachFilter(int[] program) throws NativeIoException {
        if (program.length == 0 || program.length % 4 != 0 || program.length / 4 > 4096) {
            throw new IllegalArgumentException("a BPF program is 1 to 4096 {code, jt, jf, k} quadruples");
        }
        int n = program.length / 4;
        jnr.ffi.Pointer insns = NativeIo.allocate(n * 8);
        for (int i = 0; i < n; i++) {
            insns.putShort(i * 8L, (short) program[4 * i]);
            insns.putByte(i * 8L + 2, (byte) program[4 * i + 1]);
            insns.putByte(i * 8L + 3, (byte) program[4 * i + 2]);
            insns.putInt(i * 8L + 4, program[4 * i + 3]);
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: 16 bytes, host order; the kernel
        // copies the program during the call.
        byte[] fprog = new byte[16];
        Bytes.putIntLE(fprog, 0, n); // the u16 length and two bytes of padding
        Bytes.putLongLE(fprog, 8, insns.address());
        setBytes(SocketConstants.SOL_SOCKET, SocketConstants.SO_ATTACH_FILTER, fprog);
        java.lang.ref.Reference.reachabilityFence(insns);
    }

    /** {@code SO_BINDTODEVICE}: only traffic through this interface (needs CAP_NET_RAW on older kernels). */
    public void bindToDevice(String interfaceName) throws NativeIoException {
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > 15) {
            throw new IllegalArgumentException("interface name must be 1 to 15 characters, got '" + interfaceName
                    + "'");
        }
        byte[] value = new byte[name.length + 1];
        System.arraycopy(name, 0, value, 0, name.length);
        setBytes(SocketConstants.SOL_SOCKET, SocketConstants.SO_BINDTODEVICE, value);
    }

    /** {@code setsockopt(fd, level, option, &int, 4)} on any descriptor. */
    public static void setInt(int fd, int level, int option, int value) throws NativeIoException {
        if (NativeIo.sockets().setsockopt(fd, level, option, new int[] {value}, 4) != 0) {
            throw new NativeIoException("setsockopt(" + optionName(level, option) + ", " + value + ")",
                    NativeIo.lastErrno());
        }
    }

    /** {@code getsockopt} of an int option on any descriptor. */
    public static int getInt(int fd, int level, int option) throws NativeIoException {
        int[] value = new int[1];
        int[] length = {4};
        if (NativeIo.sockets().getsockopt(fd, level, option, value, length) != 0) {
            throw new NativeIoException("getsockopt(" + optionName(level, option) + ")", NativeIo.lastErrno());
        }
        return value[0];
    }

    /** {@code setsockopt} with a byte array value on any descriptor. */
    public static void setBytes(int fd, int level, int option, byte[] value) throws NativeIoException {
        if (NativeIo.libc().setsockopt(fd, level, option, value, value.length) != 0) {
            throw new NativeIoException("setsockopt(" + optionName(level, option) + ", " + value.length + " bytes)",
                    NativeIo.lastErrno());
        }
    }

    /**
     * {@code poll(2)} on one descriptor.
     *
     * @return the returned events ({@code revents}), 0 when the timeout passed
     */
    public static int poll(int fd, int events, int timeoutMillis) throws NativeIoException {
        // struct pollfd {int fd; short events; short revents;} as two ints (little-endian: events in the low half).
        int[] pollfd = {fd, events & 0xffff};
        int n = NativeIo.libc().poll(pollfd, 1, timeoutMillis);
        if (n < 0) {
            int errno = NativeIo.lastErrno();
            if (errno == EINTR) {
                return 0;
            }
            throw new NativeIoException("poll", errno);
        }
        return n == 0 ? 0 : pollfd[1] >>> 16;
    }

    /** {@code bind(2)}; port 0 picks a free port. */
    public void bind(InetSocketAddress local) throws NativeIoException {
        byte[] sa = SockAddr.encode(local, family);
        if (NativeIo.libc().bind(liveFd(), sa, sa.length) != 0) {
            throw new NativeIoException("bind " + local.getAddress().getHostAddress() + ":" + local.getPort(),
                    NativeIo.lastErrno());
        }
    }

    /**
     * {@code connect(2)}.
     *
     * @return true when connected, false when a non-blocking connect is in progress ({@code EINPROGRESS})
     */
    public boolean connect(InetSocketAddress remote) throws NativeIoException {
        byte[] sa = SockAddr.encode(remote, family);
        if (NativeIo.libc().connect(liveFd(), sa, sa.length) != 0) {
            int errno = NativeIo.lastErrno();
            if (errno == EINPROGRESS) {
                return false;
            }
            throw new NativeIoException("connect " + remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                    errno);
        }
        return true;
    }

    /** {@code getsockname(2)}: the bound local address (for ping sockets the port is the echo identifier). */
    public InetSocketAddress localAddress() throws NativeIoException {
        byte[] sa = new byte[NativeLayout.SOCKADDR_STORAGE_SIZE];
        int[] length = {sa.length};
        if (NativeIo.libc().getsockname(liveFd(), sa, length) != 0) {
            throw new NativeIoException("getsockname", NativeIo.lastErrno());
        }
        return SockAddr.decode(sa, 0, length[0]);
    }

    /**
     * Sends the buffer's remaining bytes as one datagram to {@code to} and advances its position by the number sent
     * (as {@link java.nio.channels.DatagramChannel#send} does). A direct buffer is passed without copying.
     *
     * @return bytes sent, or {@code -EAGAIN} when a non-blocking socket's send buffer is full (nothing sent)
     * @throws NativeIoException for any other failure of this datagram (e.g. ENETUNREACH, EMSGSIZE)
     * @see #enableErrorQueue()
     */
    public int sendTo(ByteBuffer data, InetSocketAddress to) throws NativeIoException {
        int n = send(data, null, data.remaining(), to);
        if (n > 0) {
            data.position(data.position() + n);
        }
        return n;
    }

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as one datagram to {@code to}.
     *
     * @return bytes sent, or {@code -EAGAIN} when a non-blocking socket's send buffer is full
     * @throws NativeIoException for any other failure of this datagram
     */
    public int sendTo(byte[] data, int offset, int length, InetSocketAddress to) throws NativeIoException {
        Objects.checkFromIndexSize(offset, length, data.length);
        return offset == 0 ? send(null, data, length, to)
                : send(ByteBuffer.wrap(data, offset, length), null, length, to);
    }

    private int send(ByteBuffer buffer, byte[] array, int length, InetSocketAddress to) throws NativeIoException {
        int f = liveFd();
        int addrLength = destination(to);
        for (int attempt = 0; ; attempt++) {
            LibC libc = NativeIo.libc();
            long n = buffer != null ? libc.sendto(f, buffer, length, 0, scratch, addrLength)
                    : libc.sendto(f, array, length, 0, scratch, addrLength);
            if (n >= 0) {
                return (int) n;
            }
            int errno = NativeIo.lastErrno();
            if (errno == EAGAIN) {
                return -EAGAIN;
            }
            if (!retries(errno, attempt)) {
                throw new NativeIoException("sendto " + to.getAddress().getHostAddress() + ":" + to.getPort(), errno);
            }
        }
    }

    /**
     * Whether a send or receive that failed with {@code errno} on its {@code attempt}th try (from 0) is tried once
     * more: after EINTR, and with the error queue on after any error. A failure may be an earlier datagram's ICMP
     * error that the kernel hands to the next call (sk_err); the call clears it, and with the error queue on the
     * error is kept there, so one retry sends (or receives) this datagram.
     */
    private boolean retries(int errno, int attempt) {
        return attempt == 0 && (errorQueueEnabled || errno == EINTR);
    }

    private int destination(InetSocketAddress to) {
        // InetSocketAddress.equals ignores IPv6 scope ids, which are part of the encoding: compare them too.
        if (to != lastDestination && !(to.equals(lastDestination) && scopeId(to) == scopeId(lastDestination))) {
            lastDestinationLength = SockAddr.encode(to, family, scratch, SEND_ADDR);
            lastDestination = to;
        }
        return lastDestinationLength;
    }

    private static int scopeId(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? ((Inet6Address) a.getAddress()).getScopeId() : 0;
    }

    /**
     * Receives one datagram into the buffer's remaining space (a longer datagram is cut) and advances its position;
     * the sender is then available from {@link #lastSender()}.
     *
     * @param flags e.g. {@link SocketConstants#MSG_DONTWAIT}, 0 to follow the socket's blocking mode
     * @return the datagram's length as received, or {@code -EAGAIN} when nothing is waiting
     * @throws NativeIoException for any other failure
     */
    public int receive(ByteBuffer into, int flags) throws NativeIoException {
        int f = liveFd();
        for (int attempt = 0; ; attempt++) {
            receiveAddressLength.putInt(0, NativeLayout.SOCKADDR_STORAGE_SIZE);
            long n = NativeIo.libc().recvfrom(f, into, into.remaining(), flags, receiveAddress, receiveAddressLength);
            if (n >= 0) {
                into.position(into.position() + (int) Math.min(n, into.remaining()));
                return (int) n;
            }
            int errno = NativeIo.lastErrno();
            if (errno == EAGAIN) {
                return -EAGAIN;
            }
            if (!retries(errno, attempt)) {
                throw new NativeIoException("recvfrom", errno);
            }
        }
    }

    /** The sender of the datagram last returned by {@link #receive}; null before any (or for an unknown family). */
    public InetSocketAddress lastSender() {
        int length = scratch.getInt(RECV_ADDRLEN);
        return SockAddr.decode(scratch, RECV_ADDR, Math.min(length, NativeLayout.SOCKADDR_STORAGE_SIZE));
    }

    /**
     * Receives one datagram into {@code into} (position advanced) without waiting.
     *
     * @return its sender, or null when nothing was waiting
     */
    public InetSocketAddress receiveFrom(ByteBuffer into) throws NativeIoException {
        return receive(into, SocketConstants.MSG_DONTWAIT) < 0 ? null : lastSender();
    }

    /** Closes the descriptor; later calls do nothing. */
    @Override
    public void close() throws NativeIoException {
        int f = fd;
        if (f < 0) {
            return;
        }
        fd = -1;
        // Linux releases the descriptor even when close reports EINTR: never retry.
        if (NativeIo.sockets().close(f) != 0) {
            int errno = NativeIo.lastErrno();
            if (errno != EINTR) {
                throw new NativeIoException("close", errno);
            }
        }
    }

    @Override
    public String toString() {
        return "NativeSocket[fd=" + fd + ", " + (family == AF_INET ? "AF_INET" : "AF_INET6") + ", "
                + typeName(type) + "]";
    }

    /** A socket option {@link #optionName} names. */
    private record KnownOption(int level, int option, String name) {
    }

    private static final KnownOption[] KNOWN_OPTIONS = {
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, "SO_RCVBUF"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, "SO_SNDBUF"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUFFORCE, "SO_RCVBUFFORCE"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUFFORCE, "SO_SNDBUFFORCE"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_BINDTODEVICE, "SO_BINDTODEVICE"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS, "SO_TIMESTAMPNS"),
            new KnownOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_MARK, "SO_MARK"),
            new KnownOption(SocketConstants.SOL_IP, SocketConstants.IP_TOS, "IP_TOS"),
            new KnownOption(SocketConstants.SOL_IP, SocketConstants.IP_TTL, "IP_TTL"),
            new KnownOption(SocketConstants.SOL_IP, SocketConstants.IP_RECVERR, "IP_RECVERR"),
            new KnownOption(SocketConstants.SOL_IP, SocketConstants.IP_RECVTTL, "IP_RECVTTL"),
            new KnownOption(SocketConstants.SOL_IP, SocketConstants.IP_MTU_DISCOVER, "IP_MTU_DISCOVER"),
            new KnownOption(SocketConstants.SOL_IPV6, SocketConstants.IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS"),
            new KnownOption(SocketConstants.SOL_IPV6, SocketConstants.IPV6_RECVERR, "IPV6_RECVERR"),
            new KnownOption(SocketConstants.SOL_IPV6, SocketConstants.IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT"),
            new KnownOption(SocketConstants.SOL_IPV6, SocketConstants.IPV6_TCLASS, "IPV6_TCLASS"),
            new KnownOption(SocketConstants.SOL_IPV6, SocketConstants.IPV6_MTU_DISCOVER, "IPV6_MTU_DISCOVER"),
            new KnownOption(SocketConstants.SOL_RAW, SocketConstants.ICMP_FILTER, "ICMP_FILTER"),
            new KnownOption(SocketConstants.IPPROTO_ICMPV6, SocketConstants.ICMP6_FILTER, "ICMP6_FILTER")
    };

    /** A readable name of a socket option for messages, e.g. "IP_TTL". */
    static String optionName(int level, int option) {
        for (KnownOption known : KNOWN_OPTIONS) {
            if (known.level() == level && known.option() == option) {
                return known.name();
            }
        }
        return "level " + level + " option " + option;
    }
}
