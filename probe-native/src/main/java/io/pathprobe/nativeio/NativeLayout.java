package io.pathprobe.nativeio;

import jnr.ffi.Pointer;

/**
 * Byte offsets of the kernel structures used with {@code sendmsg/recvmsg/sendmmsg/recvmmsg}, for the LP64 Linux ABI
 * (x86_64, aarch64: pointers and {@code size_t} 8 bytes, natural alignment). Written by hand into reused native
 * memory rather than as jnr-ffi {@code Struct}s: a {@code Struct} costs objects per use and, without an explicit
 * {@code Struct.Alignment(8)}, gets no tail padding ({@code msghdr} 52 bytes instead of C's 56), which breaks arrays
 * of {@code mmsghdr}.
 *
 * <pre>
 * struct iovec   { void *iov_base;  size_t iov_len; }                                  16 bytes
 * struct msghdr  { void *msg_name; socklen_t msg_namelen; (4 pad) struct iovec *msg_iov;
 *                  size_t msg_iovlen; void *msg_control; size_t msg_controllen; int msg_flags; (4 pad) }   56 bytes
 * struct mmsghdr { struct msghdr msg_hdr; unsigned msg_len; (4 pad) }                     64 bytes
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } data at 16, each cmsg 8-aligned
 * struct sock_extended_err { u32 ee_errno; u8 ee_origin, ee_type, ee_code, ee_pad; u32 ee_info; u32 ee_data; }
 *                  16 bytes, followed (SO_EE_OFFENDER) by a sockaddr
 * </pre>
 */
final class NativeLayout {
    private NativeLayout() {
    }

    public static final int IOVEC_BASE = 0;
    public static final int IOVEC_LEN = 8;
    public static final int IOVEC_SIZE = 16;

    public static final int MSG_NAME = 0;
    public static final int MSG_NAMELEN = 8;
    public static final int MSG_IOV = 16;
    public static final int MSG_IOVLEN = 24;
    public static final int MSG_CONTROL = 32;
    public static final int MSG_CONTROLLEN = 40;
    public static final int MSG_FLAGS = 48;
    public static final int MSGHDR_SIZE = 56;

    /** Offset of {@code msg_len} (bytes sent or received) in a {@code struct mmsghdr}. */
    public static final int MMSG_LEN = 56;
    public static final int MMSGHDR_SIZE = 64;

    public static final int CMSG_LEN = 0;
    public static final int CMSG_LEVEL = 8;
    public static final int CMSG_TYPE = 12;
    public static final int CMSG_HDR_SIZE = 16;

    public static final int EE_ERRNO = 0;
    public static final int EE_ORIGIN = 4;
    public static final int EE_TYPE = 5;
    public static final int EE_CODE = 6;
    public static final int EE_INFO = 8;
    public static final int EE_DATA = 12;
    public static final int SOCK_EXTENDED_ERR_SIZE = 16;

    /** {@code struct sockaddr_storage}: room for any socket address. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    /** {@code struct timespec} {time_t tv_sec; long tv_nsec;}. */
    public static final int TIMESPEC_SIZE = 16;

    /** {@code CMSG_ALIGN}: rounds a length up to the 8-byte alignment of control messages. */
    /**
     * {@code struct epoll_event {u32 events; u64 data;}}: packed on x86_64 (12 bytes, data at 4), naturally aligned
     * elsewhere (aarch64: 16 bytes, data at 8).
     */
    public static final boolean EPOLL_PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    public static final int EPOLL_EVENTS = 0;
    public static final int EPOLL_DATA = EPOLL_PACKED ? 4 : 8;
    public static final int EPOLL_EVENT_SIZE = EPOLL_PACKED ? 12 : 16;

    /**
     * {@code struct tcp_info}, the fields read here (u8 state, u32 last_data_recv in ms, u32 rtt in µs, u32
     * total_retrans).
     */
    public static final int TCPI_STATE = 0;
    public static final int TCPI_LAST_DATA_RECV = 52;
    public static final int TCPI_RTT = 68;
    public static final int TCPI_TOTAL_RETRANS = 100;
    /** The length asked for: up to and including tcpi_total_retrans (every kernel since 2.6 has it). */
    public static final int TCP_INFO_SIZE = 104;

    public static int cmsgAlign(int length) {
        return (length + 7) & ~7;
    }

    /** {@code CMSG_SPACE}: bytes one control message with {@code dataLength} bytes of data takes in a buffer. */
    public static int cmsgSpace(int dataLength) {
        return CMSG_HDR_SIZE + cmsgAlign(dataLength);
    }

    /** Writes one {@code struct iovec} at {@code offset}. */
    public static void putIovec(Pointer p, long offset, long base, long length) {
        p.putLong(offset + IOVEC_BASE, base);
        p.putLong(offset + IOVEC_LEN, length);
    }

    /**
     * Writes a whole {@code struct msghdr} at {@code offset} (addresses are native addresses, 0 for none); the flags
     * field is cleared.
     */
    public static void putMsghdr(Pointer p, long offset, long name, int nameLength, long iov, long iovCount,
            long control, long controlLength) {
        p.putLong(offset + MSG_NAME, name);
        p.putInt(offset + MSG_NAMELEN, nameLength);
        p.putInt(offset + MSG_NAMELEN + 4, 0);
        p.putLong(offset + MSG_IOV, iov);
        p.putLong(offset + MSG_IOVLEN, iovCount);
        p.putLong(offset + MSG_CONTROL, control);
        p.putLong(offset + MSG_CONTROLLEN, controlLength);
        p.putInt(offset + MSG_FLAGS, 0);
        p.putInt(offset + MSG_FLAGS + 4, 0);
    }
}
