package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.NativeLayout.CMSG_HDR_SIZE;
import static io.pathprobe.nativeio.NativeLayout.CMSG_LEN;
import static io.pathprobe.nativeio.NativeLayout.CMSG_LEVEL;
import static io.pathprobe.nativeio.NativeLayout.CMSG_TYPE;
import static io.pathprobe.nativeio.NativeLayout.IOVEC_SIZE;
import static io.pathprobe.nativeio.NativeLayout.MSGHDR_SIZE;
import static io.pathprobe.nativeio.NativeLayout.SOCKADDR_STORAGE_SIZE;
import static io.pathprobe.nativeio.NativeLayout.SOCK_EXTENDED_ERR_SIZE;

import io.pathprobe.nativeio.internal.SocketCalls;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import jnr.ffi.Pointer;

/**
 * Reads a socket's error queue ({@code recvmsg(fd, MSG_ERRQUEUE | MSG_DONTWAIT)}), filled when the socket has
 * {@code IP_RECVERR}/{@code IPV6_RECVERR} on: ICMP errors such as time exceeded and port unreachable, local errors
 * such as EMSGSIZE.
 *
 * <p>An instance owns one block of native memory (msghdr, iovec, address, control and payload buffers) that it
 * reuses for every read; it is not thread-safe. The static {@link #read(int)} and {@link #drainAll(int)} use one
 * instance per thread. {@link #parse} is the pure-Java parser of the control messages, usable on any bytes.
 */
public final class ErrorQueue {
    /** Payload bytes kept per entry by default: a full Ethernet-sized datagram. */
    public static final int DEFAULT_PAYLOAD_CAPACITY = 1500;
    /** Entries one {@link #next} call skips at most when they carry no readable error (bounds the loop). */
    private static final int MAX_SKIPPED = 64;
    private static final int CONTROL_CAPACITY = 512;

    private static final int MSG = 0;
    private static final int IOV = MSG + MSGHDR_SIZE;
    private static final int NAME = IOV + IOVEC_SIZE;
    private static final int CONTROL = NAME + SOCKADDR_STORAGE_SIZE;
    private static final int PAYLOAD = CONTROL + CONTROL_CAPACITY;

    private static final ThreadLocal<ErrorQueue> PER_THREAD =
            ThreadLocal.withInitial(() -> new ErrorQueue(DEFAULT_PAYLOAD_CAPACITY));

    private final SocketCalls libc;
    private final Pointer memory;
    private final long base;
    private final int payloadCapacity;
    private final byte[] control = new byte[CONTROL_CAPACITY];
    private int lastFlags;
    private long lastTimestamp = -1;
    private int lastTtl = -1;

    /** @param payloadCapacity how many bytes of each entry's datagram to keep (more are cut) */
    public ErrorQueue(int payloadCapacity) {
        if (payloadCapacity < 0 || payloadCapacity > 65536) {
            throw new IllegalArgumentException("payload capacity must be 0..65536 bytes, got " + payloadCapacity);
        }
        this.libc = NativeIo.sockets();
        this.payloadCapacity = payloadCapacity;
        this.memory = NativeIo.allocate(PAYLOAD + Math.max(payloadCapacity, 1));
        this.base = memory.address();
    }

    /**
     * This thread's reader (one block of native memory per thread), for callers that also want what the last entry
     * carried besides the error, e.g. {@link #lastTimestampNanos()}.
     */
    public static ErrorQueue onThisThread() {
        return PER_THREAD.get();
    }

    /** One entry of {@code fd}'s error queue on this thread's reader; empty when the queue is empty. */
    public static Optional<SocketError> read(int fd) throws NativeIoException {
        return PER_THREAD.get().next(fd);
    }

    /** Everything queued on {@code fd} (bounded), using this thread's reader. */
    public static List<SocketError> drainAll(int fd) throws NativeIoException {
        List<SocketError> out = new ArrayList<>();
        PER_THREAD.get().drain(fd, 1024, out::add);
        return out;
    }

    /**
     * Reads the next entry that carries an {@code IP_RECVERR}/{@code IPV6_RECVERR} message (entries without one,
     * which a socket with other error sources may get, are skipped, at most {@value #MAX_SKIPPED} per call).
     *
     * @return the entry, or empty when the queue is empty
     * @throws NativeIoException when recvmsg fails other than with EAGAIN (e.g. EBADF)
     */
    public Optional<SocketError> next(int fd) throws NativeIoException {
        return Optional.ofNullable(nextOrNull(fd));
    }

    /**
     * Reads up to {@code max} entries and hands each to {@code sink}.
     *
     * @return how many were handed over
     */
    public int drain(int fd, int max, Consumer<? super SocketError> sink) throws NativeIoException {
        int count = 0;
        while (count < max) {
            SocketError e = nextOrNull(fd);
            if (e == null) {
                break;
            }
            sink.accept(e);
            count++;
        }
        return count;
    }

    /** The destination of the datagram of the entry last returned (from {@code msg_name}); null when none. */
    public InetSocketAddress lastDestination() {
        int length = memory.getInt(MSG + NativeLayout.MSG_NAMELEN);
        return length <= 0 ? null : SockAddr.decode(memory, NAME, Math.min(length, SOCKADDR_STORAGE_SIZE));
    }

    /**
     * The kernel's time stamp of the last entry read (the arrival of the ICMP error) in wall-clock nanoseconds since
     * the epoch, when the socket has {@code SO_TIMESTAMPNS} on; else -1. See {@link ReceiveClock#arrival}.
     */
    public long lastTimestampNanos() {
        return lastTimestamp;
    }

    /**
     * The IP TTL (IPv6 hop limit) with which the ICMP error of the last entry read arrived, when the socket has
     * {@code IP_RECVTTL} ({@code IPV6_RECVHOPLIMIT}) on; else -1.
     */
    public int lastTtl() {
        return lastTtl;
    }

    /** {@code msg_flags} of the last entry read, e.g. {@link SocketConstants#MSG_TRUNC} when its payload was cut. */
    public int lastFlags() {
        return lastFlags;
    }

    private SocketError nextOrNull(int fd) throws NativeIoException {
        for (int skipped = 0; skipped < MAX_SKIPPED; skipped++) {
            // recvmsg overwrites msg_namelen, msg_controllen and msg_flags: reset all of it every time.
            NativeLayout.putIovec(memory, IOV, base + PAYLOAD, payloadCapacity);
            NativeLayout.putMsghdr(memory, MSG, base + NAME, SOCKADDR_STORAGE_SIZE, base + IOV, 1,
                    base + CONTROL, CONTROL_CAPACITY);
            long n = libc.recvmsg(fd, memory, SocketConstants.MSG_ERRQUEUE | SocketConstants.MSG_DONTWAIT);
            if (n < 0) {
                int errno = NativeIo.lastErrno();
                if (errno == SocketConstants.EAGAIN) {
                    return null;
                }
                if (errno == SocketConstants.EINTR) {
                    continue;
                }
                throw new NativeIoException("recvmsg(MSG_ERRQUEUE) on fd " + fd, errno);
            }
            lastFlags = memory.getInt(MSG + NativeLayout.MSG_FLAGS);
            int controlLength = (int) Math.min(memory.getLong(MSG + NativeLayout.MSG_CONTROLLEN), CONTROL_CAPACITY);
            memory.get(CONTROL, control, 0, controlLength);
            lastTimestamp = timestamp(control, controlLength);
            lastTtl = receivedTtl(control, controlLength);
            int payloadLength = (int) Math.min(n, payloadCapacity);
            SocketError e = parseControl(control, controlLength, memory, PAYLOAD, payloadLength);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** The {@code SCM_TIMESTAMPNS} of an entry's control bytes in epoch nanoseconds, or -1. */
    static long timestamp(byte[] control, int controlLength) {
        int off = findControl(control, controlLength, ReceiveClock.TIMESPEC_SIZE,
                (level, type) -> level == SocketConstants.SOL_SOCKET && type == SocketConstants.SO_TIMESTAMPNS);
        return off < 0 ? -1
                : Bytes.getLongLE(control, off + CMSG_HDR_SIZE) * 1_000_000_000L
                        + Bytes.getLongLE(control, off + CMSG_HDR_SIZE + 8);
    }

    /** The {@code IP_TTL} or {@code IPV6_HOPLIMIT} control message of an entry's control bytes, or -1. */
    static int receivedTtl(byte[] control, int controlLength) {
        int off = findControl(control, controlLength, 4,
                (level, type) -> (level == SocketConstants.SOL_IP && type == SocketConstants.IP_TTL)
                        || (level == SocketConstants.SOL_IPV6 && type == SocketConstants.IPV6_HOPLIMIT));
        return off < 0 ? -1 : Bytes.getIntLE(control, off + CMSG_HDR_SIZE);
    }

    /** Which control messages {@link #findControl} looks for, by {@code cmsg_level} and {@code cmsg_type}. */
    @FunctionalInterface
    private interface ControlKind {
        boolean matches(int level, int type);
    }

    /**
     * The offset of the first control message of a wanted kind that carries at least {@code minData} data bytes,
     * or -1 when there is none before the end or before a malformed header (a length the buffer cannot hold).
     */
    private static int findControl(byte[] control, int controlLength, int minData, ControlKind wanted) {
        int length = Math.max(0, Math.min(controlLength, control.length));
        int off = 0;
        while (off + CMSG_HDR_SIZE <= length) {
            long cmsgLen = Bytes.getLongLE(control, off + CMSG_LEN);
            if (cmsgLen < CMSG_HDR_SIZE || cmsgLen > length - off) {
                return -1;
            }
            if (wanted.matches(Bytes.getIntLE(control, off + CMSG_LEVEL), Bytes.getIntLE(control, off + CMSG_TYPE))
                    && cmsgLen >= CMSG_HDR_SIZE + minData) {
                return off;
            }
            off += NativeLayout.cmsgAlign((int) cmsgLen);
        }
        return -1;
    }

    /**
     * Parses the control messages of one error-queue entry ({@code msg_control} bytes, host byte order) and pairs
     * the {@code IP_RECVERR} (level 0, type 11) or {@code IPV6_RECVERR} (level 41, type 25) message with the
     * payload. Malformed input (truncated headers, lengths pointing outside the buffer, unknown address families)
     * yields empty or a null offender, never an exception.
     *
     * @param control       the control bytes
     * @param controlLength how many of them are valid ({@code msg_controllen})
     * @param payload       the entry's datagram bytes, or null
     * @param payloadLength how many of them are valid
     */
    public static Optional<SocketError> parse(byte[] control, int controlLength, byte[] payload,
            int payloadLength) {
        if (control == null) {
            return Optional.empty();
        }
        int n = payload == null ? 0 : Math.max(0, Math.min(payloadLength, payload.length));
        return Optional.ofNullable(parseControl(control, controlLength, payload, 0, n));
    }

    /** {@code payloadSource} is a byte[] or a native {@link Pointer}; copied only once a RECVERR message is found. */
    private static SocketError parseControl(byte[] control, int controlLength, Object payloadSource,
            long payloadOffset, int payloadLength) {
        int off = findControl(control, controlLength, SOCK_EXTENDED_ERR_SIZE,
                (level, type) -> (level == SocketConstants.SOL_IP && type == SocketConstants.IP_RECVERR_CMSG)
                        || (level == SocketConstants.SOL_IPV6 && type == SocketConstants.IPV6_RECVERR_CMSG));
        if (off < 0) {
            return null; // none, or a malformed length before one
        }
        int dataLength = (int) Bytes.getLongLE(control, off + CMSG_LEN) - CMSG_HDR_SIZE;
        int ee = off + CMSG_HDR_SIZE;
        byte[] quoted = new byte[payloadLength];
        if (payloadSource instanceof Pointer) {
            ((Pointer) payloadSource).get(payloadOffset, quoted, 0, payloadLength);
        } else if (payloadSource instanceof byte[]) {
            System.arraycopy((byte[]) payloadSource, (int) payloadOffset, quoted, 0, payloadLength);
        }
        return new SocketError(
                Bytes.getIntLE(control, ee + NativeLayout.EE_ERRNO),
                control[ee + NativeLayout.EE_ORIGIN] & 0xff,
                control[ee + NativeLayout.EE_TYPE] & 0xff,
                control[ee + NativeLayout.EE_CODE] & 0xff,
                Bytes.getIntLE(control, ee + NativeLayout.EE_INFO),
                SockAddr.decodeAddress(control, ee + SOCK_EXTENDED_ERR_SIZE,
                        dataLength - SOCK_EXTENDED_ERR_SIZE),
                quoted);
    }
}
