package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.NameResolver;
import io.pathprobe.core.UnresolvedHostException;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Turns the hosts and addresses a user typed into {@link InetAddress}es, with one-line errors that say what to do:
 * names through core's {@link NameResolver} (the one resolver), its errors in the flags' terms.
 */
final class HostResolver {

    private HostResolver() {
    }

    /**
     * The first address of {@code host} in {@code family}, in the system's preferred order.
     *
     * @throws UsageException when it does not resolve, or has no address of that family
     */
    static InetAddress resolve(String host, NameResolver.Family family) {
        try {
            return NameResolver.system().resolveNow(host, family);
        } catch (UnresolvedHostException e) {
            throw new UsageException(e.kind() == UnresolvedHostException.Kind.NO_ADDRESS_IN_FAMILY
                    ? "host '" + host + "' has no " + family.label() + " address (" + e.reason()
                    + "): leave out -4/-6, or give another host"
                    : e.getMessage(), e);
        }
    }

    /**
     * Where the kernel sends a probe to {@code target}: the unspecified address (0.0.0.0, ::) means this host, so
     * Linux delivers it to the source address when one is bound, else to loopback, and the answer comes from there.
     * iputils ping shows {@code PING 0.0.0.0 (127.0.0.1)} and the replies from 127.0.0.1; probing that address
     * directly lets the reply match the probe. Any other address is returned as it is.
     */
    static InetAddress thisHostAsProbed(InetAddress target, io.pathprobe.core.VantagePoint vp) {
        if (!target.isAnyLocalAddress()) {
            return target;
        }
        boolean v4 = target instanceof java.net.Inet4Address;
        java.util.Optional<InetAddress> source = vp instanceof io.pathprobe.core.LocalVantagePoint l
                ? l.sourceAddress().filter(a -> (a instanceof java.net.Inet4Address) == v4 && !a.isAnyLocalAddress())
                : java.util.Optional.empty();
        return source.orElseGet(() -> AddressText.parse(v4 ? "127.0.0.1" : "::1"));
    }

    /**
     * Whether {@code text} is an IP address literal (so that resolving it sends no DNS query): core's
     * {@link AddressText#isLiteral}, or an IPv6 literal with a zone ({@code fe80::1%eth0}), which ping takes too.
     */
    static boolean isLiteral(String text) {
        int zone = text.indexOf('%');
        return AddressText.isLiteral(text)
                || (zone > 0 && zone < text.length() - 1 && AddressText.ipv6Bytes(text.substring(0, zone)) != null);
    }

    /**
     * A local address to send from, as {@code --source} takes it.
     *
     * @throws UsageException when it is not an address literal or not an address of this host
     */
    static InetAddress localAddress(String text, String option) {
        String t = text.trim();
        if (t.isEmpty() || !isLiteral(t)) {
            throw new UsageException(option + " '" + t + "' is not an IP address: give one of this host's addresses (see 'ip addr')");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw new UsageException(option + " '" + t + "' is not a valid IP address: give one of this host's addresses (see 'ip addr')", e);
        }
        try {
            if (NetworkInterface.getByInetAddress(a) == null) {
                throw new UsageException(option + " " + AddressText.of(a)
                        + " is not an address of this host: give one of those 'ip addr' lists");
            }
        } catch (SocketException e) {
            throw new UsageException("cannot list this host's addresses to check " + option + ": " + e.getMessage(), e);
        }
        return a;
    }

    /**
     * Checks that interface {@code name} exists.
     *
     * @throws UsageException when it does not
     */
    static void checkInterface(String name, String option) {
        try {
            if (NetworkInterface.getByName(name) == null) {
                throw new UsageException(option + ": no interface named '" + name + "' here: give one that 'ip link' lists");
            }
        } catch (SocketException e) {
            throw new UsageException("cannot list this host's interfaces to check " + option + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code ADDR} or {@code ADDR:PORT} ({@code [V6]:PORT}) as a socket address; an address literal only, so nothing
     * is looked up.
     *
     * @throws UsageException naming {@code option} when it is not one
     */
    static java.net.InetSocketAddress socketAddress(String text, int defaultPort, String option) {
        TargetSpec t;
        try {
            t = TargetSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " '" + text + "': " + e.getMessage(), e);
        }
        if (t.ports().size() > 1) {
            throw new UsageException(option + " '" + text + "': give one port");
        }
        if (!isLiteral(t.host())) {
            throw new UsageException(option + " '" + text + "' is not an IP address: give an address literal");
        }
        InetAddress a = resolve(t.host(), NameResolver.Family.ANY); // a literal: no query
        return new java.net.InetSocketAddress(a, t.ports().isEmpty() ? defaultPort : t.ports().get(0));
    }

    /** {@code 127.0.0.1:9917} or {@code [::1]:9917}. */
    static String hostPort(java.net.InetSocketAddress a) {
        String h = io.pathprobe.core.AddressText.of(a.getAddress());
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
