package io.pathprobe.agent.policy;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TargetPolicy#decide} said about one address and port: allowed, by which rule, or denied, with the
 * reason as one sentence fit for a {@code 403} body or an audit line (which address and port, which rule or special
 * range). Immutable.
 */
public final class Decision {
    private final boolean allowed;
    private final InetAddress address;
    private final int port;
    private final String rule;
    private final String range;
    private final String reason;

    Decision(boolean allowed, InetAddress address, int port, String rule, String range, String reason) {
        this.allowed = allowed;
        this.address = Objects.requireNonNull(address, "address");
        this.port = port;
        this.rule = rule;
        this.range = range;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Whether the probe may be sent. */
    public boolean allowed() {
        return allowed;
    }

    /** The address judged, canonicalised (an IPv4-mapped IPv6 address is its IPv4 address). */
    public InetAddress address() {
        return address;
    }

    /** The destination port judged; 0 for probes without one (ICMP echo, ICMP traces). */
    public int port() {
        return port;
    }

    /**
     * The allow rule in its canonical text: the one that allowed the probe, or, when denied, the rule that covered
     * the address but not the port or was broader than the special range; empty when no rule was involved.
     */
    public Optional<String> rule() {
        return Optional.ofNullable(rule);
    }

    /** When a special range denied the probe, that range with its name, e.g. {@code 10.0.0.0/8 (private, RFC 1918)}. */
    public Optional<String> range() {
        return Optional.ofNullable(range);
    }

    /** The decision as one sentence, e.g. {@code 10.0.0.5:22 is denied: rule 10.0.0.0/8:80,443 covers ...}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason;
    }
}
