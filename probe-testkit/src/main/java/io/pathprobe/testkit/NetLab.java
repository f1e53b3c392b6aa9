package io.pathprobe.testkit;

import io.pathprobe.core.AddressText;
import io.pathprobe.nativeio.Privileges;
import io.pathprobe.testkit.internal.AddressPlan;
import io.pathprobe.testkit.internal.Commands;
import org.junit.jupiter.api.Assumptions;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A real network for a test: Linux network namespaces joined by veth pairs, with addresses, routes, sysctls and
 * nftables rules, built with {@code ip} and {@code nft}. Needs root. Everything it creates is deleted by
 * {@link #close()} (and by a JVM shutdown hook if close is never reached).
 *
 * <pre>{@code
 * try (NetLab lab = NetLab.create()) {
 *     LinearPath path = lab.linearPath(3);            // client - r1 - r2 - r3 - server, IPv4 and IPv6
 *     path.router(2).nft().dropRandomPercent(30);
 *     String out = path.client().exec("ping", "-c", "1", path.server().address(INET).getHostAddress());
 * }
 * }</pre>
 *
 * <h2>Names</h2> Each lab has a random prefix ({@code "pp"} + 6 characters); node {@code client} lives in
 * namespace {@code <prefix>-client}. Inside a namespace, a node's interfaces are {@code eth0, eth1, ...} in the
 * order its links were made.
 *
 * <h2>Addresses</h2> Each live lab owns a distinct {@code 10.S.0.0/16} with S in 64..127 (inside 10.64.0.0/10) and
 * {@code fd00:91:S::/48}: link L is {@code 10.S.L.0/24} / {@code fd00:91:S:L::/64} (ends .1 and .2, ::1 and ::2),
 * node N has a loopback "VIP" {@code 10.S.255.N} / {@code fd00:91:S:255::N}. No node has a default route, so
 * nothing can be sent outside the lab (and nothing connects the namespaces to the host anyway).
 *
 * <h2>Kernel settings</h2> Every node: IPv6 duplicate address detection off (addresses usable at once), and
 * <b>no kernel ICMP rate limiting</b> ({@code net.ipv4.icmp_ratemask=0}, {@code net.ipv6.icmp.ratemask} empty)
 * so errors are deterministic: Linux otherwise limits Time Exceeded and Unreachable to one per second per
 * destination (IPv4 {@code icmp_ratelimit=1000}, IPv6 {@code icmp.ratelimit=100} ms) plus a global
 * 1000/s, burst 50 budget, which would make traceroutes lose hops. Use {@link Nft#limitIcmpErrors} for a known
 * limit, or {@link Node#sysctl} to restore the kernel's ({@code net.ipv4.icmp_ratemask=6168}).
 * Routers: forwarding on for both families and {@code net.ipv4.icmp_errors_use_inbound_ifaddr=1}. A router
 * then sends ICMP errors (Time Exceeded, unreachables, nft rejects) from its address on the interface the offending
 * packet <em>arrived</em> on, in both families, even with asymmetric routes (checked on kernel 6.18: without the
 * sysctl, IPv4 uses the address of the interface the error leaves by; IPv6 uses the arrival interface anyway).
 * Reverse-path filtering stays off ({@code rp_filter=0}, the kernel default in new namespaces; the host's own
 * setting does not reach them), so replies that come back by another path are accepted.
 * Veth ends get distinct interface indexes: with equal indexes (the default in fresh namespaces) the kernel
 * treats the carrier change as non-urgent and defers it up to a second, during which IPv6 neighbour discovery
 * fails.
 */
public final class NetLab implements AutoCloseable {
    /** Time limit of the lab's own ip/nft commands, and the default of {@link Node#run}. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LINK_UP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9]{0,11}");
    private static final String PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How to run the netns tests when the lab cannot be used. */
    static final String HOW_TO_RUN = "needs root and iproute2+nftables: run as root, e.g. sudo mvn verify,"
            + " or see .ci/run";

    private static final Object AVAILABILITY_LOCK = new Object();
    private static String unavailableReason; // null: not checked yet; "": available

    private static final List<String> ALL_NODES_SYSCTLS = List.of(
            "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0",
            "net.ipv4.icmp_ratemask=0",
            "net.ipv6.icmp.ratemask=");
    private static final List<String> ROUTER_SYSCTLS = List.of(
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1",
            "net.ipv4.icmp_errors_use_inbound_ifaddr=1");

    private final String prefix;
    private final AddressPlan plan;
    private final String ip;
    private final String nft;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Map<Node, Set<String>> notYetUp = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetLab(String ip, String nft) {
        this.ip = ip;
        this.nft = nft;
        StringBuilder sb = new StringBuilder("pp");
        for (int i = 0; i < 6; i++) {
            sb.append(PREFIX_CHARS.charAt(RANDOM.nextInt(PREFIX_CHARS.length())));
        }
        this.prefix = sb.toString();
        this.plan = AddressPlan.allocate(Path.of(System.getProperty("java.io.tmpdir"), "pathprobe-netlab"));
        this.shutdownHook = new Thread(this::deleteNamespacesQuietly, "netlab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * A new, empty lab.
     *
     * @throws NetLabException when labs cannot run here (the message says why and what to do); tests should call
     *                         {@link #assumeAvailable()} first to be skipped instead
     */
    public static NetLab create() {
        Optional<String> reason = unavailableReason();
        if (reason.isPresent()) {
            throw new NetLabException(reason.get());
        }
        return new NetLab(Commands.locate("ip").orElseThrow().toString(),
                Commands.locate("nft").orElseThrow().toString());
    }

    /**
     * Skips the calling test (a JUnit assumption) when labs cannot run here: not root, {@code ip} or {@code nft}
     * missing, or namespaces not permitted. Tests that use a lab carry {@code @Tag("netns")}.
     */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    /**
     * Why labs cannot run here, or empty when they can. Checked once per JVM by really creating (and deleting) a
     * namespace and listing its nftables ruleset.
     */
    public static Optional<String> unavailableReason() {
        synchronized (AVAILABILITY_LOCK) {
            if (unavailableReason == null) {
                unavailableReason = checkAvailability();
            }
            return unavailableReason.isEmpty() ? Optional.empty() : Optional.of(unavailableReason);
        }
    }

    private static String checkAvailability() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "network labs need Linux network namespaces; this is " + System.getProperty("os.name")
                    + " (" + HOW_TO_RUN + ")";
        }
        boolean root;
        try {
            root = Privileges.isRoot();
        } catch (RuntimeException | LinkageError e) {
            return "cannot tell whether this process is root (" + e + "); " + HOW_TO_RUN;
        }
        if (!root) {
            return "not root: " + HOW_TO_RUN;
        }
        Optional<Path> ip = Commands.locate("ip");
        Optional<Path> nft = Commands.locate("nft");
        if (ip.isEmpty() || nft.isEmpty()) {
            return (ip.isEmpty() ? "'ip' (iproute2) " : "") + (nft.isEmpty() ? "'nft' (nftables) " : "")
                    + "not found: " + HOW_TO_RUN;
        }
        String ns = "ppcheck-" + ProcessHandle.current().pid();
        try {
            CommandResult add = Commands.run(COMMAND_TIMEOUT, null, List.of(ip.get().toString(), "netns", "add", ns));
            if (!add.ok()) {
                return "cannot create a network namespace (" + add.stderr().strip() + "): " + HOW_TO_RUN;
            }
            CommandResult list = Commands.run(COMMAND_TIMEOUT, null,
                    List.of(ip.get().toString(), "netns", "exec", ns, nft.get().toString(), "list", "ruleset"));
            if (!list.ok()) {
                return "nft does not work inside a network namespace (" + list.stderr().strip() + "): "
                        + HOW_TO_RUN;
            }
            return "";
        } catch (NetLabException e) {
            return e.getMessage() + ": " + HOW_TO_RUN;
        } finally {
            Commands.run(COMMAND_TIMEOUT, null, List.of(ip.get().toString(), "netns", "del", ns));
        }
    }

    /** The lab's random prefix, e.g. {@code "pp3kq9zx"}: every namespace of the lab starts with it and '-'. */
    public String prefix() {
        return prefix;
    }

    /** Everything this lab's addresses come from: {@code 10.S.0.0/16} or {@code fd00:91:S::/48}. */
    public String addressRange(StandardProtocolFamily family) {
        return plan.labRange(family);
    }

    /**
     * A host: a namespace {@code <prefix>-<name>} with loopback up, a VIP on it, forwarding off.
     *
     * @param name 1 to 12 characters, lower-case letters and digits, starting with a letter; unique in the lab
     */
    public synchronized Host host(String name) {
        return addNode(new Host(this, checkNewName(name), nodes.size() + 1), List.of());
    }

    /** A router: like a {@link #host} but forwarding IPv4 and IPv6. Same naming rules. */
    public synchronized Router router(String name) {
        return addNode(new Router(this, checkNewName(name), nodes.size() + 1), ROUTER_SYSCTLS);
    }

    private <N extends Node> N addNode(N node, List<String> extraSysctls) {
        checkOpen();
        if (nodes.size() >= AddressPlan.MAX_NODES) {
            throw new IllegalArgumentException("a lab holds at most " + AddressPlan.MAX_NODES + " nodes");
        }
        nodes.put(node.name(), node);
        namespaces.add(node.namespace()); // before creating it, so a failure half-way is still cleaned up
        ip("netns", "add", node.namespace());
        ipBatch(node, List.of(
                "link set lo up",
                "address add " + node.vip(StandardProtocolFamily.INET).getHostAddress() + "/32 dev lo",
                "address add " + node.vip(StandardProtocolFamily.INET6).getHostAddress() + "/128 dev lo"));
        List<String> sysctls = new ArrayList<>(ALL_NODES_SYSCTLS);
        sysctls.addAll(extraSysctls);
        node.sysctls(sysctls);
        return node;
    }

    private String checkNewName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("node name '" + name + "' is not valid: use 1 to 12 lower-case"
                    + " letters and digits, starting with a letter (e.g. \"client\", \"r1\")");
        }
        if (nodes.containsKey(name)) {
            throw new IllegalArgumentException("this lab already has a node named '" + name + "'");
        }
        return name;
    }

    /**
     * Joins two nodes with a veth pair and gives each end its addresses (see the class comment); brings both ends
     * up. Adds no routes beyond the two connected subnets: call {@link #installRoutes()} once the topology is
     * complete.
     */
    public synchronized Link link(Node a, Node b) {
        checkOpen();
        checkMine(a);
        checkMine(b);
        if (a == b) {
            throw new IllegalArgumentException("cannot link " + a + " to itself");
        }
        if (links.size() >= AddressPlan.MAX_LINKS) {
            throw new IllegalArgumentException("a lab holds at most " + AddressPlan.MAX_LINKS + " links");
        }
        int n = links.size() + 1;
        Link link = new Link(plan, n, a, "eth" + a.links().size(), b, "eth" + b.links().size());
        String ifA = link.interfaceName(a);
        String ifB = link.interfaceName(b);
        // Distinct ifindexes on the two ends make the kernel handle the carrier change at once (see class doc).
        ip("-n", a.namespace(), "link", "add", ifA, "index", String.valueOf(100 + 2 * n), "type", "veth",
                "peer", "name", ifB, "index", String.valueOf(101 + 2 * n), "netns", b.namespace());
        links.add(link);
        a.addLink(link);
        b.addLink(link);
        for (Node end : List.of(a, b)) {
            String dev = link.interfaceName(end);
            ipBatch(end, List.of(
                    "address add " + link.address(end, StandardProtocolFamily.INET).getHostAddress() + "/"
                            + AddressPlan.linkPrefixLength(StandardProtocolFamily.INET) + " dev " + dev,
                    "address add " + link.address(end, StandardProtocolFamily.INET6).getHostAddress() + "/"
                            + AddressPlan.linkPrefixLength(StandardProtocolFamily.INET6) + " dev " + dev + " nodad",
                    "link set " + dev + " up"));
            notYetUp.computeIfAbsent(end, k -> new LinkedHashSet<>()).add(dev);
        }
        return link;
    }

    /**
     * Adds routes on every node to every subnet and VIP of the lab, along shortest paths (ties broken by link
     * order), both families. Replaces earlier routes to the same prefixes, so call it again after adding links.
     * Routes are symmetric on trees such as a {@link LinearPath}.
     */
    public synchronized void installRoutes() {
        checkOpen();
        for (Node from : nodes.values()) {
            Reach reach = Reach.from(from);
            List<String> lines = new ArrayList<>();
            for (StandardProtocolFamily f : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
                for (Link l : links) {
                    Link via = l.connects(from) ? null : reach.toward(l);
                    if (via != null) {
                        lines.add(routeLine(l.subnet(f), via, from, f));
                    }
                }
                for (Node to : nodes.values()) {
                    Link via = reach.firstHop().get(to);
                    if (via != null) {
                        String len = f == StandardProtocolFamily.INET ? "/32" : "/128";
                        lines.add(routeLine(to.vip(f).getHostAddress() + len, via, from, f));
                    }
                }
            }
            if (!lines.isEmpty()) {
                ipBatch(from, lines);
            }
        }
    }

    private static String routeLine(String prefix, Link via, Node from, StandardProtocolFamily f) {
        return "route replace " + prefix + " via " + via.address(via.peer(from), f).getHostAddress();
    }

    /** Shortest paths from one node: for each node reachable, its distance and the first link toward it. */
    private record Reach(Map<Node, Link> firstHop, Map<Node, Integer> distance) {
        static Reach from(Node origin) {
            Map<Node, Link> first = new HashMap<>();
            Map<Node, Integer> dist = new HashMap<>(Map.of(origin, 0));
            Deque<Node> queue = new ArrayDeque<>(List.of(origin));
            while (!queue.isEmpty()) {
                Node n = queue.poll();
                for (Link l : n.links()) {
                    Node next = l.peer(n);
                    if (!dist.containsKey(next)) {
                        dist.put(next, dist.get(n) + 1);
                        first.put(next, n == origin ? l : first.get(n));
                        queue.add(next);
                    }
                }
            }
            return new Reach(first, dist);
        }

        /** The first link toward the nearer end of {@code l}, or null when neither end is reachable. */
        Link toward(Link l) {
            int da = distance.getOrDefault(l.a(), Integer.MAX_VALUE);
            int db = distance.getOrDefault(l.b(), Integer.MAX_VALUE);
            return firstHop.get(da <= db ? l.a() : l.b());
        }
    }

    /**
     * A chain {@code client - r1 - ... - rN - server} with IPv4 and IPv6, routes both ways, and links up.
     * The client is end 1 of link 1, so its address is {@code 10.S.1.1}; router i answers traces from
     * {@code 10.S.i.2} ({@link Router#addressTowardClient}); the server is {@code 10.S.(N+1).2} and also has
     * its {@link Node#vip VIP}.
     *
     * @param routers 0 to 100
     * @throws IllegalArgumentException when the lab already has nodes with those names
     */
    public synchronized LinearPath linearPath(int routers) {
        if (routers < 0 || routers > 100) {
            throw new IllegalArgumentException("a linear path has 0 to 100 routers, not " + routers);
        }
        Host client = host("client");
        List<Router> rs = new ArrayList<>();
        Node previous = client;
        for (int i = 1; i <= routers; i++) {
            Router r = router("r" + i);
            link(previous, r);
            r.upstream(previous);
            rs.add(r);
            previous = r;
        }
        Host server = host("server");
        link(previous, server);
        installRoutes();
        awaitLinksUp();
        return new LinearPath(client, rs, server);
    }

    /** The lab's nodes, in the order they were made. */
    public synchronized List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node named {@code name}. @throws IllegalArgumentException when there is none */
    public synchronized Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("this lab has no node named '" + name + "'; it has " + nodes.keySet());
        }
        return n;
    }

    /** The lab's links, in the order they were made. */
    public synchronized List<Link> links() {
        return List.copyOf(links);
    }

    /**
     * Waits (at most 10 s) until every interface made so far reports state UP. Called by every operation that
     * sends packets ({@link Node#exec}, {@link Node#call}...), so tests rarely need it.
     *
     * @throws NetLabException when some interface is still down at the deadline
     */
    public synchronized void awaitLinksUp() {
        long deadline = System.nanoTime() + LINK_UP_TIMEOUT.toNanos();
        while (!notYetUp.isEmpty()) {
            for (var it = notYetUp.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                String shown = ip("-n", e.getKey().namespace(), "-o", "link", "show", "up").stdout();
                for (String line : shown.split("\n")) {
                    // "1002: eth0@if1003: <BROADCAST,...,UP,LOWER_UP> mtu 1500 ... state UP ..."
                    String[] parts = line.split(":", 3);
                    if (parts.length == 3 && line.contains(" state UP ")) {
                        e.getValue().remove(parts[1].strip().split("@", 2)[0]);
                    }
                }
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
            if (notYetUp.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NetLabException("interfaces still down after " + LINK_UP_TIMEOUT.toSeconds() + " s: "
                        + notYetUp);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetLabException("interrupted while waiting for links to come up", e);
            }
        }
    }

    /**
     * Deletes every namespace of this lab (which destroys its interfaces, routes, rules and sockets), stops its
     * listeners and threads, and frees its address range. Idempotent.
     *
     * @throws NetLabException when a namespace of this lab is still listed afterwards
     */
    @Override
    public void close() {
        List<Node> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(nodes.values());
        }
        try {
            for (Node n : all) {
                n.shutdown();
            }
        } finally {
            try {
                deleteNamespaces();
            } finally {
                plan.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the hook is running or will run; it is idempotent
                }
            }
        }
    }

    /** The names of this lab's namespaces that {@code ip netns list} shows. */
    public List<String> listNamespaces() {
        List<String> mine = new ArrayList<>();
        for (String line : ip("netns", "list").stdout().split("\n")) {
            String name = line.strip().split("\\s+", 2)[0]; // "pp3kq9zx-r1 (id: 3)"
            if (name.startsWith(prefix + "-")) {
                mine.add(name);
            }
        }
        return mine;
    }

    private void deleteNamespaces() {
        Set<String> toDelete = new LinkedHashSet<>(namespaces);
        toDelete.addAll(listNamespaces()); // leftovers of this lab only, e.g. from a failure half-way
        List<String> failures = new ArrayList<>();
        for (String ns : toDelete) {
            CommandResult r = Commands.run(COMMAND_TIMEOUT, null, List.of(ip, "netns", "del", ns));
            if (!r.ok() && !r.stderr().contains("No such file")) {
                failures.add(r.commandLine() + ": " + r.stderr().strip());
            }
        }
        List<String> left = listNamespaces();
        if (!left.isEmpty()) {
            throw new NetLabException("namespaces of lab " + prefix + " remain after deletion: " + left
                    + (failures.isEmpty() ? "" : "; errors: " + failures));
        }
    }

    private void deleteNamespacesQuietly() {
        try {
            deleteNamespaces();
        } catch (RuntimeException e) {
            System.err.println("netlab " + prefix + ": cleanup at exit failed: " + e.getMessage());
        }
    }

    // ---- used by Node, Nft ----

    AddressPlan plan() {
        return plan;
    }

    String nftPath() {
        return nft;
    }

    /** The {@code ip} binary the lab uses (to start a long-running process in a namespace with {@code ip netns exec}). */
    public String ipPath() {
        return ip;
    }

    synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this NetLab is closed");
        }
    }

    private void checkMine(Node n) {
        Objects.requireNonNull(n, "node");
        if (n.lab() != this) {
            throw new IllegalArgumentException(n + " belongs to another lab");
        }
    }

    /** Runs {@code ip args...} and requires success. */
    CommandResult ip(String... args) {
        List<String> cmd = new ArrayList<>(args.length + 1);
        cmd.add(ip);
        cmd.addAll(Arrays.asList(args));
        return Commands.run(COMMAND_TIMEOUT, null, cmd).requireSuccess();
    }

    /** Runs several ip commands in {@code node}'s namespace in one process ({@code ip -n NS -batch -}). */
    void ipBatch(Node node, Collection<String> lines) {
        CommandResult r = Commands.run(COMMAND_TIMEOUT, String.join("\n", lines) + "\n",
                List.of(ip, "-n", node.namespace(), "-batch", "-"));
        if (!r.ok()) {
            throw new NetLabException("command failed (exit " + r.exitCode() + "): " + r.commandLine()
                    + " with input:\n  " + String.join("\n  ", lines) + "\nstderr: " + r.stderr().strip());
        }
    }

    /** A literal address, never a name lookup. */
    static InetAddress literal(String text) {
        InetAddress a = AddressText.parse(text);
        if (a == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address literal");
        }
        return a;
    }
}
