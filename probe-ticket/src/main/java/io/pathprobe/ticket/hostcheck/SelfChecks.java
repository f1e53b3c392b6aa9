package io.pathprobe.ticket.hostcheck;

import io.pathprobe.core.AddressText;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * Reads a vantage point's {@link SelfCheck} from {@code /proc/thread-self/net}: {@code tcp}/{@code tcp6} (LISTEN
 * sockets), {@code fib_trie}/{@code if_inet6} (addresses, as hostcheck reads them) and
 * {@code route}/{@code ipv6_route} (connected networks and gateways). Nothing is sent.
 *
 * <p>{@code thread-self}, not {@code self}: {@code /proc/self/net} follows the thread-group leader's network
 * namespace, so a thread that entered a namespace reads the host's sockets there ({@code SelfCheckNamespaceTest}
 * shows both).
 */
public final class SelfChecks {
    private static final Path NET = Path.of("/proc/thread-self/net");
    private static final String LISTEN = "0A";
    private static final int RTF_GATEWAY = 0x2;
    private static final int RTF_REJECT = 0x200;
    private static final long RTF_LOCAL = 0x80000000L;

    /** Runs a task in the vantage point's network namespace (on a thread that entered it). */
    public interface Inside {
        <T> T call(Callable<T> task) throws Exception;
    }

    private SelfChecks() {
    }

    /**
     * Checks the calling thread's network namespace for listeners on {@code ports}. Never throws: a check that
     * cannot be read is returned with its {@link SelfCheck#error()}.
     */
    public static SelfCheck check(Collection<Integer> ports) {
        try {
            return check(NET, ports);
        } catch (RuntimeException e) {
            return SelfCheck.failed("reading " + NET + ": " + e.getMessage());
        }
    }

    /** {@link #check(Collection)} run through {@code inside} (e.g. in a network namespace). Never throws. */
    public static SelfCheck check(Inside inside, Collection<Integer> ports) {
        try {
            return inside.call(() -> check(ports));
        } catch (Exception e) {
            return SelfCheck.failed("could not look at this vantage point's own sockets and routes: " + e.getMessage());
        }
    }

    /** The check over a {@code net} directory laid out as {@code /proc/thread-self/net} (for tests). */
    static SelfCheck check(Path net, Collection<Integer> ports) {
        Set<Integer> listening = new TreeSet<>(listeningPorts(net));
        listening.retainAll(Set.copyOf(ports));
        List<String> networks = new ArrayList<>();
        List<String> gateways = new ArrayList<>();
        routes(net, networks, gateways);
        return new SelfCheck(HostChecks.readAddresses(net), List.copyOf(listening), networks, gateways, null, null,
                null);
    }

    /** Ports of TCP sockets in LISTEN state on a wildcard or non-loopback address ({@code tcp} and {@code tcp6}). */
    static Set<Integer> listeningPorts(Path net) {
        Set<Integer> out = new TreeSet<>();
        for (String file : List.of("tcp", "tcp6")) {
            for (String line : lines(net.resolve(file))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[0].endsWith(":") || !LISTEN.equals(f[3])) {
                    continue; // the header, or not listening
                }
                int colon = f[1].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                InetAddress local = procAddress(f[1].substring(0, colon), true);
                if (local == null || local.isLoopbackAddress() || isMappedLoopback(local)) {
                    continue; // only this host can reach it: not what a load balancer forwards to
                }
                out.add(Integer.parseInt(f[1].substring(colon + 1), 16));
            }
        }
        return out;
    }

    /** Connected (on-link) networks and gateways from {@code route} and {@code ipv6_route}. */
    static void routes(Path net, List<String> networks, List<String> gateways) {
        Set<String> nets = new LinkedHashSet<>();
        Set<String> gws = new LinkedHashSet<>();
        List<String> defaults = new ArrayList<>();
        for (String line : lines(net.resolve("route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface") || f[0].equals("lo")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            InetAddress dst = procAddress(f[1], true);
            InetAddress gw = procAddress(f[2], true);
            int bits = Integer.bitCount((int) Long.parseLong(f[7], 16));
            if (dst == null || gw == null || (flags & RTF_REJECT) != 0) {
                continue;
            }
            if ((flags & RTF_GATEWAY) != 0) {
                if (bits == 0) {
                    defaults.add(AddressText.of(gw));
                }
                gws.add(AddressText.of(gw));
            } else if (bits < 32) {
                nets.add(AddressText.of(dst) + "/" + bits);
            }
        }
        for (String line : lines(net.resolve("ipv6_route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[9].equals("lo")) {
                continue;
            }
            long flags = Long.parseLong(f[8], 16);
            int bits = Integer.parseInt(f[1], 16);
            InetAddress dst = procAddress(f[0], false);
            InetAddress gw = procAddress(f[4], false);
            if (dst == null || gw == null || (flags & (RTF_REJECT | RTF_LOCAL)) != 0 || dst.isLinkLocalAddress()
                    || dst.isMulticastAddress() || (dst.getAddress()[0] & 0xff) == 0xff) {
                continue;
            }
            if ((flags & RTF_GATEWAY) != 0) {
                if (bits == 0) {
                    defaults.add(AddressText.of(gw));
                }
                gws.add(AddressText.of(gw));
            } else if (bits < 128) {
                nets.add(AddressText.of(dst) + "/" + bits);
            }
        }
        networks.addAll(nets);
        Set<String> ordered = new LinkedHashSet<>(defaults);
        ordered.addAll(gws);
        gateways.addAll(ordered);
    }

    /**
     * An address as /proc/net prints it: IPv4 as 8 hex digits of a little-endian word; IPv6 ({@code tcp6}) as
     * four such words, or ({@code ipv6_route}) as 32 hex digits in network order.
     */
    static InetAddress procAddress(String hex, boolean littleEndianWords) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int src = littleEndianWords ? (i / 4) * 4 + (3 - i % 4) : i;
            b[i] = (byte) Integer.parseInt(hex.substring(2 * src, 2 * src + 2), 16);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isMappedLoopback(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return false;
        }
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff && (b[12] & 0xff) == 127;
    }

    /** A file's lines, or none when it does not exist (e.g. IPv6 disabled). */
    private static List<String> lines(Path f) {
        if (!Files.isReadable(f)) {
            return List.of();
        }
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + f + ": " + e.getMessage(), e);
        }
    }
}
