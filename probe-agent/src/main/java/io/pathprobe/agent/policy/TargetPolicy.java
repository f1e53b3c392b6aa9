package io.pathprobe.agent.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses and ports an agent may probe: default deny, opened by allow rules. Immutable and thread-safe.
 *
 * <h2>Rules</h2>
 * Each rule is {@code CIDR[:PORTS]} as given to {@code --allow} or in the config file:
 * <ul>
 *   <li>IPv4: {@code 203.0.113.0/24}, {@code 10.1.2.3/32:443}, {@code 10.0.0.0/8:80,443,8000-8100}.</li>
 *   <li>IPv6 without ports: {@code 2001:db8::/32}. With ports the prefix goes in brackets, as in URLs:
 *       {@code [2001:db8::/32]:443,8000-8100}.</li>
 *   <li>A bare address is one host ({@code /32} or {@code /128}). Addresses must be canonical (IPv4 as four decimal
 *       numbers without leading zeros) and the prefix must have no host bits set ({@code 10.0.0.1/8} is refused).
 *       A rule inside the IPv4-mapped range {@code ::ffff:0:0/96} is refused: write it as IPv4.</li>
 *   <li>PORTS is a comma list of ports and {@code low-high} ranges, 1 to 65535; no PORTS means every port.</li>
 *   <li>Probes without a port (port 0: ICMP echo, ICMP-mode traces) are allowed by any rule whose prefix covers the
 *       address, whatever its port list: a rule for {@code VIP:443} lets the agent ping and trace the VIP too.</li>
 * </ul>
 * A malformed rule is an {@link IllegalArgumentException} naming the rule and what to write instead.
 *
 * <h2>Special ranges</h2>
 * An address in one of these ranges is denied unless an allow rule names it <em>explicitly</em>: the rule covers the
 * address and its prefix lies inside the most specific special range holding the address (equal counts). So
 * {@code 0.0.0.0/0} or {@code ::/0} never opens one, {@code 10.0.0.0/8} opens private 10/8, and the cloud-metadata
 * address 169.254.169.254 needs a rule for exactly {@code 169.254.169.254/32} (169.254.0.0/16 does not open it).
 * <ul>
 *   <li>IPv4: 0.0.0.0/8 "this network"; 10/8, 172.16/12, 192.168/16 private (RFC 1918); 100.64/10 carrier-grade
 *       NAT; 127/8 loopback; 169.254/16 link-local; 192.0.0/24 IETF protocol assignments; 192.0.2/24, 198.51.100/24,
 *       203.0.113/24 documentation (test labs use them as VIPs, hence allowable); 192.88.99/24 6to4 relay anycast;
 *       198.18/15 benchmarking; 224/4 multicast; 240/4 reserved; 255.255.255.255 limited broadcast; and the cloud
 *       endpoints 169.254.169.254, 100.100.100.200 (Alibaba) and 168.63.129.16 (Azure WireServer), each its own
 *       range.</li>
 *   <li>IPv6: everything outside global unicast 2000::/3 ("unassigned"), within it: {@code ::} unspecified,
 *       {@code ::1} loopback, ::/8 reserved (IPv4-compatible), 100::/64 discard-only, 64:ff9b:1::/48 local-use
 *       NAT64, 2001::/23 IETF protocol assignments (Teredo), 2001:db8::/32 and 3fff::/20 documentation, 5f00::/16
 *       SRv6, fc00::/7 unique local (private), fd00:ec2::254 (AWS metadata), fe80::/10 link-local, fec0::/10
 *       site-local, ff00::/8 multicast. 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) are ordinary space, but see
 *       below.</li>
 * </ul>
 * Subnet-directed broadcast addresses cannot be known from here; the quotas bound what a mistake there costs.
 *
 * <h2>Canonicalisation</h2>
 * An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is its IPv4 address: it is judged, reported and pinned as
 * IPv4. An IPv6 address that carries an IPv4 address a translator, relay or tunnel delivers to (NAT64
 * {@code 64:ff9b::/96}, 6to4 {@code 2002:AABB:CCDD::/48}, IPv4-compatible {@code ::a.b.c.d}, IPv4-translated
 * {@code ::ffff:0:a.b.c.d}) is allowed only if both the IPv6 address and the embedded IPv4 address are. Teredo's
 * embedded addresses are not decoded: 2001::/32 is a special range, so allowing it is an explicit decision. Host
 * strings are classified by {@link HostSyntax} (non-canonical numeric spellings are refused, never guessed).
 */
public final class TargetPolicy {
    private final List<AllowRule> rules;

    private TargetPolicy(List<AllowRule> rules) {
        this.rules = rules;
    }

    /**
     * A policy from allow rules in the syntax above, in order (the first rule that allows a probe is the one
     * reported). No rules: everything is denied.
     *
     * @throws IllegalArgumentException naming the first malformed rule and what to write instead
     */
    public static TargetPolicy of(Collection<String> rules) {
        Objects.requireNonNull(rules, "rules");
        List<AllowRule> parsed = new ArrayList<>();
        for (String r : rules) {
            parsed.add(AllowRule.parse(r));
        }
        return new TargetPolicy(List.copyOf(parsed));
    }

    /** {@link #of(Collection)} for rules given as arguments. */
    public static TargetPolicy of(String... rules) {
        return of(List.of(rules));
    }

    /** The rules in canonical text (RFC 5952 addresses, sorted merged ports), e.g. for {@code /v1/info}. */
    public List<String> rules() {
        return rules.stream().map(AllowRule::toString).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Whether a probe to {@code address} on {@code port} may be sent.
     *
     * @param port the destination port, 1 to 65535, or 0 for a probe without one (ICMP echo, ICMP traces)
     * @throws IllegalArgumentException for a port outside 0..65535
     */
    public Decision decide(InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range: use 1 to 65535, or 0 for a"
                    + " probe without a port");
        }
        InetAddress a = Literals.canonical(address);
        Decision d = check(a, port);
        Embedded e = d.allowed() ? Embedded.of(a) : null;
        if (e == null) {
            return d;
        }
        Decision inner = check(e.ipv4, port);
        String v4 = Literals.text(e.ipv4);
        if (!inner.allowed()) {
            return new Decision(false, a, port, inner.rule().orElse(null), inner.range().orElse(null),
                    Literals.endpoint(a, port) + " is denied: it embeds the IPv4 address " + v4 + " (" + e.how
                            + "), which is checked as well: " + inner.reason());
        }
        return new Decision(true, a, port, d.rule().orElseThrow(), null, d.reason() + "; its embedded IPv4"
                + " address " + v4 + " (" + e.how + ") is allowed by rule " + inner.rule().orElseThrow());
    }

    /** The policy for one canonical address, without looking at embedded addresses. */
    private Decision check(InetAddress a, int port) {
        byte[] b = a.getAddress();
        String ep = Literals.endpoint(a, port);
        String addr = Literals.text(a);
        SpecialRange special = SpecialRange.of(b);
        AllowRule broader = null;
        AllowRule otherPorts = null;
        for (AllowRule r : rules) {
            if (!r.cidr.contains(b)) {
                continue;
            }
            if (special != null && !special.cidr.contains(r.cidr)) {
                broader = broader == null ? r : broader;
                continue;
            }
            if (port != 0 && !r.ports.contains(port)) {
                otherPorts = otherPorts == null ? r : otherPorts;
                continue;
            }
            return new Decision(true, a, port, r.toString(), null, ep + " is allowed by rule " + r);
        }
        if (otherPorts != null) {
            return new Decision(false, a, port, otherPorts.toString(), null, ep + " is denied: rule " + otherPorts
                    + " covers " + addr + " but not port " + port);
        }
        if (special != null) {
            String base = ep + " is denied: " + addr + " is in " + special + ", which only an allow rule inside "
                    + special.cidr + " opens";
            return broader != null
                    ? new Decision(false, a, port, broader.toString(), special.toString(), base + " (rule " + broader
                            + " covers it but is broader, so it does not)")
                    : new Decision(false, a, port, null, special.toString(), base + ", e.g. " + addr + "/"
                            + b.length * 8);
        }
        return new Decision(false, a, port, null, null, ep + " is denied: " + (rules.isEmpty()
                ? "the agent has no allow rules (default deny)"
                : "no allow rule covers " + addr + " (default deny)"));
    }

    /**
     * Resolves a target once and checks every address for port-less probes; see
     * {@link #resolve(String, Collection, Resolver)}.
     */
    public PinnedTarget resolve(String host, Resolver resolver) throws UnknownHostException {
        return resolve(host, List.of(), resolver);
    }

    /**
     * Classifies {@code host} ({@link HostSyntax}), resolves a name once with {@code resolver} (a literal is never
     * handed to it), and checks every resulting address for every port (0 for probes without one; an empty
     * collection checks 0 only). The returned target's addresses are the only ones to probe for this request: a
     * later answer for the same name, however different, cannot change them (no DNS rebinding).
     *
     * @throws IllegalArgumentException      when {@code host} is malformed or a refused numeric spelling
     * @throws UnknownHostException          when the name has no addresses (or the resolver says so)
     * @throws TargetDeniedException         when any address is denied for any port: the whole request is denied
     */
    public PinnedTarget resolve(String host, Collection<Integer> ports, Resolver resolver)
            throws UnknownHostException {
        Objects.requireNonNull(resolver, "resolver");
        Set<Integer> checked = new LinkedHashSet<>(ports);
        if (checked.isEmpty()) {
            checked.add(0);
        }
        HostSyntax.Host parsed = HostSyntax.parse(host);
        List<InetAddress> addresses;
        String name;
        if (parsed instanceof HostSyntax.Literal literal) {
            addresses = List.of(literal.address());
            name = null;
        } else {
            name = ((HostSyntax.Name) parsed).name();
            List<InetAddress> answer = resolver.resolve(name);
            if (answer == null || answer.isEmpty()) {
                throw new UnknownHostException(name + " has no addresses");
            }
            Set<InetAddress> unique = new LinkedHashSet<>();
            for (InetAddress a : answer) {
                unique.add(Literals.canonical(Objects.requireNonNull(a, "resolved address")));
            }
            addresses = List.copyOf(unique);
        }
        List<Decision> decisions = new ArrayList<>();
        for (InetAddress a : addresses) {
            for (int port : checked) {
                Decision d = decide(a, port);
                if (!d.allowed()) {
                    String message = name == null ? d.reason() : name + " resolved to " + addresses.stream()
                            .map(Literals::text).collect(Collectors.joining(", ")) + ", and the request is denied"
                            + " because every resolved address must be allowed: " + d.reason();
                    throw new TargetDeniedException(message, d);
                }
                decisions.add(d);
            }
        }
        return new PinnedTarget(name == null ? Literals.text(addresses.get(0)) : name, name == null, addresses,
                decisions);
    }

    @Override
    public String toString() {
        return "TargetPolicy" + rules();
    }
}
