package io.pathprobe.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way pathprobe turns a host as given (a name or an address literal) into addresses, with a family
 * preference (ping's {@code -4}/{@code -6}) and a time limit. Used by the engine for requests given without an
 * address, by traces, by the CLI and by the agent.
 *
 * <ul>
 *   <li>An address literal ({@link AddressText#parse}) is its own answer, without a lookup.</li>
 *   <li>A host that no resolver could take (empty, longer than a DNS name, a control character such as NUL,
 *       whitespace) fails at once ({@link UnresolvedHostException.Kind#INVALID}), and so does a name under the
 *       special-use domain {@code invalid.} (RFC 6761 6.4: it never exists): nothing is asked.</li>
 *   <li>Anything else goes to the system's resolver ({@link InetAddress#getAllByName}: the hosts file, then DNS as
 *       the system is configured, subject to the JVM's cache; it also reads forms such as {@code 127.1} and
 *       {@code fe80::1%eth0} as the literals they are), on a thread of this resolver, so the caller waits at most
 *       the time limit ({@link UnresolvedHostException.Kind#TIMED_OUT}) even while the system's lookup goes on.</li>
 *   <li>The answer keeps the system's order, filtered to the family asked for; a host with addresses of the other
 *       family only fails with {@link UnresolvedHostException.Kind#NO_ADDRESS_IN_FAMILY}, naming one it has.</li>
 * </ul>
 *
 * Lookups run on up to {@value #THREADS} daemon threads of the resolver's own, which end after a second idle; a
 * resolver made by {@link #create} ends them at {@link #close}. A lookup inside a network namespace is the host's
 * lookup: name resolution does not enter the namespace. Thread-safe.
 */
public final class NameResolver implements AutoCloseable {
    /** Which address family to resolve to. */
    public enum Family {
        /** The system's first address, of either family. */
        ANY,
        /** IPv4 only ({@code -4}). */
        IPV4,
        /** IPv6 only ({@code -6}). */
        IPV6;

        /** Whether {@code a} is of this family. */
        public boolean accepts(InetAddress a) {
            return this == ANY || (this == IPV4 ? a instanceof Inet4Address : a instanceof Inet6Address);
        }

        /** "IPv4", "IPv6", or "IP" for {@link #ANY}. */
        public String label() {
            return this == IPV4 ? "IPv4" : this == IPV6 ? "IPv6" : "IP";
        }
    }

    /** How long a lookup may take by default: glibc's 5 s per name server attempt, twice. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest DNS name in text (255 octets on the wire), a trailing dot aside. */
    public static final int MAX_NAME_LENGTH = 253;
    /** The longest DNS label. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** Lookups at once per resolver. */
    public static final int THREADS = 4;

    /** The system's resolver as a function, so that a test can stand in for it. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private static final NameResolver SYSTEM = new NameResolver(DEFAULT_TIMEOUT, InetAddress::getAllByName);

    private final Duration timeout;
    private final Lookup lookup;
    private final ThreadPoolExecutor pool;

    NameResolver(Duration timeout, Lookup lookup) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("resolver timeout " + timeout + " must be positive");
        }
        this.timeout = timeout;
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "pathprobe-resolver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // no thread stays once idle
    }

    /** The shared resolver with {@link #DEFAULT_TIMEOUT}; its {@link #close} does nothing. */
    public static NameResolver system() {
        return SYSTEM;
    }

    /** A resolver of its own with time limit {@code timeout}; {@link #close} ends its threads. */
    public static NameResolver create(Duration timeout) {
        return new NameResolver(Objects.requireNonNull(timeout, "timeout"), InetAddress::getAllByName);
    }

    /** The time limit of a lookup. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The addresses of {@code host} in {@code family}, in the system's order (never empty); fails with an
     * {@link UnresolvedHostException}, or an {@link IllegalStateException} once this resolver is closed.
     */
    public CompletableFuture<List<InetAddress>> resolveAll(String host, Family family) {
        Objects.requireNonNull(family, "family");
        try {
            InetAddress literal = checked(host, family);
            if (literal != null) {
                return CompletableFuture.completedFuture(inFamily(host, family, new InetAddress[] {literal}));
            }
        } catch (UnresolvedHostException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<List<InetAddress>> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                if (f.isDone()) {
                    return; // timed out while queued: ask nothing
                }
                try {
                    f.complete(inFamily(host, family, lookup.lookup(host)));
                } catch (UnresolvedHostException e) {
                    f.completeExceptionally(e);
                } catch (UnknownHostException e) {
                    f.completeExceptionally(notFound(host, family, reason(host, e.getMessage())));
                } catch (RuntimeException e) { // SecurityException, or a JDK check of the name's form
                    f.completeExceptionally(invalid(host, family, e.getMessage() == null ? e.toString()
                            : e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("this NameResolver is closed", e));
        }
        // orTimeout's timer is cancelled when the lookup ends first; the lookup itself cannot be (getaddrinfo).
        CompletableFuture<List<InetAddress>> out = new CompletableFuture<>();
        f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((all, e) -> {
            if (e == null) {
                out.complete(all);
            } else if (e instanceof TimeoutException) {
                out.completeExceptionally(failure(UnresolvedHostException.Kind.TIMED_OUT, host, family,
                        "no answer within " + seconds(timeout), List.of(),
                        "check the name servers, or give an IP address"));
            } else {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /** The first address of {@code host} in {@code family}, as {@link #resolveAll}. */
    public CompletableFuture<InetAddress> resolve(String host, Family family) {
        CompletableFuture<InetAddress> first = new CompletableFuture<>();
        resolveAll(host, family).whenComplete((all, e) -> { // not thenApply: it would wrap the failure
            if (e != null) {
                first.completeExceptionally(e);
            } else {
                first.complete(all.get(0));
            }
        });
        return first;
    }

    /**
     * {@link #resolveAll}, waiting at most the time limit.
     *
     * @throws UnresolvedHostException saying why there is no address
     * @throws IllegalStateException    when this resolver is closed
     */
    public List<InetAddress> resolveAllNow(String host, Family family) throws UnresolvedHostException {
        Objects.requireNonNull(family, "family");
        InetAddress literal = checked(host, family);
        if (literal != null) { // no future for the common case of many literal targets
            return inFamily(host, family, new InetAddress[] {literal});
        }
        CompletableFuture<List<InetAddress>> f = resolveAll(host, family);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw failure(UnresolvedHostException.Kind.INTERRUPTED, host, family, "interrupted", List.of(),
                    "try again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnresolvedHostException u) {
                throw u;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The first address of {@code host} in {@code family}, as {@link #resolveAllNow}. */
    public InetAddress resolveNow(String host, Family family) throws UnresolvedHostException {
        return resolveAllNow(host, family).get(0);
    }

    /** Ends this resolver's threads (a lookup under way ends with the system's); not the shared {@link #system()}. */
    @Override
    public void close() {
        if (this != SYSTEM) {
            pool.shutdownNow();
        }
    }

    /**
     * The literal {@code host} is, or null when it is a name to look up.
     *
     * @throws UnresolvedHostException when no resolver could take it, or it is under {@code invalid.}
     */
    private static InetAddress checked(String host, Family family) throws UnresolvedHostException {
        if (host == null || host.isEmpty()) {
            throw invalid(host == null ? "" : host, family, "it is empty");
        }
        InetAddress literal = AddressText.parse(host);
        if (literal != null) {
            return literal;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid(host, family, host.length() + " characters, more than the " + MAX_NAME_LENGTH
                    + " of a DNS name");
        }
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw invalid(host, family, "it contains " + (c == 0 ? "a NUL character" : c == ' '
                        ? "a space" : String.format(Locale.ROOT, "the control character U+%04X", (int) c)));
            }
            label = c == '.' ? 0 : label + 1;
            if (label > MAX_LABEL_LENGTH) {
                throw invalid(host, family, "a label longer than the " + MAX_LABEL_LENGTH + " characters DNS allows");
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("invalid") || lower.endsWith(".invalid")) {
            throw notFound(host, family, "Name or service not known"); // RFC 6761 6.4: never exists
        }
        return null;
    }

    private static List<InetAddress> inFamily(String host, Family family, InetAddress[] all)
            throws UnresolvedHostException {
        if (all == null || all.length == 0) {
            throw notFound(host, family, "no addresses");
        }
        List<InetAddress> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            if (family.accepts(a)) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw failure(UnresolvedHostException.Kind.NO_ADDRESS_IN_FAMILY, host, family,
                    "it has " + AddressText.of(all[0]), List.of(all), "ask for another family, or give another host");
        }
        return List.copyOf(out);
    }

    private static UnresolvedHostException notFound(String host, Family family, String reason) {
        return failure(UnresolvedHostException.Kind.NOT_FOUND, host, family, reason, List.of(),
                "check the name, or give an IP address");
    }

    private static UnresolvedHostException invalid(String host, Family family, String reason) {
        return failure(UnresolvedHostException.Kind.INVALID, host, family, reason, List.of(),
                "give a DNS name or an IP address");
    }

    private static UnresolvedHostException failure(UnresolvedHostException.Kind kind, String host, Family family,
                                                   String reason, List<InetAddress> found, String remedy) {
        String q = quote(host);
        String message = switch (kind) {
            case INVALID -> "host '" + q + "' cannot be resolved (" + reason + "): " + remedy;
            case NO_ADDRESS_IN_FAMILY -> "host '" + q + "' has no " + family.label() + " address (" + reason + "): "
                    + remedy;
            default -> "cannot resolve host '" + q + "' (" + reason + "): " + remedy;
        };
        return new UnresolvedHostException(kind, host, family, reason, found, message);
    }

    /** The system's reason without the host it starts with ("h: Name or service not known"). */
    private static String reason(String host, String m) {
        if (m == null || m.isBlank() || m.equals(host)) {
            return "no such host";
        }
        return m.startsWith(host + ": ") ? m.substring(host.length() + 2) : m;
    }

    /** The host for a one-line message: control characters escaped, at most 64 characters of it. */
    static String quote(String host) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (; i < host.length() && i < 64; i++) {
            char c = host.charAt(i);
            if (c < ' ' || c == 0x7f || Character.isISOControl(c)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return i < host.length() ? sb + "..." : sb.toString();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
