package io.pathprobe.testkit.internal;

import io.pathprobe.testkit.NetLabException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The addresses of one lab. Each lab owns one second octet {@code S} in 64..127 (so its IPv4 addresses lie in
 * 10.64.0.0/10) and the matching IPv6 /48 {@code fd00:91:S::/48} (ULA):
 * <ul>
 *   <li>link {@code L} (1..250): {@code 10.S.L.0/24} and {@code fd00:91:S:L::/64}; its first end gets host
 *       number 1, its second end 2, e.g. {@code 10.70.3.2} and {@code fd00:91:70:3::2};</li>
 *   <li>node {@code N} (1..250) has a "VIP" on its loopback: {@code 10.S.255.N/32} and
 *       {@code fd00:91:S:255::N/128}.</li>
 * </ul>
 * The IPv6 groups reuse the decimal digits of the IPv4 octets (read as hex) so the two families look alike.
 * Labs never share an octet while both are alive: each holds an exclusive file lock on its slot, which works
 * across processes and is released by the kernel if a process dies. (Namespaces already isolate labs; unique
 * ranges keep packet captures and error messages unambiguous and would keep labs apart if ever bridged.)
 */
public final class AddressPlan implements AutoCloseable {
    public static final int FIRST_OCTET = 64;
    public static final int SLOTS = 64;
    public static final int MAX_LINKS = 250;
    public static final int MAX_NODES = 250;
    private static final int VIP_BLOCK = 255;

    private final int octet;
    private final FileChannel channel;
    private final FileLock lock;

    private AddressPlan(int octet, FileChannel channel, FileLock lock) {
        this.octet = octet;
        this.channel = channel;
        this.lock = lock;
    }

    /** A plan with a fixed octet and no lock (for unit tests of the arithmetic). */
    public static AddressPlan fixed(int secondOctet) {
        if (secondOctet < FIRST_OCTET || secondOctet >= FIRST_OCTET + SLOTS) {
            throw new IllegalArgumentException("second octet " + secondOctet + " is outside "
                    + FIRST_OCTET + ".." + (FIRST_OCTET + SLOTS - 1));
        }
        return new AddressPlan(secondOctet, null, null);
    }

    /**
     * Takes a free octet, locking {@code lockDir/slot-S.lock}. Starts at a random slot so concurrent labs rarely
     * contend.
     *
     * @throws NetLabException when all slots are taken or the lock files cannot be made
     */
    public static AddressPlan allocate(Path lockDir) {
        try {
            Files.createDirectories(lockDir);
        } catch (IOException e) {
            throw new NetLabException("cannot create the lab lock directory " + lockDir + ": " + e.getMessage(), e);
        }
        int start = ThreadLocalRandom.current().nextInt(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            int o = FIRST_OCTET + (start + i) % SLOTS;
            Path file = lockDir.resolve("slot-" + o + ".lock");
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = ch.tryLock();
                if (l != null) {
                    return new AddressPlan(o, ch, l);
                }
            } catch (OverlappingFileLockException e) {
                // this JVM holds the slot for another lab
            } catch (IOException e) {
                throw new NetLabException("cannot lock " + file + ": " + e.getMessage(), e);
            }
            closeQuietly(ch);
        }
        throw new NetLabException("all " + SLOTS + " lab address slots are in use (locks in " + lockDir
                + "): close labs you no longer need");
    }

    /** The lab's second IPv4 octet, 64..127. */
    public int secondOctet() {
        return octet;
    }

    /** The prefix length of link subnets: 24 for IPv4, 64 for IPv6. */
    public static int linkPrefixLength(StandardProtocolFamily family) {
        return isV4(family) ? 24 : 64;
    }

    /** The address of end {@code end} (1 or 2) of link {@code link}. */
    public InetAddress linkAddress(int link, int end, StandardProtocolFamily family) {
        check("link", link, MAX_LINKS);
        if (end != 1 && end != 2) {
            throw new IllegalArgumentException("link end " + end + " must be 1 or 2");
        }
        return address(link, end, family);
    }

    /** The subnet of link {@code link} in CIDR notation, e.g. {@code 10.70.3.0/24}, {@code fd00:91:70:3::/64}. */
    public String linkSubnet(int link, StandardProtocolFamily family) {
        check("link", link, MAX_LINKS);
        return isV4(family) ? "10." + octet + "." + link + ".0/24" : "fd00:91:" + octet + ":" + link + "::/64";
    }

    /** The loopback "VIP" of node {@code node}. */
    public InetAddress vip(int node, StandardProtocolFamily family) {
        check("node", node, MAX_NODES);
        return address(VIP_BLOCK, node, family);
    }

    /** Everything this lab may use, e.g. {@code 10.70.0.0/16} and {@code fd00:91:70::/48}. */
    public String labRange(StandardProtocolFamily family) {
        return isV4(family) ? "10." + octet + ".0.0/16" : "fd00:91:" + octet + "::/48";
    }

    private InetAddress address(int third, int host, StandardProtocolFamily family) {
        String text = isV4(family) ? "10." + octet + "." + third + "." + host
                : "fd00:91:" + octet + ":" + third + "::" + host;
        try {
            return InetAddress.getByName(text); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an address literal: " + text, e);
        }
    }

    private static boolean isV4(StandardProtocolFamily family) {
        if (family == StandardProtocolFamily.INET) {
            return true;
        }
        if (family == StandardProtocolFamily.INET6) {
            return false;
        }
        throw new IllegalArgumentException("address family must be INET or INET6, not " + family);
    }

    private static void check(String what, int n, int max) {
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(what + " number " + n + " is outside 1.." + max
                    + ": a lab holds at most " + max + " " + what + "s");
        }
    }

    /** Releases the slot. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing useful to do: the lock dies with the process anyway
            }
        }
    }
}
