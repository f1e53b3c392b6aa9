package io.pathprobe.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The topology of the ticket, agent and fleet lab tests: client a behind a chain of routers to a target host,
 * and a second client b that joins a's path at one of its routers or reaches the target through routers of its
 * own; more hosts may hang off any router (a coordinator, a load balancer's backends). The default:
 *
 * <pre>
 *  ca -- ra -- rb -- vip
 *               |
 *  cb ----------+
 * </pre>
 *
 * Nodes are made, and links laid, in the order a, a's routers, the target, b, b's routers, the extra hosts; then
 * routes are installed and every link awaited up. Build with {@link #builder()}.
 */
public final class ClientLab {
    private final NetLab lab;
    private final Host a;
    private final Host b;
    private final Host target;
    private final Map<String, Router> routers;
    private final Map<String, List<Host>> hostsOn;

    private ClientLab(NetLab lab, Host a, Host b, Host target, Map<String, Router> routers,
            Map<String, List<Host>> hostsOn) {
        this.lab = lab;
        this.a = a;
        this.b = b;
        this.target = target;
        this.routers = routers;
        this.hostsOn = hostsOn;
    }

    /** The default topology above; change it with the builder's methods. */
    public static Builder builder() {
        return new Builder();
    }

    /** The lab it was built in. */
    public NetLab lab() {
        return lab;
    }

    /** Client a, at the start of the router chain. */
    public Host a() {
        return a;
    }

    /** Client b. */
    public Host b() {
        if (b == null) {
            throw new IllegalStateException("this topology was built without client b");
        }
        return b;
    }

    /** The target host at the end of a's chain. */
    public Host target() {
        if (target == null) {
            throw new IllegalStateException("this topology was built without a target host");
        }
        return target;
    }

    /** The router named {@code name} (of a's chain or of b's). */
    public Router router(String name) {
        Router r = routers.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no router '" + name + "' in this topology: it has " + routers.keySet());
        }
        return r;
    }

    /** The extra hosts on router {@code name}, in the order given (empty when none). */
    public List<Host> hostsOn(String name) {
        return hostsOn.getOrDefault(name, List.of());
    }

    /** The extra host named {@code name}. */
    public Host host(String name) {
        for (List<Host> hs : hostsOn.values()) {
            for (Host h : hs) {
                if (h.name().equals(name)) {
                    return h;
                }
            }
        }
        throw new IllegalArgumentException("no extra host '" + name + "' in this topology");
    }

    /** What to build; every name follows {@link NetLab#host}'s rules. */
    public static final class Builder {
        private String a = "ca";
        private List<String> routers = List.of("ra", "rb");
        private String target = "vip";
        private String b = "cb";
        private String bJoinsAt;
        private List<String> bRouters = List.of();
        private final Map<String, List<String>> hostsOn = new LinkedHashMap<>();

        private Builder() {
        }

        /** Client a's name (default {@code ca}). */
        public Builder clientA(String name) {
            this.a = Objects.requireNonNull(name, "name");
            return this;
        }

        /** a's routers toward the target, in order (default {@code ra}, {@code rb}); at least one. */
        public Builder routers(String... names) {
            if (names.length == 0) {
                throw new IllegalArgumentException("give at least one router");
            }
            this.routers = List.of(names);
            return this;
        }

        /** The target host's name (default {@code vip}). */
        public Builder target(String name) {
            this.target = Objects.requireNonNull(name, "name");
            return this;
        }

        /** No target host: a's chain ends at its last router (e.g. a load balancer with backends on it). */
        public Builder noTarget() {
            this.target = null;
            return this;
        }

        /** Client b joins a's path at router {@code router} (default: {@code cb} at a's last router). */
        public Builder clientB(String name, String router) {
            this.b = Objects.requireNonNull(name, "name");
            this.bJoinsAt = Objects.requireNonNull(router, "router");
            this.bRouters = List.of();
            return this;
        }

        /** Client b reaches the target through routers of its own, not sharing a's. */
        public Builder clientBVia(String name, String... ownRouters) {
            if (ownRouters.length == 0) {
                throw new IllegalArgumentException("give b at least one router of its own, or use clientB");
            }
            this.b = Objects.requireNonNull(name, "name");
            this.bJoinsAt = null;
            this.bRouters = List.of(ownRouters);
            return this;
        }

        /** No client b. */
        public Builder noClientB() {
            this.b = null;
            return this;
        }

        /** Extra hosts on {@code router} (one of a's), each on a link of its own. */
        public Builder hostsOn(String router, String... hosts) {
            hostsOn.computeIfAbsent(router, k -> new ArrayList<>()).addAll(List.of(hosts));
            return this;
        }

        /** Makes the nodes and links in {@code lab}, installs routes and waits for every link to be up. */
        public ClientLab build(NetLab lab) {
            if (!bRouters.isEmpty() && target == null) {
                throw new IllegalStateException("client b with routers of its own needs a target to reach");
            }
            Map<String, Router> rs = new LinkedHashMap<>();
            Host ha = lab.host(a);
            for (String r : routers) {
                rs.put(r, lab.router(r));
            }
            Host ht = target == null ? null : lab.host(target);
            Host hb = b == null ? null : lab.host(b);
            List<Router> bOwn = new ArrayList<>();
            for (String r : bRouters) {
                Router router = lab.router(r);
                rs.put(r, router);
                bOwn.add(router);
            }
            Map<String, List<Host>> extra = new LinkedHashMap<>();
            hostsOn.forEach((r, names) -> {
                List<Host> hs = new ArrayList<>();
                names.forEach(n -> hs.add(lab.host(n)));
                extra.put(r, List.copyOf(hs));
            });
            ClientLab built = new ClientLab(lab, ha, hb, ht, rs, extra);
            Node previous = ha;
            for (String r : routers) {
                lab.link(previous, rs.get(r));
                previous = rs.get(r);
            }
            if (ht != null) {
                lab.link(previous, ht);
            }
            if (hb != null && bOwn.isEmpty()) {
                lab.link(built.router(bJoinsAt == null ? routers.get(routers.size() - 1) : bJoinsAt), hb);
            } else if (hb != null) {
                Node p = hb;
                for (Router r : bOwn) {
                    lab.link(p, r);
                    p = r;
                }
                lab.link(p, ht);
            }
            extra.forEach((r, hs) -> hs.forEach(h -> lab.link(built.router(r), h)));
            lab.installRoutes();
            lab.awaitLinksUp();
            return built;
        }
    }
}
