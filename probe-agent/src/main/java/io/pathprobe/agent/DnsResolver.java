package io.pathprobe.agent;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddresses;
import io.netty.resolver.dns.NoopDnsCache;
import io.pathprobe.agent.policy.Resolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Target names resolved by one given DNS server (Netty's resolver, no cache: the agent pins what each request
 * resolved, so a cache would only hide what the server answers now).
 */
public final class DnsResolver implements Resolver {
    private static final long TIMEOUT_MS = 3000;
    private final DnsNameResolver resolver;

    private DnsResolver(InetSocketAddress server) {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "agent-dns");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        DnsServerAddresses list = DnsServerAddresses.singleton(server);
        this.resolver = new DnsNameResolverBuilder(group.next()).datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(hostname -> list.stream()).queryTimeoutMillis(TIMEOUT_MS)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED).resolveCache(NoopDnsCache.INSTANCE)
                .build();
    }

    /** A resolver asking only {@code server}. */
    public static DnsResolver using(InetSocketAddress server) {
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("name server " + server.getHostString() + " must be an IP address");
        }
        return new DnsResolver(server);
    }

    @Override
    public List<InetAddress> resolve(String name) throws UnknownHostException {
        try {
            return List.copyOf(resolver.resolveAll(name).get(TIMEOUT_MS * 2, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            UnknownHostException u = new UnknownHostException(name + ": " + (e.getCause() == null ? e : e.getCause())
                    .getMessage());
            u.initCause(e);
            throw u;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(name + ": interrupted");
        }
    }
}
