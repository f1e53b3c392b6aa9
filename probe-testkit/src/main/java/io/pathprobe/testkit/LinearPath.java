package io.pathprobe.testkit;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain {@code client - r1 - ... - rN - server} made by {@link NetLab#linearPath(int)}, routed both ways for
 * IPv4 and IPv6.
 */
public final class LinearPath {
    private final Host client;
    private final List<Router> routers;
    private final Host server;

    LinearPath(Host client, List<Router> routers, Host server) {
        this.client = client;
        this.routers = List.copyOf(routers);
        this.server = server;
    }

    /** The first host; its address is {@code client().address(family)}. */
    public Host client() {
        return client;
    }

    /** The last host; reachable at {@code server().address(family)} and at {@code server().vip(family)}. */
    public Host server() {
        return server;
    }

    /** Router {@code i}, counted from the client: 1..{@link #size()}. */
    public Router router(int i) {
        if (i < 1 || i > routers.size()) {
            throw new IllegalArgumentException("router " + i + " does not exist: this path has routers 1.."
                    + routers.size());
        }
        return routers.get(i - 1);
    }

    /** The routers in order from the client. */
    public List<Router> routers() {
        return routers;
    }

    /** The number of routers. */
    public int size() {
        return routers.size();
    }

    /**
     * The router addresses a trace from the client lists, in order (hop 1 first): each router's
     * {@link Router#addressTowardClient address toward the client}. The destination itself comes after them.
     */
    public List<InetAddress> routerAddresses(StandardProtocolFamily family) {
        List<InetAddress> hops = new ArrayList<>(routers.size());
        for (Router r : routers) {
            hops.add(r.addressTowardClient(family));
        }
        return hops;
    }
}
