package io.pathprobe.testkit;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;

/**
 * A {@link Node} that forwards IPv4 and IPv6, and sends ICMP errors from the address of the interface the
 * offending packet arrived on. Made by {@link NetLab#router(String)}.
 */
public final class Router extends Node {
    private volatile Node upstream;

    Router(NetLab lab, String name, int number) {
        super(lab, name, number);
    }

    /**
     * The address this router answers traces from the client with (Time Exceeded, unreachables): its address on
     * the link toward the client. What {@code traceroute -n} or {@code mtr -n} in the client prints for this hop.
     *
     * @throws IllegalStateException when this router is not part of a {@link LinearPath}; use
     *                               {@link #addressToward(Node, StandardProtocolFamily)} then
     */
    public InetAddress addressTowardClient(StandardProtocolFamily family) {
        Node up = upstream;
        if (up == null) {
            throw new IllegalStateException(name() + " is not part of a linear path, so it has no client side:"
                    + " use addressToward(neighbor, family)");
        }
        return addressToward(up, family);
    }

    void upstream(Node neighbor) {
        this.upstream = neighbor;
    }
}
