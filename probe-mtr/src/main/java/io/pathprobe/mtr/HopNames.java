package io.pathprobe.mtr;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.DnsServerAddresses;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.util.concurrent.Future;
import io.pathprobe.core.AddressText;

import java.io.Closeable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reverse DNS of hop addresses (PTR lookups through Netty's asynchronous resolver), for display: a lookup starts
 * the first time an address is asked for and never blocks the caller; until it answers, and when it fails, the
 * address itself is shown. Results, failures included, are kept for the life of this object (at most
 * {@link #MAX_ADDRESSES}; beyond that, addresses are shown unresolved), one query per address.
 *
 * <p>A trace resolves nothing unless given names: pass {@link #names(boolean)} to
 * {@link FormatOptions#withNames}. The name servers are the platform's ({@code /etc/resolv.conf}) or a list given
 * here. Thread-safe; {@link #close} it when done.
 */
public final class HopNames implements Closeable {
    /** Most addresses looked up and kept. */
    public static final int MAX_ADDRESSES = 4096;

    private final MultiThreadIoEventLoopGroup group;
    private final DnsNameResolver resolver;
    /** Address → name, or the address literal when it has none. */
    private final Map<InetAddress, String> known = new ConcurrentHashMap<>();
    /** Lookups under way; each completes once its result is in {@link #known}. */
    private final Map<InetAddress, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    /**
     * The platform's way only (as getnameinfo): names from the hosts file before any query, and no query for a
     * loopback address; null when name servers were given, which are asked for every address.
     */
    private final Map<InetAddress, String> hosts;

    private HopNames(DnsServerAddressStreamProvider servers, Duration timeout, Map<InetAddress, String> hosts) {
        this.hosts = hosts;
        this.group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "pathprobe-dns");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        this.resolver = new DnsNameResolverBuilder(group.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(servers)
                .queryTimeoutMillis(Math.max(1, timeout.toMillis()))
                .maxQueriesPerResolve(1)
                .resolveCache(NoopDnsCache.INSTANCE) // the map here is the cache
                .build();
    }

    /** Names from the platform's name servers ({@code /etc/resolv.conf}). */
    public static HopNames platform(Duration timeout) {
        return new HopNames(DnsServerAddressStreamProviders.platformDefault(), checked(timeout),
                HostsFile.read(HostsFile.platform()));
    }

    /** The platform's way (the hosts file first, loopback never asked), with these name servers: for tests. */
    static HopNames platformWith(List<InetSocketAddress> nameServers, Duration timeout, Path hostsFile) {
        return new HopNames(servers(nameServers), checked(timeout), HostsFile.read(hostsFile));
    }

    /**
     * Names from these name servers, asked in order.
     *
     * @throws IllegalArgumentException for an empty list or an unresolved address
     */
    public static HopNames using(List<InetSocketAddress> nameServers, Duration timeout) {
        return new HopNames(servers(nameServers), checked(timeout), null);
    }

    private static DnsServerAddressStreamProvider servers(List<InetSocketAddress> nameServers) {
        if (nameServers.isEmpty()) {
            throw new IllegalArgumentException("no name server given: name one, or use the platform's");
        }
        for (InetSocketAddress a : nameServers) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("name server " + a.getHostString() + " must be an IP address");
            }
        }
        DnsServerAddresses list = DnsServerAddresses.sequential(nameServers);
        return hostname -> list.stream();
    }

    private static Duration checked(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout " + timeout + " must be positive");
        }
        return timeout;
    }

    /** The name of {@code a} if known, else its address text; starts a lookup the first time. */
    public String name(InetAddress a) {
        String n = known.get(a);
        if (n != null) {
            return n;
        }
        lookup(a);
        return AddressText.of(a);
    }

    /**
     * How hops are shown: the name (or the address while there is none), or with {@code withAddress} both, as
     * mtr's {@code -b}: {@code name (address)}.
     */
    public Function<InetAddress, String> names(boolean withAddress) {
        return a -> {
            String n = name(a);
            String text = AddressText.of(a);
            return withAddress && !n.equals(text) ? n + " (" + text + ")" : n;
        };
    }

    /**
     * Starts a lookup of {@code a} unless it is known, under way, or the table is full. With the platform's name
     * servers, a name in the hosts file is taken at once and a loopback address without one stays an address: no
     * query for either.
     */
    public void lookup(InetAddress a) {
        if (known.containsKey(a) || pending.containsKey(a) || known.size() + pending.size() >= MAX_ADDRESSES) {
            return;
        }
        String local = hosts == null ? null : hosts.get(a);
        if (local != null || (hosts != null && a.isLoopbackAddress())) {
            known.put(a, local != null ? local : AddressText.of(a));
            return;
        }
        synchronized (pending) {
            if (known.containsKey(a) || pending.containsKey(a)) {
                return;
            }
            Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> f;
            try {
                f = resolver.query(new DefaultDnsQuestion(ptrName(a), DnsRecordType.PTR));
            } catch (RuntimeException e) { // closed
                return;
            }
            CompletableFuture<Void> settled = new CompletableFuture<>();
            pending.put(a, settled);
            f.addListener(done -> {
                String name = null;
                if (done.isSuccess()) {
                    @SuppressWarnings("unchecked")
                    AddressedEnvelope<DnsResponse, InetSocketAddress> env =
                            (AddressedEnvelope<DnsResponse, InetSocketAddress>) done.getNow();
                    try {
                        name = ptrOf(env.content());
                    } finally {
                        env.release();
                    }
                }
                known.put(a, name != null ? name : AddressText.of(a));
                pending.remove(a);
                settled.complete(null);
            });
        }
    }

    /** Starts lookups of every address of {@code trace}: all hops, and each flow's hops (which may differ). */
    public void lookupAll(TraceSnapshot trace) {
        lookupAll(trace.hops());
        for (PathSnapshot p : trace.paths()) {
            lookupAll(p.table().hops());
        }
    }

    private void lookupAll(List<HopSnapshot> hops) {
        for (HopSnapshot h : hops) {
            for (AddressCount a : h.addresses()) {
                lookup(a.address());
            }
        }
    }

    /** Waits up to {@code max} for the lookups under way; true when none is left. */
    public boolean awaitPending(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        for (CompletableFuture<Void> f : List.copyOf(pending.values())) {
            long left = end - System.nanoTime();
            try {
                f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // never completed exceptionally
            }
        }
        return pending.isEmpty();
    }

    /** The PTR name of {@code a}: {@code 4.3.2.1.in-addr.arpa.}, or 32 nibbles under {@code ip6.arpa.}. */
    public static String ptrName(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder(72);
        if (a instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa.").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa.").toString();
    }

    /** The first PTR answer's host name without the root dot, or null. */
    private static String ptrOf(DnsResponse r) {
        if (r.code() != DnsResponseCode.NOERROR) {
            return null;
        }
        for (int i = 0; i < r.count(DnsSection.ANSWER); i++) {
            DnsRecord rec = r.recordAt(DnsSection.ANSWER, i);
            if (rec instanceof DnsPtrRecord) {
                String h = ((DnsPtrRecord) rec).hostname();
                h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
                return h.isEmpty() || !isHostName(h) ? null : h;
            }
        }
        return null;
    }

    /**
     * Whether a PTR answer is a host name: letters, digits, '-', '_' and dots only, as glibc's resolver checks
     * before handing a name to mtr. Whoever runs the reverse zone of a router on the path writes this text; anything
     * else (a terminal escape, a newline) would land in the table, so the hop shows its address instead.
     */
    static boolean isHostName(String h) {
        if (h.length() > 253) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Ends lookups under way (their addresses stay unresolved) and the resolver's thread. */
    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
