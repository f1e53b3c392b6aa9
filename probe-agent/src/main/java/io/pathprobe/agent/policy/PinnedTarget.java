package io.pathprobe.agent.policy;

import java.net.InetAddress;
import java.util.List;

/**
 * A target resolved once and allowed by the policy: the only addresses a request may probe. Immutable: it never
 * looks the name up again, so a changed DNS answer cannot redirect the probes (no DNS rebinding).
 */
public final class PinnedTarget {
    private final String host;
    private final boolean literal;
    private final List<InetAddress> addresses;
    private final List<Decision> decisions;

    PinnedTarget(String host, boolean literal, List<InetAddress> addresses, List<Decision> decisions) {
        this.host = host;
        this.literal = literal;
        this.addresses = List.copyOf(addresses);
        this.decisions = List.copyOf(decisions);
    }

    /** The name as resolved (lower case), or the address literal in canonical text. */
    public String host() {
        return host;
    }

    /** Whether the request gave an address literal (nothing was resolved). */
    public boolean literal() {
        return literal;
    }

    /** The pinned addresses, canonical (IPv4-mapped ones as IPv4), without duplicates, in the resolver's order. */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /** The allowing decision for every address and port checked, for the audit log. */
    public List<Decision> decisions() {
        return decisions;
    }

    @Override
    public String toString() {
        return host + " " + addresses.stream().map(Literals::text).toList();
    }
}
