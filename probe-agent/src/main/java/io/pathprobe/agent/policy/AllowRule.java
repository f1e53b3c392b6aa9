package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;

/** One {@code CIDR[:PORTS]} allow rule, parsed as documented in {@link TargetPolicy}. */
final class AllowRule {
    private static final Cidr MAPPED = Cidr.of("::ffff:0:0/96");

    final Cidr cidr;
    final PortList ports;

    private AllowRule(Cidr cidr, PortList ports) {
        this.cidr = cidr;
        this.ports = ports;
    }

    static AllowRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an allow rule is empty: give CIDR[:PORTS], e.g. 10.0.0.0/8:80,443"
                    + " or [2001:db8::/32]:443");
        }
        String rule = text.strip();
        for (int i = 0; i < rule.length(); i++) {
            char c = rule.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + " contains whitespace or a"
                        + " non-ASCII character: write it as CIDR[:PORTS] without spaces, e.g. 10.0.0.0/8:80,443");
            }
        }
        String cidrText;
        String portText = null;
        if (rule.startsWith("[")) {
            int close = rule.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + " has no closing ']':"
                        + " write IPv6 rules with ports as [2001:db8::/32]:443");
            }
            cidrText = rule.substring(1, close);
            String rest = rule.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": expected ':PORTS' after"
                        + " ']', e.g. [2001:db8::/32]:443,8000-8100");
            }
            if (cidrText.indexOf(':') < 0) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": brackets are for IPv6"
                        + " prefixes; write IPv4 rules as 10.0.0.0/8:443");
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
        } else if (rule.indexOf('[') >= 0 || rule.indexOf(']') >= 0) {
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": brackets go around the"
                    + " whole IPv6 prefix, e.g. [2001:db8::/32]:443");
        } else {
            int colons = (int) rule.chars().filter(c -> c == ':').count();
            if (colons == 1) {
                int colon = rule.indexOf(':');
                cidrText = rule.substring(0, colon);
                portText = rule.substring(colon + 1);
            } else {
                cidrText = rule; // no ':' (IPv4, all ports) or a bare IPv6 prefix (all ports)
                if (colons > 1 && rule.indexOf('.') >= 0 && rule.indexOf('.') < rule.indexOf(':')) {
                    throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + " has more than one"
                            + " ':': write one ':' before the ports and separate ports with ',', e.g."
                            + " 10.0.0.0/8:80,443");
                }
                boolean portsAfterPrefix = rule.indexOf('/') >= 0 && rule.indexOf(':', rule.indexOf('/')) >= 0;
                if (colons > 1 && (portsAfterPrefix || AddressText.ipv6Bytes(rule.split("/", 2)[0]) == null)) {
                    throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": "
                            + (portsAfterPrefix ? "ports after a bare IPv6 prefix are ambiguous"
                                    : Literals.quote(rule.split("/", 2)[0]) + " is not an IPv6 address")
                            + "; an IPv6 rule with ports goes in brackets, e.g. [2001:db8::/32]:443,8000-8100");
                }
            }
        }
        Cidr cidr = Cidr.parse(cidrText, rule);
        if (MAPPED.contains(cidr)) {
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + " is inside the IPv4-mapped"
                    + " range ::ffff:0:0/96, whose addresses are checked as IPv4: write the rule as an IPv4 prefix");
        }
        return new AllowRule(cidr, portText == null ? PortList.ALL : PortList.parse(portText, rule));
    }

    /** The canonical text of the rule: RFC 5952 addresses, sorted merged ports, brackets only with ports. */
    @Override
    public String toString() {
        if (ports.isAll()) {
            return cidr.toString();
        }
        return (cidr.isIpv6() ? "[" + cidr + "]" : cidr.toString()) + ":" + ports;
    }
}
