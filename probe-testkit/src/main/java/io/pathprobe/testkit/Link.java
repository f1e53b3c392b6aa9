package io.pathprobe.testkit;

import io.pathprobe.testkit.internal.AddressPlan;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;

/**
 * A veth pair between two nodes, with an IPv4 /24 and an IPv6 /64 of its own: end {@link #a()} has host number 1,
 * end {@link #b()} host number 2 (e.g. {@code 10.70.3.1} and {@code 10.70.3.2}).
 */
public final class Link {
    private final AddressPlan plan;
    private final int number;
    private final Node a;
    private final Node b;
    private final String interfaceA;
    private final String interfaceB;

    Link(AddressPlan plan, int number, Node a, String interfaceA, Node b, String interfaceB) {
        this.plan = plan;
        this.number = number;
        this.a = a;
        this.b = b;
        this.interfaceA = interfaceA;
        this.interfaceB = interfaceB;
    }

    /** The link's number in its lab, 1..250 (the third IPv4 octet of its subnet). */
    public int number() {
        return number;
    }

    /** The first end (host number 1). */
    public Node a() {
        return a;
    }

    /** The second end (host number 2). */
    public Node b() {
        return b;
    }

    /** Whether {@code node} is one of the two ends. */
    public boolean connects(Node node) {
        return node == a || node == b;
    }

    /** The end that is not {@code end}. */
    public Node peer(Node end) {
        return end == a ? b : checkEnd(end) == b ? a : null;
    }

    /** The subnet in CIDR notation, e.g. {@code 10.70.3.0/24} or {@code fd00:91:70:3::/64}. */
    public String subnet(StandardProtocolFamily family) {
        return plan.linkSubnet(number, family);
    }

    /** The address of {@code end} on this link. */
    public InetAddress address(Node end, StandardProtocolFamily family) {
        return plan.linkAddress(number, checkEnd(end) == a ? 1 : 2, family);
    }

    /** The name of the interface of {@code end} on this link (inside its namespace), e.g. {@code eth0}. */
    public String interfaceName(Node end) {
        return checkEnd(end) == a ? interfaceA : interfaceB;
    }

    private Node checkEnd(Node end) {
        if (!connects(end)) {
            throw new IllegalArgumentException(end + " is not an end of link " + this);
        }
        return end;
    }

    @Override
    public String toString() {
        return a.name() + "<->" + b.name() + " (" + subnet(StandardProtocolFamily.INET) + ")";
    }
}
