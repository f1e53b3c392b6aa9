package io.pathprobe.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import java.net.InetAddress;
import java.util.List;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server for tests, on a loopback UDP port or inside a lab namespace: it answers PTR
 * questions from a table, A/AAAA questions from scripted answers (a different one per query, to test DNS
 * rebinding), scripted response codes (SERVFAIL, REFUSED), NXDOMAIN for names it lacks, and nothing at all for names marked silent (to test timeouts). It counts
 * the queries it gets. Tests point resolvers at it so that no query ever leaves the machine.
 */
public final class PtrServer implements AutoCloseable {
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** Names answered with a response code and nothing else (SERVFAIL, REFUSED, ...). */
    private final Map<String, Integer> codes = new ConcurrentHashMap<>();
    /** Per name, the answer of each query in turn; the last one repeats. */
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final MultiThreadIoEventLoopGroup group;
    private final Channel channel;

    private PtrServer(InetAddress bind) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<NioDatagramChannel>() {
                        @Override
                        protected void initChannel(NioDatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new Answerer());
                        }
                    }).bind(new InetSocketAddress(bind, 0)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding the test DNS server", e);
        }
    }

    /** A server on 127.0.0.1, an ephemeral port. */
    public static PtrServer start() {
        return new PtrServer(InetAddress.getLoopbackAddress());
    }

    /**
     * A server on {@code bind} inside {@code node}'s namespace (its socket is made there), an ephemeral port.
     */
    public static PtrServer startIn(Node node, InetAddress bind) throws Exception {
        return node.call(() -> new PtrServer(bind));
    }

    /**
     * Answers the A or AAAA questions for {@code name}: the first query with {@code answers[0]}, the second with
     * {@code answers[1]}, and so on; the last answer repeats. Each answer is one address, TTL 0.
     */
    public PtrServer addresses(String name, InetAddress... answers) {
        if (answers.length == 0) {
            throw new IllegalArgumentException("give at least one answer");
        }
        addresses.put(canonical(name), List.of(answers));
        return this;
    }

    /** Where to send queries. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Answers the PTR question {@code ptrName} (e.g. {@code 1.0.0.127.in-addr.arpa.}) with {@code host}. */
    public PtrServer answer(String ptrName, String host) {
        names.put(canonical(ptrName), host);
        return this;
    }

    /** Answers every question about {@code name} with response code {@code rcode} (2 SERVFAIL, 5 REFUSED, ...) alone. */
    public PtrServer respond(String name, int rcode) {
        codes.put(canonical(name), rcode);
        return this;
    }

    /** Never answers {@code ptrName}. */
    public PtrServer silent(String ptrName) {
        silent.add(canonical(ptrName));
        return this;
    }

    /** Queries received so far. */
    public int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            String name = canonical(q.name());
            if (silent.contains(name)) {
                return;
            }
            DatagramDnsResponse r = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            r.setAuthoritativeAnswer(true).setRecursionAvailable(false);
            r.addRecord(DnsSection.QUESTION, q);
            String host = names.get(name);
            List<InetAddress> seq = addresses.get(name);
            Integer code = codes.get(name);
            if (code != null) {
                r.setCode(DnsResponseCode.valueOf(code));
            } else if (seq != null && (q.type() == DnsRecordType.A || q.type() == DnsRecordType.AAAA)) {
                int n = asked.computeIfAbsent(name + q.type(), k -> new AtomicInteger()).getAndIncrement();
                InetAddress a = seq.get(Math.min(n, seq.size() - 1));
                if ((a.getAddress().length == 4) == (q.type() == DnsRecordType.A)) {
                    r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, q.type(), 0,
                            Unpooled.wrappedBuffer(a.getAddress())));
                }
            } else if (host != null && q.type() == DnsRecordType.PTR) {
                r.addRecord(DnsSection.ANSWER, new DefaultDnsPtrRecord(name, DnsRecord.CLASS_IN, 60,
                        host.endsWith(".") ? host : host + "."));
            } else {
                r.setCode(DnsResponseCode.NXDOMAIN);
            }
            ctx.writeAndFlush(r);
        }
    }
}
