package io.pathprobe.nativeio;

import io.pathprobe.nativeio.internal.SocketCalls;
import jnr.ffi.Pointer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.AF_INET6;
import static io.pathprobe.nativeio.SocketConstants.EPOLL_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.EPOLL_CTL_ADD;
import static io.pathprobe.nativeio.SocketConstants.IPPROTO_TCP;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static io.pathprobe.nativeio.SocketConstants.SOCK_STREAM;
import static io.pathprobe.nativeio.SocketConstants.SOL_SOCKET;
import static io.pathprobe.nativeio.SocketConstants.SO_BINDTODEVICE;
import static io.pathprobe.nativeio.SocketConstants.SO_ERROR;
import static io.pathprobe.nativeio.SocketConstants.SO_LINGER;
import static io.pathprobe.nativeio.SocketConstants.TCP_INFO;

/**
 * The libc side of many non-blocking TCP connects watched by one epoll set: sockets as plain descriptors, their
 * options, {@code connect()}, {@code TCP_INFO}, {@code SO_ERROR}, and the set's ready events read in batches.
 *
 * <p>Not thread-safe: one owner thread (an event loop) makes every call, because the calls share one block of
 * scratch memory (socket address, option value, {@code TCP_INFO}) allocated once, so a connect allocates nothing.
 * Calls return 0 or an errno (descriptors: the descriptor, or minus the errno) instead of throwing, because on this
 * path a failure is a probe's outcome, not an exception.
 */
public final class EpollConnects implements AutoCloseable {
    private final SocketCalls libc;
    private final int epfd;
    private final int batch;
    private final Pointer events;
    private final Pointer address;
    private final Pointer option;
    private final Pointer length;
    private final Pointer event;
    private final Pointer info;
    /** The destination of {@link #connect(int, InetAddress, int, boolean)}, kept encoded between calls. */
    private final Pointer remote;
    private InetAddress remoteIp;
    private boolean remoteV6;
    private int remoteLength;
    private boolean closed;

    private EpollConnects(SocketCalls libc, int epfd, int batch) {
        this.libc = libc;
        this.epfd = epfd;
        this.batch = batch;
        this.events = NativeIo.allocate(batch * NativeLayout.EPOLL_EVENT_SIZE);
        Pointer scratch = NativeIo.allocate(256);
        this.address = scratch.slice(0);   // 128: sockaddr_storage
        this.option = scratch.slice(128);  // 16: an int, struct linger, or an interface name (IFNAMSIZ)
        this.length = scratch.slice(144);  // 4
        this.event = scratch.slice(152);   // 16: one epoll_event
        this.remote = scratch.slice(168);  // 28: sockaddr_in6
        this.info = NativeIo.allocate(NativeLayout.TCP_INFO_SIZE);
    }

    /**
     * A new epoll set for connects, reading up to {@code batch} ready events a {@link #poll()}.
     *
     * @throws NativeIoException when the native layer is unavailable here or the set cannot be made
     */
    public static EpollConnects open(int batch) throws NativeIoException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1: " + batch);
        }
        if (!NativeIo.support().supported()) {
            throw new NativeIoException("epoll_create1", 0, NativeIo.support().reason());
        }
        SocketCalls libc = NativeIo.sockets();
        int epfd = libc.epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) {
            int errno = NativeIo.lastErrno();
            throw new NativeIoException("epoll_create1", errno, NativeIo.strerror(errno));
        }
        try {
            return new EpollConnects(libc, epfd, batch);
        } catch (RuntimeException e) {
            libc.close(epfd);
            throw e;
        }
    }

    /** The epoll set's descriptor, to be watched for readability by the owner's event loop. */
    public int fd() {
        return epfd;
    }

    /** A non-blocking, close-on-exec TCP socket of the family; the descriptor, or minus the errno. */
    public int tcpSocket(boolean v6) {
        int fd = libc.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        return fd >= 0 ? fd : -NativeIo.lastErrno();
    }

    /** setsockopt with an int value; 0 or the errno. */
    public int setInt(int fd, int level, int name, int value) {
        option.putInt(0, value);
        return libc.setsockopt(fd, level, name, option, 4) == 0 ? 0 : NativeIo.lastErrno();
    }

    /** {@code SO_LINGER} on with a zero timeout, so that close sends a RST; 0 or the errno. */
    public int lingerZero(int fd) {
        option.putInt(0, 1); // struct linger { l_onoff = 1, l_linger = 0 }
        option.putInt(4, 0);
        return libc.setsockopt(fd, SOL_SOCKET, SO_LINGER, option, 8) == 0 ? 0 : NativeIo.lastErrno();
    }

    /** {@code SO_BINDTODEVICE} (names are cut to IFNAMSIZ - 1 bytes); 0 or the errno. */
    public int bindToDevice(int fd, String device) {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(name.length, 15);
        option.put(0, name, 0, n);
        option.putByte(n, (byte) 0);
        return libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, option, n + 1) == 0 ? 0 : NativeIo.lastErrno();
    }

    /** bind(); 0 or the errno. */
    public int bind(int fd, InetSocketAddress local, boolean v6) {
        int len = SockAddr.encode(local, v6 ? AF_INET6 : AF_INET, address, 0);
        return libc.bind(fd, address, len) == 0 ? 0 : NativeIo.lastErrno();
    }

    /**
     * connect() to {@code ip} port {@code port}; 0, or the errno ({@code EINPROGRESS} for a handshake under way).
     * The address stays encoded while connects go to the same one (a sweep's ports, and the second connect() that
     * asks how the first went), so such a connect writes two bytes of port and allocates nothing.
     */
    public int connect(int fd, InetAddress ip, int port, boolean v6) {
        if (ip != remoteIp || v6 != remoteV6) {
            remoteLength = SockAddr.encode(new InetSocketAddress(ip, 0), v6 ? AF_INET6 : AF_INET, remote, 0);
            remoteIp = ip;
            remoteV6 = v6;
        }
        remote.putByte(2, (byte) (port >>> 8)); // sin_port and sin6_port: network order, after the family
        remote.putByte(3, (byte) port);
        return libc.connect(fd, remote, remoteLength) == 0 ? 0 : NativeIo.lastErrno();
    }

    /** Adds {@code fd} to the set for {@code ops} with {@code data} as its event data; 0 or the errno. */
    public int add(int fd, int ops, long data) {
        event.putInt(NativeLayout.EPOLL_EVENTS, ops);
        event.putLong(NativeLayout.EPOLL_DATA, data);
        return libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, event) == 0 ? 0 : NativeIo.lastErrno();
    }

    /**
     * Reads {@code TCP_INFO}: the socket's {@code tcpi_state}, or -1 when it could not be read. The figures of the
     * same read are then {@link #totalRetransmits()}, {@link #rttMicros()} and
     * {@link #lastDataReceivedMillis()}.
     */
    public int tcpState(int fd) {
        length.putInt(0, NativeLayout.TCP_INFO_SIZE);
        if (libc.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, length) != 0) {
            return -1;
        }
        return info.getByte(NativeLayout.TCPI_STATE) & 0xff;
    }

    /** {@code tcpi_total_retrans} of the last {@link #tcpState} read. */
    public long totalRetransmits() {
        return info.getInt(NativeLayout.TCPI_TOTAL_RETRANS) & 0xffffffffL;
    }

    /** {@code tcpi_rtt} (microseconds) of the last {@link #tcpState} read. */
    public long rttMicros() {
        return info.getInt(NativeLayout.TCPI_RTT) & 0xffffffffL;
    }

    /**
     * {@code tcpi_last_data_recv} of the last {@link #tcpState} read: milliseconds (whole jiffies) since the kernel
     * last received data, which for a socket that has just connected is since the SYN-ACK (tcp_finish_connect).
     */
    public long lastDataReceivedMillis() {
        return info.getInt(NativeLayout.TCPI_LAST_DATA_RECV) & 0xffffffffL;
    }

    /** {@code SO_ERROR}: the socket's pending error (0 for none), or the errno of the getsockopt itself. */
    public int soError(int fd) {
        length.putInt(0, 4);
        option.putInt(0, 0);
        if (libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, option, length) != 0) {
            return NativeIo.lastErrno();
        }
        return option.getInt(0);
    }

    /** The socket's local address, or null when it cannot be read. */
    public InetSocketAddress localAddress(int fd) {
        length.putInt(0, 128);
        if (libc.getsockname(fd, address, length) != 0) {
            return null;
        }
        return SockAddr.decode(address, 0, length.getInt(0));
    }

    /** close(); closing a descriptor also takes it out of the set. */
    public void close(int fd) {
        libc.close(fd);
    }

    /** The ready events now, without waiting: how many, each read by {@link #ops(int)} and {@link #data(int)}. */
    public int poll() {
        return Math.max(0, libc.epoll_wait(epfd, events, batch, 0));
    }

    /** The events of the {@code i}-th ready entry of the last {@link #poll()}. */
    public int ops(int i) {
        return events.getInt((long) i * NativeLayout.EPOLL_EVENT_SIZE + NativeLayout.EPOLL_EVENTS);
    }

    /** The data of the {@code i}-th ready entry of the last {@link #poll()}. */
    public long data(int i) {
        return events.getLong((long) i * NativeLayout.EPOLL_EVENT_SIZE + NativeLayout.EPOLL_DATA);
    }

    /** Closes the set (not the sockets in it: their owner closes them). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(epfd);
        }
    }
}
