package io.pathprobe.nativeio;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.Pointer;

/**
 * Reusable native memory for {@code sendmmsg}/{@code recvmmsg}: {@code capacity} messages, each with one data slot,
 * a socket address and a control buffer, laid out once in one direct buffer so a batch costs one system call and
 * no allocation. Data slots are read and written through {@link #data()} (big-endian, network order, absolute
 * offsets from {@link #dataOffset(int)}); headers are little-endian as the kernel wants them (see
 * {@code NativeLayout}). Not thread-safe: one owner (an event loop) at a time.
 */
public final class MessageBatch {
    private static final int NAME_SIZE = 32; // sockaddr_in6 is 28 bytes
    private static final int CMSG_INT_SPACE = NativeLayout.cmsgSpace(4);

    private final int capacity;
    private final int slotSize;
    private final int controlSize;
    private final ByteBuffer mem;  // native order: headers
    private final ByteBuffer data; // big-endian view of the same memory: packets
    private final long base;
    private final int iovOffset;
    private final int nameOffset;
    private final int controlOffset;
    private final int dataOffset;
    private final int[] controlUsed;

    /**
     * @param capacity    messages per batch
     * @param slotSize    bytes of data per message (the largest packet to send or receive)
     * @param controlSize bytes of control buffer per message (0 for none); room for two int control messages is 48
     */
    public MessageBatch(int capacity, int slotSize, int controlSize) {
        if (capacity < 1 || slotSize < 1 || controlSize < 0) {
            throw new IllegalArgumentException("capacity and slotSize must be positive, controlSize not negative");
        }
        this.capacity = capacity;
        this.slotSize = slotSize;
        this.controlSize = NativeLayout.cmsgAlign(controlSize);
        this.iovOffset = capacity * NativeLayout.MMSGHDR_SIZE;
        this.nameOffset = iovOffset + capacity * NativeLayout.IOVEC_SIZE;
        this.controlOffset = nameOffset + capacity * NAME_SIZE;
        this.dataOffset = controlOffset + capacity * this.controlSize;
        long total = (long) dataOffset + (long) capacity * slotSize;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch of " + capacity + " x " + slotSize + " bytes is too large");
        }
        this.mem = ByteBuffer.allocateDirect((int) total).order(ByteOrder.nativeOrder());
        this.data = mem.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.base = Pointer.wrap(NativeIo.runtime(), mem).address(); // jnr-ffi's view of a direct buffer: its address
        this.controlUsed = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            int h = i * NativeLayout.MMSGHDR_SIZE;
            mem.putLong(iovOffset + i * NativeLayout.IOVEC_SIZE + NativeLayout.IOVEC_BASE, base + dataOffset(i));
            mem.putLong(iovOffset + i * NativeLayout.IOVEC_SIZE + NativeLayout.IOVEC_LEN, slotSize);
            mem.putLong(h + NativeLayout.MSG_NAME, base + nameOffset + (long) i * NAME_SIZE);
            mem.putLong(h + NativeLayout.MSG_IOV, base + iovOffset + (long) i * NativeLayout.IOVEC_SIZE);
            mem.putLong(h + NativeLayout.MSG_IOVLEN, 1);
        }
    }

    public int capacity() {
        return capacity;
    }

    public int slotSize() {
        return slotSize;
    }

    /** The whole batch memory, big-endian, for reading and writing packets at {@link #dataOffset(int)}. */
    public ByteBuffer data() {
        return data;
    }

    /** Offset of message {@code i}'s data slot in {@link #data()}. */
    public int dataOffset(int i) {
        return dataOffset + i * slotSize;
    }

    // ---- sending

    /**
     * Addresses message {@code i} to {@code to} (port 0, as ICMP wants) with {@code length} bytes of its slot, and
     * clears its control messages.
     */
    public void prepareSend(int i, InetAddress to, int length) {
        if (length > slotSize) {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds the slot of " + slotSize);
        }
        int h = i * NativeLayout.MMSGHDR_SIZE;
        int n = nameOffset + i * NAME_SIZE;
        int nameLength;
        if (to instanceof Inet4Address) {
            mem.putShort(n, (short) SocketConstants.AF_INET);
            mem.putShort(n + 2, (short) 0);
            data.putInt(n + 4, to.hashCode()); // Inet4Address.hashCode() is the address, without a copy
            mem.putLong(n + 8, 0);
            nameLength = SockAddr.IPV4_SIZE;
        } else {
            Inet6Address a6 = (Inet6Address) to;
            mem.putShort(n, (short) SocketConstants.AF_INET6);
            mem.putShort(n + 2, (short) 0);
            mem.putInt(n + 4, 0);
            data.put(n + 8, a6.getAddress());
            mem.putInt(n + 24, a6.getScopeId());
            nameLength = SockAddr.IPV6_SIZE;
        }
        mem.putInt(h + NativeLayout.MSG_NAMELEN, nameLength);
        mem.putLong(iovOffset + i * NativeLayout.IOVEC_SIZE + NativeLayout.IOVEC_LEN, length);
        controlUsed[i] = 0;
        mem.putLong(h + NativeLayout.MSG_CONTROL, 0);
        mem.putLong(h + NativeLayout.MSG_CONTROLLEN, 0);
        mem.putInt(h + NativeLayout.MSG_FLAGS, 0);
    }

    /** Adds an int control message (e.g. {@code IP_TTL}, {@code IPV6_HOPLIMIT}, {@code IP_TOS}) to message {@code i}. */
    public void addControlInt(int i, int level, int type, int value) {
        int used = controlUsed[i];
        if (used + CMSG_INT_SPACE > controlSize) {
            throw new IllegalStateException("no room for another control message in a " + controlSize + "-byte buffer");
        }
        int c = controlOffset + i * controlSize + used;
        mem.putLong(c + NativeLayout.CMSG_LEN, NativeLayout.CMSG_HDR_SIZE + 4);
        mem.putInt(c + NativeLayout.CMSG_LEVEL, level);
        mem.putInt(c + NativeLayout.CMSG_TYPE, type);
        mem.putInt(c + NativeLayout.CMSG_HDR_SIZE, value);
        mem.putInt(c + NativeLayout.CMSG_HDR_SIZE + 4, 0);
        controlUsed[i] = used + CMSG_INT_SPACE;
        int h = i * NativeLayout.MMSGHDR_SIZE;
        mem.putLong(h + NativeLayout.MSG_CONTROL, base + controlOffset + (long) i * controlSize);
        mem.putLong(h + NativeLayout.MSG_CONTROLLEN, controlUsed[i]);
    }

    /**
     * {@code sendmmsg} of messages {@code from} to {@code from + count - 1}.
     *
     * @return how many were sent (the kernel stops at the first failure), or {@code -errno} if the first failed
     */
    public int send(int fd, int from, int count) {
        int r = NativeIo.libc().sendmmsg(fd, base + (long) from * NativeLayout.MMSGHDR_SIZE, count, 0);
        return r >= 0 ? r : -NativeIo.lastErrno();
    }

    // ---- receiving

    /**
     * {@code recvmmsg} into up to {@code count} slots, without waiting ({@code MSG_DONTWAIT}).
     *
     * @return messages received, or {@code -errno} ({@code -EAGAIN} when there was none)
     */
    public int receive(int fd, int count, int flags) {
        int n = Math.min(count, capacity);
        for (int i = 0; i < n; i++) {
            int h = i * NativeLayout.MMSGHDR_SIZE;
            mem.putInt(h + NativeLayout.MSG_NAMELEN, NAME_SIZE);
            mem.putLong(iovOffset + i * NativeLayout.IOVEC_SIZE + NativeLayout.IOVEC_LEN, slotSize);
            mem.putLong(h + NativeLayout.MSG_CONTROL, controlSize == 0 ? 0 : base + controlOffset + (long) i * controlSize);
            mem.putLong(h + NativeLayout.MSG_CONTROLLEN, controlSize);
            mem.putInt(h + NativeLayout.MSG_FLAGS, 0);
        }
        int r = NativeIo.libc().recvmmsg(fd, base, n, flags | SocketConstants.MSG_DONTWAIT, 0L);
        return r >= 0 ? r : -NativeIo.lastErrno();
    }

    /** Bytes received into (or sent from) message {@code i}. */
    public int length(int i) {
        return mem.getInt(i * NativeLayout.MMSGHDR_SIZE + NativeLayout.MMSG_LEN);
    }

    /** {@code msg_flags} of received message {@code i} (e.g. {@code MSG_TRUNC}). */
    public int messageFlags(int i) {
        return mem.getInt(i * NativeLayout.MMSGHDR_SIZE + NativeLayout.MSG_FLAGS);
    }

    /** Address family of received message {@code i}'s sender. */
    public int sourceFamily(int i) {
        return mem.getShort(nameOffset + i * NAME_SIZE) & 0xffff;
    }

    /** Offset in {@link #data()} of the sender's address bytes (4 for IPv4, 16 for IPv6) of message {@code i}. */
    public int sourceAddressOffset(int i) {
        int n = nameOffset + i * NAME_SIZE;
        return sourceFamily(i) == SocketConstants.AF_INET6 ? n + 8 : n + 4;
    }

    /** Whether received message {@code i} came from {@code a}; allocates nothing for IPv4. */
    public boolean sourceIs(int i, InetAddress a) {
        int n = nameOffset + i * NAME_SIZE;
        int family = sourceFamily(i);
        if (a instanceof Inet4Address) {
            return family == SocketConstants.AF_INET && data.getInt(n + 4) == a.hashCode();
        }
        return family == SocketConstants.AF_INET6 && bytesEqual(data, n + 8, a.getAddress());
    }

    /** The sender of received message {@code i}. */
    public InetAddress source(int i) {
        int n = nameOffset + i * NAME_SIZE;
        int family = sourceFamily(i);
        byte[] b = new byte[family == SocketConstants.AF_INET6 ? 16 : 4];
        data.get(family == SocketConstants.AF_INET6 ? n + 8 : n + 4, b);
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    /**
     * The int value of the control message {@code level}/{@code type} received with message {@code i} (e.g. the TTL
     * from {@code IP_RECVTTL}, the hop limit from {@code IPV6_RECVHOPLIMIT}), or -1 when absent.
     */
    public int controlInt(int i, int level, int type) {
        int c = control(i, level, type, 4);
        return c < 0 ? -1 : mem.getInt(c);
    }

    /**
     * The kernel's receive time of message {@code i} ({@code SCM_TIMESTAMPNS}, with {@code SO_TIMESTAMPNS} on) in
     * wall-clock nanoseconds since the epoch, or -1 when absent; see {@link ReceiveClock#arrival}.
     */
    public long controlTimestampNanos(int i) {
        int c = control(i, SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS, ReceiveClock.TIMESPEC_SIZE);
        return c < 0 ? -1 : mem.getLong(c) * 1_000_000_000L + mem.getLong(c + 8);
    }

    /** Offset in the batch memory of the data of control message {@code level}/{@code type}, or -1. */
    private int control(int i, int level, int type, int minData) {
        int h = i * NativeLayout.MMSGHDR_SIZE;
        long length = mem.getLong(h + NativeLayout.MSG_CONTROLLEN);
        int start = controlOffset + i * controlSize;
        int off = 0;
        while (off + NativeLayout.CMSG_HDR_SIZE <= length && off + NativeLayout.CMSG_HDR_SIZE <= controlSize) {
            int c = start + off;
            long cl = mem.getLong(c + NativeLayout.CMSG_LEN);
            if (cl < NativeLayout.CMSG_HDR_SIZE || off + cl > controlSize) {
                return -1;
            }
            if (mem.getInt(c + NativeLayout.CMSG_LEVEL) == level && mem.getInt(c + NativeLayout.CMSG_TYPE) == type
                    && cl >= NativeLayout.CMSG_HDR_SIZE + minData) {
                return c + NativeLayout.CMSG_HDR_SIZE;
            }
            off += NativeLayout.cmsgAlign((int) cl);
        }
        return -1;
    }

    /** Whether {@code len(expected)} bytes at {@code off} of {@code b} equal {@code expected}. */
    public static boolean bytesEqual(ByteBuffer b, int off, byte[] expected) {
        for (int k = 0; k < expected.length; k++) {
            if (b.get(off + k) != expected[k]) {
                return false;
            }
        }
        return true;
    }
}
