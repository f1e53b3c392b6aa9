package io.pathprobe.ticket.hostcheck;

import io.pathprobe.ticket.internal.Addresses;

import java.util.ArrayList;
import java.util.List;

/**
 * What a vantage point knows about itself without sending anything, read from its own network namespace
 * ({@link SelfChecks#check}): whether it listens on the probed ports (a host that serves the port may be one of
 * the load balancer's backends: cause 3), its own addresses, and its routes (which hops are on its own links, for
 * "the client's own network or the carrier's").
 *
 * @param addresses        the namespace's own addresses (IPv4 and IPv6, loopback included)
 * @param listeningPorts   the probed ports with a TCP socket in LISTEN state on a non-loopback (or wildcard)
 *                         address, ascending
 * @param networks         the prefixes of the namespace's directly connected links ({@code 10.0.1.0/24},
 *                         {@code fd00:1::/64}); link-local and loopback left out
 * @param gateways         the next-hop routers of its routes (the default route's first), i.e. its first routers
 * @param backendAddresses those of {@code addresses} that are among the load balancer's backends (from
 *                         {@code --backends}); empty when none are, or none were given
 * @param isBackend        whether this vantage point is one of the backends by address: {@code null} when no
 *                         backends were given (unknown)
 * @param error            why the check could not be read (then the lists are empty), or {@code null}
 */
public record SelfCheck(List<String> addresses, List<Integer> listeningPorts, List<String> networks,
                        List<String> gateways, List<String> backendAddresses, Boolean isBackend, String error) {
    public SelfCheck {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        listeningPorts = listeningPorts == null ? List.of() : List.copyOf(listeningPorts);
        networks = networks == null ? List.of() : List.copyOf(networks);
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        backendAddresses = backendAddresses == null ? List.of() : List.copyOf(backendAddresses);
    }

    /** A check that could not be made. */
    public static SelfCheck failed(String why) {
        return new SelfCheck(null, null, null, null, null, null, why);
    }

    /**
     * The same check with the backend membership worked out against {@code backends} (the load balancer's backend
     * addresses as given; empty: unknown).
     */
    public SelfCheck withBackends(List<String> backends) {
        if (backends == null || backends.isEmpty() || error != null) {
            return new SelfCheck(addresses, listeningPorts, networks, gateways, List.of(), null, error);
        }
        List<String> mine = new ArrayList<>();
        for (String a : addresses) {
            if (backends.stream().anyMatch(b -> Addresses.same(a, b))) {
                mine.add(a);
            }
        }
        return new SelfCheck(addresses, listeningPorts, networks, gateways, mine, !mine.isEmpty(), error);
    }

    /** Whether {@code address} lies in one of this vantage point's directly connected networks. */
    public boolean onOwnLink(String address) {
        for (String n : networks) {
            if (Addresses.inPrefix(address, n)) {
                return true;
            }
        }
        return false;
    }
}
