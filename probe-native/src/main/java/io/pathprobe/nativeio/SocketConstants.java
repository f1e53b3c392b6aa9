package io.pathprobe.nativeio;

/**
 * Linux values of the socket constants the project uses (generic Linux ABI as on x86_64 and aarch64; BSD and macOS
 * differ, e.g. {@code IP_TTL} is 4 there). jnr-constants lacks several IPv6 ones, hence this one table.
 */
public final class SocketConstants {
    private SocketConstants() {
    }

    // Address families.
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // Socket types and the flags that may be or-ed into the type argument of socket(2).
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;

    // Protocols (and the option levels that share their numbers).
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_RAW = 255;
    public static final int SOL_IP = 0;
    public static final int SOL_IPV6 = 41;
    public static final int SOL_SOCKET = 1;
    public static final int SOL_RAW = 255;

    // SOL_SOCKET options.
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    /** {@code struct linger {int l_onoff; int l_linger;}}: on with 0 s closes with a RST, leaving no TIME_WAIT. */
    public static final int SO_LINGER = 13;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_PRIORITY = 12;
    public static final int SO_BINDTODEVICE = 25;
    /** {@code SO_ATTACH_FILTER} (SOL_SOCKET): a classic BPF program that decides which packets the socket keeps. */
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_TIMESTAMP = 29;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_TIMESTAMPNS = 35;
    public static final int SO_MARK = 36;
    public static final int SO_TIMESTAMPING = 37;
    public static final int SO_RXQ_OVFL = 40;

    // IPPROTO_IP options.
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    public static final int IP_HDRINCL = 3;
    public static final int IP_PKTINFO = 8;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_RECVERR = 11;
    public static final int IP_RECVTTL = 12;
    public static final int IP_RECVTOS = 13;
    public static final int IP_MTU = 14;
    /** Bind an address with port 0 without reserving a port: connect() picks one per destination. */
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;
    /** IP_MTU_DISCOVER values. */
    public static final int IP_PMTUDISC_DONT = 0;
    public static final int IP_PMTUDISC_WANT = 1;
    public static final int IP_PMTUDISC_DO = 2;
    public static final int IP_PMTUDISC_PROBE = 3;

    // IPPROTO_IPV6 options.
    public static final int IPV6_CHECKSUM = 7;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MTU_DISCOVER = 23;
    public static final int IPV6_MTU = 24;
    public static final int IPV6_RECVERR = 25;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int IPV6_DONTFRAG = 62;
    public static final int IPV6_RECVTCLASS = 66;
    public static final int IPV6_TCLASS = 67;

    // IPPROTO_TCP options.
    public static final int TCP_NODELAY = 1;
    /** {@code struct tcp_info} (layout in {@link NativeLayout}). */
    public static final int TCP_INFO = 11;
    /** tcp_info.tcpi_state values. */
    public static final int TCP_ESTABLISHED = 1;
    public static final int TCP_SYN_SENT = 2;
    public static final int TCP_SYN_RECV = 3;
    public static final int TCP_CLOSE = 7;
    public static final int TCP_LISTEN = 10;

    // epoll(7).
    public static final int EPOLL_CLOEXEC = SOCK_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;

    /** SOL_RAW option of IPv4 ICMP raw sockets: a 32-bit mask of ICMP types to drop. */
    public static final int ICMP_FILTER = 1;
    /** IPPROTO_ICMPV6 option of ICMPv6 raw sockets: a 256-bit mask (8 x u32) of types to block. */
    public static final int ICMP6_FILTER = 1;

    // Control message types of the error queue.
    /** cmsg type of an IPv4 error-queue entry (level {@link #SOL_IP}). */
    public static final int IP_RECVERR_CMSG = IP_RECVERR;
    /** cmsg type of an IPv6 error-queue entry (level {@link #SOL_IPV6}). */
    public static final int IPV6_RECVERR_CMSG = IPV6_RECVERR;

    // sock_extended_err.ee_origin values.
    public static final int SO_EE_ORIGIN_NONE = 0;
    public static final int SO_EE_ORIGIN_LOCAL = 1;
    public static final int SO_EE_ORIGIN_ICMP = 2;
    public static final int SO_EE_ORIGIN_ICMP6 = 3;
    public static final int SO_EE_ORIGIN_TXSTATUS = 4;
    public static final int SO_EE_ORIGIN_ZEROCOPY = 5;

    // send/recv flags.
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_ERRQUEUE = 0x2000;
    public static final int MSG_WAITFORONE = 0x10000;

    // poll(2) events.
    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;

    // open(2) flags.
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 02000000;

    /** setns(2) namespace type of a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    // errno values (asm-generic).
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENONET = 64;
    public static final int EPROTO = 71;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
}
