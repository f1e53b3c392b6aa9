package io.pathprobe.testkit;

import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.testkit.internal.Commands;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A machine of the lab: one network namespace, with a loopback VIP and one interface per {@link Link}.
 * Runs commands ({@link #exec}) and Java code ({@link #call}) inside its namespace, and carries its own
 * nftables rules ({@link #nft()}) and routes.
 */
public abstract sealed class Node permits Host, Router {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SYSCTL_KEY = Pattern.compile("[a-z0-9_]+(\\.[a-zA-Z0-9_-]+)+");
    private static final Pattern CIDR = Pattern.compile("([0-9a-fA-F:.]+)/([0-9]{1,3})");

    private final NetLab lab;
    private final String name;
    private final String namespace;
    private final int number;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<TcpListener> listeners = new CopyOnWriteArrayList<>();
    private final Nft nft;
    private ThreadPoolExecutor executor; // threads inside the namespace, made on first call()

    Node(NetLab lab, String name, int number) {
        this.lab = lab;
        this.name = name;
        this.namespace = lab.prefix() + "-" + name;
        this.number = number;
        this.nft = new Nft(this);
    }

    /** The node's name in the lab, e.g. {@code "r1"}. */
    public String name() {
        return name;
    }

    /**
     * The network namespace, e.g. {@code "pp3kq9zx-client"}: for {@code ip netns exec} and for
     * {@code ProbeEngine.builder().networkNamespace(...)}.
     */
    public String namespace() {
        return namespace;
    }

    /** The lab this node belongs to. */
    public NetLab lab() {
        return lab;
    }

    /** This node's links, in the order they were made ({@code eth0}, {@code eth1}, ...). */
    public List<Link> links() {
        return List.copyOf(links);
    }

    /** The address on the loopback, reachable from every node once routes are installed. */
    public InetAddress vip(StandardProtocolFamily family) {
        return lab.plan().vip(number, family);
    }

    /**
     * The address on this node's first link (for a {@link LinearPath} client or server, its only link).
     *
     * @throws IllegalStateException when the node has no link yet
     */
    public InetAddress address(StandardProtocolFamily family) {
        if (links.isEmpty()) {
            throw new IllegalStateException(name + " has no link yet: link it first, or use vip()");
        }
        return links.get(0).address(this, family);
    }

    /**
     * The address of this node on its link to {@code neighbor}, the one it answers from when a packet from
     * that side expires here (Time Exceeded) or is rejected here.
     *
     * @throws IllegalArgumentException when the two are not linked
     */
    public InetAddress addressToward(Node neighbor, StandardProtocolFamily family) {
        for (Link l : links) {
            if (l.peer(this) == neighbor) {
                return l.address(this, family);
            }
        }
        throw new IllegalArgumentException(name + " has no link to " + neighbor);
    }

    /** The nftables rules of this node (table {@code inet pathprobe}). */
    public Nft nft() {
        return nft;
    }

    /**
     * Runs {@code command} in this namespace ({@code ip netns exec}) with a 30 s limit and returns its stdout.
     *
     * @throws NetLabException when it exits non-zero (with its command line, stderr and stdout) or times out
     */
    public String exec(String... command) {
        return run(command).requireSuccess().stdout();
    }

    /** Like {@link #exec} but returns the result whatever the exit status (e.g. ping with loss exits 1). */
    public CommandResult run(String... command) {
        return run(NetLab.COMMAND_TIMEOUT, command);
    }

    /**
     * Runs {@code command} in this namespace, killing it after {@code timeout}.
     *
     * @throws NetLabException when it cannot start or does not end in time
     */
    public CommandResult run(Duration timeout, String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        lab.checkOpen();
        lab.awaitLinksUp();
        List<String> cmd = new ArrayList<>(List.of(lab.ipPath(), "netns", "exec", namespace));
        cmd.addAll(Arrays.asList(command));
        return Commands.run(timeout, null, cmd);
    }

    /** {@link #call(Duration, Callable)} with a 60 s limit. */
    public <T> T call(Callable<T> task) throws Exception {
        return call(CALL_TIMEOUT, task);
    }

    /**
     * Runs {@code task} on a thread inside this namespace and returns its result. Sockets the task opens belong to
     * the namespace and stay there (they may be used from any thread afterwards).
     *
     * @throws NetLabException when the task does not finish within {@code timeout} (it is interrupted)
     * @throws Exception       whatever the task throws
     */
    public <T> T call(Duration timeout, Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        lab.awaitLinksUp();
        Future<T> f = executor().submit(() -> {
            checkInNamespace();
            return task.call();
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new NetLabException("task in namespace " + namespace + " did not finish within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw NetworkNamespaces.unwrap(e);
        }
    }

    /**
     * A TCP listener on {@code address}:{@code port} inside this namespace that accepts and closes each
     * connection. Closed with the lab.
     *
     * @param port 0 for any free port ({@link TcpListener#port()} tells which)
     */
    public TcpListener listenTcp(InetAddress address, int port) throws Exception {
        return listenTcp(address, port, null);
    }

    /** Like {@link #listenTcp(InetAddress, int)}, writing {@code banner} (UTF-8) to each connection first. */
    public TcpListener listenTcp(InetAddress address, int port, String banner) throws Exception {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        TcpListener l = TcpListener.open(this, address, port, banner);
        listeners.add(l);
        return l;
    }

    /**
     * Sets a sysctl inside this namespace, e.g. {@code sysctl("net.ipv4.icmp_ratemask", "6168")}.
     *
     * @throws IllegalArgumentException for a key that is not a dotted sysctl name
     * @throws NetLabException          when sysctl fails (unknown key, bad value)
     */
    public void sysctl(String key, String value) {
        Objects.requireNonNull(value, "value");
        if (!SYSCTL_KEY.matcher(key).matches() || value.contains("\n")) {
            throw new IllegalArgumentException("'" + key + "=" + value + "' is not a sysctl setting such as"
                    + " net.ipv4.ip_forward=1");
        }
        sysctls(List.of(key + "=" + value));
    }

    void sysctls(List<String> settings) {
        List<String> cmd = new ArrayList<>(List.of(lab.ipPath(), "netns", "exec", namespace, "sysctl", "-q", "-w"));
        cmd.addAll(settings);
        Commands.run(NetLab.COMMAND_TIMEOUT, null, cmd).requireSuccess();
    }

    /** Adds (or replaces) a route to {@code prefix} (CIDR, e.g. {@code "10.70.4.0/24"}) via {@code gateway}. */
    public void addRoute(String prefix, InetAddress gateway) {
        lab.ip("-n", namespace, "route", "replace", checkPrefix(prefix), "via", gateway.getHostAddress());
    }

    /**
     * Deletes the route to {@code prefix} (CIDR, exactly as installed, e.g. a link's
     * {@link Link#subnet subnet}). Packets to it then get ICMP net unreachable from this node (IPv6: "no route").
     *
     * @throws NetLabException when there is no such route
     */
    public void removeRoute(String prefix) {
        lab.ip("-n", namespace, "route", "del", checkPrefix(prefix));
    }

    /** Replaces the route to {@code prefix} (CIDR) with one that rejects or drops, see {@link RouteType}. */
    public void replaceRoute(String prefix, RouteType type) {
        lab.ip("-n", namespace, "route", "replace", type.keyword(), checkPrefix(prefix));
    }

    private static String checkPrefix(String prefix) {
        var m = CIDR.matcher(Objects.requireNonNull(prefix, "prefix"));
        InetAddress a = m.matches() ? NetLab.literal(m.group(1)) : null;
        int max = a == null ? 0 : a.getAddress().length * 8;
        if (a == null || Integer.parseInt(m.group(2)) > max) {
            throw new IllegalArgumentException("'" + prefix + "' is not a prefix in CIDR notation such as"
                    + " 10.70.4.0/24 or fd00:91:70:4::/64");
        }
        return prefix;
    }

    void addLink(Link link) {
        links.add(link);
    }

    private synchronized ExecutorService executor() {
        lab.checkOpen();
        if (executor == null) {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory base = r -> {
                Thread t = new Thread(r, "netlab-" + namespace + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            // Idle threads end after 10 s; a thread that entered the namespace never leaves it.
            executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    NetworkNamespaces.threadFactory(namespace, base));
        }
        return executor;
    }

    /** Guards against running outside: the thread's namespace must be the file ip netns made. */
    private void checkInNamespace() throws IOException {
        Object mine = Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
        Object wanted = Files.getAttribute(NetworkNamespaces.path(namespace), "unix:ino");
        if (!mine.equals(wanted)) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName()
                    + " is not in network namespace " + namespace);
        }
    }

    /** Closes listeners and stops threads; called by the lab's close. */
    void shutdown() {
        for (TcpListener l : listeners) {
            l.close();
        }
        ThreadPoolExecutor ex;
        synchronized (this) {
            ex = executor;
        }
        if (ex != null) {
            ex.shutdownNow();
            try {
                ex.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
