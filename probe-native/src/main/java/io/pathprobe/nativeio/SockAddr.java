package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.AF_INET6;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

import jnr.ffi.Pointer;

/**
 * Encodes {@link InetSocketAddress}es as Linux {@code sockaddr_in} (16 bytes) / {@code sockaddr_in6} (28 bytes) and
 * decodes them back. Family and scope id are in host (little-endian) order, port, flow info and address in network
 * order, as the kernel has them.
 *
 * <pre>
 * sockaddr_in  { u16 family; be16 port; be32 addr; u8 zero[8]; }
 * sockaddr_in6 { u16 family; be16 port; be32 flowinfo; u8 addr[16]; u32 scope_id; }
 * </pre>
 *
 * Decoding never throws on malformed input: it returns null (unknown family, too short), so that parsers of
 * kernel-supplied bytes can reject garbage quietly.
 */
public final class SockAddr {
    /** Size of {@code struct sockaddr_in}. */
    public static final int IPV4_SIZE = 16;
    /** Size of {@code struct sockaddr_in6}. */
    public static final int IPV6_SIZE = 28;
    /** Size of the largest encoding this class produces. */
    public static final int MAX_SIZE = IPV6_SIZE;

    private SockAddr() {
    }

    /** {@link SocketConstants#AF_INET} or {@link SocketConstants#AF_INET6} for an address. */
    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** The encoding for an address's own family. */
    public static byte[] encode(InetSocketAddress address) {
        return encode(address, family(resolved(address).getAddress()));
    }

    /**
     * The encoding for a socket of {@code family}; an IPv4 address for an {@code AF_INET6} socket becomes the
     * IPv4-mapped {@code ::ffff:a.b.c.d}.
     */
    public static byte[] encode(InetSocketAddress address, int family) {
        byte[] out = new byte[family == AF_INET6 ? IPV6_SIZE : IPV4_SIZE];
        encode(address, family, out, 0);
        return out;
    }

    /**
     * Writes the encoding into {@code dst} at {@code offset}.
     *
     * @return the number of bytes written (the socklen_t to pass with it)
     * @throws IllegalArgumentException for an unresolved address, an IPv6 address for an IPv4 socket, an unknown
     *                                  family or too little room
     */
    public static int encode(InetSocketAddress address, int family, byte[] dst, int offset) {
        InetAddress ip = resolved(address).getAddress();
        int port = address.getPort();
        if (family == AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 address " + ip.getHostAddress()
                        + " cannot be used with an IPv4 socket; use an IPv4 address or an IPv6 socket");
            }
            checkRoom(dst, offset, IPV4_SIZE);
            putFamilyAndPort(dst, offset, AF_INET, port);
            System.arraycopy(ip.getAddress(), 0, dst, offset + 4, 4);
            Arrays.fill(dst, offset + 8, offset + IPV4_SIZE, (byte) 0);
            return IPV4_SIZE;
        }
        if (family == AF_INET6) {
            checkRoom(dst, offset, IPV6_SIZE);
            putFamilyAndPort(dst, offset, AF_INET6, port);
            Arrays.fill(dst, offset + 4, offset + IPV6_SIZE, (byte) 0);
            byte[] raw = ip.getAddress();
            int scope = 0;
            if (raw.length == 4) { // IPv4-mapped: ::ffff:a.b.c.d
                dst[offset + 18] = (byte) 0xff;
                dst[offset + 19] = (byte) 0xff;
                System.arraycopy(raw, 0, dst, offset + 20, 4);
            } else {
                System.arraycopy(raw, 0, dst, offset + 8, 16);
                scope = ((Inet6Address) ip).getScopeId();
            }
            Bytes.putIntLE(dst, offset + 24, scope);
            return IPV6_SIZE;
        }
        throw new IllegalArgumentException(
                "unsupported address family " + family + "; use AF_INET (2) or AF_INET6 (10)");
    }

    /** Writes the encoding into native memory at {@code offset}; returns the number of bytes written. */
    static int encode(InetSocketAddress address, int family, Pointer dst, long offset) {
        byte[] tmp = new byte[MAX_SIZE];
        int n = encode(address, family, tmp, 0);
        dst.put(offset, tmp, 0, n);
        return n;
    }

    /**
     * Decodes a {@code sockaddr_in}/{@code sockaddr_in6} of {@code length} bytes at {@code offset}.
     *
     * @return the address, or null when the family is neither AF_INET nor AF_INET6 or the bytes are too few
     */
    public static InetSocketAddress decode(byte[] src, int offset, int length) {
        InetAddress ip = decodeAddress(src, offset, length);
        return ip == null ? null : new InetSocketAddress(ip, Bytes.getShortBE(src, offset + 2));
    }

    /** Like {@link #decode(byte[], int, int)}, from native memory. */
    static InetSocketAddress decode(Pointer src, long offset, int length) {
        int n = Math.min(Math.max(length, 0), MAX_SIZE);
        byte[] tmp = new byte[n];
        src.get(offset, tmp, 0, n);
        return decode(tmp, 0, n);
    }

    /** Only the IP address of an encoded socket address; null when not AF_INET/AF_INET6 or too short. */
    public static InetAddress decodeAddress(byte[] src, int offset, int length) {
        if (src == null || offset < 0 || offset >= src.length) {
            return null;
        }
        int available = Math.min(length, src.length - offset);
        if (available < 2) {
            return null;
        }
        int family = Bytes.getShortLE(src, offset);
        try {
            if (family == AF_INET && available >= 8) {
                byte[] a = new byte[4];
                System.arraycopy(src, offset + 4, a, 0, 4);
                return InetAddress.getByAddress(a);
            }
            if (family == AF_INET6 && available >= 24) {
                byte[] a = new byte[16];
                System.arraycopy(src, offset + 8, a, 0, 16);
                int scope = available >= IPV6_SIZE ? Bytes.getIntLE(src, offset + 24) : 0;
                // InetAddress.getByAddress turns ::ffff:a.b.c.d into an Inet4Address; a scoped one stays IPv6.
                return scope == 0 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, scope);
            }
        } catch (UnknownHostException e) {
            return null; // only thrown for a wrong array length, which the checks above exclude
        }
        return null;
    }

    private static InetSocketAddress resolved(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address.getHostString()
                    + " is not resolved; resolve the host name to an IP address first");
        }
        return address;
    }

    private static void checkRoom(byte[] dst, int offset, int size) {
        if (offset < 0 || offset > dst.length - size) {
            throw new IllegalArgumentException("no room for a " + size + "-byte socket address at offset " + offset
                    + " of a " + dst.length + "-byte buffer");
        }
    }

    private static void putFamilyAndPort(byte[] dst, int offset, int family, int port) {
        dst[offset] = (byte) family;
        dst[offset + 1] = (byte) (family >>> 8);
        dst[offset + 2] = (byte) (port >>> 8);
        dst[offset + 3] = (byte) port;
    }
}
