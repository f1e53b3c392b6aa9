package io.pathprobe.dns.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.OutcomeAttributes;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.dns.DnsOptions;
import io.pathprobe.dns.DnsOutcomes;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one DNS query per probe from its own connected UDP socket (so the kernel drops datagrams from anyone but
 * the server, and an ICMP port unreachable reaches this probe alone) and maps the response to an outcome. A
 * response counts only when its id and question match the query's. The engine times probes out.
 */
public final class DnsProber implements Prober {
    /** The DNS port, for targets given without one. */
    public static final int DEFAULT_PORT = 53;
    /** Addresses of an A/AAAA answer named in the outcome's detail; the count says how many there were. */
    private static final int ADDRESSES_SHOWN = 3;

    private final ProberContext context;

    public DnsProber(ProberContext context) {
        this.context = context;
        warmUp();
    }

    /**
     * Encodes a query and decodes an answer once, off the network, when the engine creates the prober: the codec's
     * classes load here rather than inside the first probe's round trip, which would otherwise report the JVM's
     * class loading as the resolver's time.
     */
    private static void warmUp() {
        InetSocketAddress here = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT);
        EmbeddedChannel out = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        DatagramDnsQuery q = new DatagramDnsQuery(null, here, 0);
        q.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("a.", DnsRecordType.A));
        out.writeOutbound(q);
        DatagramPacket query = out.readOutbound();
        ByteBuf answer = query.content().copy();
        query.release();
        out.finishAndReleaseAll();
        // The query's bytes turned into a response: QR and RA set, one A record pointing back at the question name.
        answer.setShort(2, 0x8180).setShort(6, 1);
        answer.writeShort(0xC00C).writeShort(1).writeShort(1).writeInt(0).writeShort(4).writeInt(0x7f000001);
        EmbeddedChannel in = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        in.writeInbound(new DatagramPacket(answer, here, here));
        DatagramDnsResponse r = in.readInbound();
        if (r != null) {
            r.recordAt(DnsSection.ANSWER);
            r.release();
        }
        in.finishAndReleaseAll();
    }

    @Override
    public void validate(ProbeRequest r) {
        for (ProbeOption<?> o : r.options().keySet()) {
            if (!DnsOptions.ALL.contains(o)) {
                throw new IllegalArgumentException("option " + o.name() + " does not apply to dns probes: they take "
                        + DnsOptions.ALL);
            }
        }
        LocalVantagePoint vp = LocalVantagePoint.required(r, "dns");
        if (vp.interfaceName().isPresent()) {
            throw new IllegalArgumentException("dns probes bind to a source address, not an interface: give the"
                    + " vantage point a source address instead");
        }
        InetAddress src = vp.sourceAddress().orElse(null);
        if (src != null && r.address() != null && (src instanceof Inet6Address) != (r.address() instanceof Inet6Address)) {
            throw new IllegalArgumentException("source address " + src.getHostAddress() + " and resolver "
                    + r.address().getHostAddress() + " are of different IP versions: use a source of the resolver's");
        }
    }

    @Override
    public void start(ProbeCall call) {
        ProbeRequest r = call.request();
        InetSocketAddress server = new InetSocketAddress(call.address(), r.port() == 0 ? DEFAULT_PORT : r.port());
        String name = canonical(r.option(DnsOptions.NAME));
        DnsRecordType type = DnsRecordType.valueOf(r.option(DnsOptions.TYPE).toUpperCase(Locale.ROOT));
        int id = ThreadLocalRandom.current().nextInt(1 << 16);
        Answer answer = new Answer(call, server, id, name, type);
        Bootstrap b = new Bootstrap().group(call.eventLoop()).channel(context.datagramChannelClass())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryEncoder(), new DatagramDnsResponseDecoder(), answer);
                    }
                });
        InetAddress src = ((LocalVantagePoint) r.vantagePoint()).sourceAddress().orElse(null);
        ChannelFuture connect = src == null ? b.connect(server) : b.connect(server, new InetSocketAddress(src, 0));
        Channel ch = connect.channel();
        call.onAbort(ch::close);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                call.complete(new ProbeOutcome.LocalError("cannot open a UDP socket to " + server + ": "
                        + f.cause().getMessage(), null));
                ch.close();
                return;
            }
            DatagramDnsQuery q = new DatagramDnsQuery(null, server, id);
            q.setRecursionDesired(r.option(DnsOptions.RECURSION));
            q.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
            // The RTT runs from here, not from the engine's start: setting up the socket is not the network's time.
            answer.sentNanos = System.nanoTime();
            ch.writeAndFlush(q).addListener(w -> {
                if (!w.isSuccess()) {
                    call.complete(new ProbeOutcome.LocalError("cannot send the query to " + server + ": "
                            + w.cause().getMessage(), null));
                    ch.close();
                }
            });
        });
    }

    /** RFC 1035 / 2136 names of response codes, as dig prints them ({@code status: NXDOMAIN}). */
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};

    static String rcodeName(DnsResponseCode code) {
        int n = code.intValue();
        return n < RCODES.length ? RCODES[n] : "RCODE" + n;
    }

    private static String canonical(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /** Waits for the response to one query. */
    private static final class Answer extends SimpleChannelInboundHandler<DatagramDnsResponse> {
        private final ProbeCall call;
        private final InetSocketAddress server;
        private final int id;
        private final String name;
        private final DnsRecordType type;
        /** When the query was written; set and read on the probe's event loop. */
        long sentNanos;

        Answer(ProbeCall call, InetSocketAddress server, int id, String name, DnsRecordType type) {
            this.call = call;
            this.server = server;
            this.id = id;
            this.name = name;
            this.type = type;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsResponse response) {
            DnsRecord q = response.recordAt(DnsSection.QUESTION);
            if (response.id() != id || q == null || !q.name().equalsIgnoreCase(name) || !q.type().equals(type)) {
                return; // not the answer to this query (a stale or forged one): keep waiting
            }
            long rtt = System.nanoTime() - sentNanos;
            DnsResponseCode code = response.code();
            int answers = response.count(DnsSection.ANSWER);
            OutcomeAttributes a = OutcomeAttributes.builder().put(DnsOutcomes.RCODE, rcodeName(code))
                    .put(DnsOutcomes.ANSWERS, answers).put(DnsOutcomes.AUTHORITATIVE, response.isAuthoritativeAnswer())
                    .build();
            call.complete(new ProbeOutcome.Observed(kind(code), rtt, server.getAddress(), a,
                    detail(code, answers, addresses(response))));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long rtt = sentNanos == 0 ? -1 : System.nanoTime() - sentNanos;
            if (cause instanceof PortUnreachableException) {
                call.complete(new ProbeOutcome.Refused(rtt, server.getAddress(),
                        new ErrnoCause(0, "ECONNREFUSED", "Connection refused")));
            } else if (cause instanceof io.netty.handler.codec.DecoderException) {
                call.complete(new ProbeOutcome.Observed(DnsOutcomes.DNS_ERROR, rtt, server.getAddress(),
                        OutcomeAttributes.EMPTY, name + " " + type.name() + ": malformed response"));
            } else {
                call.complete(new ProbeOutcome.LocalError("UDP socket to " + server + " failed: " + cause, null));
            }
            ctx.close();
        }

        private static OutcomeType kind(DnsResponseCode code) {
            if (code.equals(DnsResponseCode.NOERROR)) {
                return DnsOutcomes.NOERROR;
            }
            if (code.equals(DnsResponseCode.NXDOMAIN)) {
                return DnsOutcomes.NXDOMAIN;
            }
            if (code.equals(DnsResponseCode.SERVFAIL)) {
                return DnsOutcomes.SERVFAIL;
            }
            if (code.equals(DnsResponseCode.REFUSED)) {
                return DnsOutcomes.DNS_REFUSED;
            }
            return DnsOutcomes.DNS_ERROR;
        }

        private String detail(DnsResponseCode code, int answers, List<String> addresses) {
            String q = name + " " + type.name() + ": ";
            if (code.equals(DnsResponseCode.NOERROR)) {
                String n = answers == 1 ? "1 answer" : answers + " answers";
                return q + n + (addresses.isEmpty() ? "" : " " + String.join(" ", addresses)
                        + (addresses.size() < answers ? " ..." : ""));
            }
            if (code.equals(DnsResponseCode.NXDOMAIN)) {
                return q + "no such name";
            }
            if (code.equals(DnsResponseCode.SERVFAIL)) {
                return q + "server failure";
            }
            if (code.equals(DnsResponseCode.REFUSED)) {
                return q + "query refused";
            }
            return q + "response code " + rcodeName(code);
        }

        /** The first few addresses of an A/AAAA answer, for the detail. */
        private List<String> addresses(DatagramDnsResponse response) {
            List<String> out = new ArrayList<>();
            int n = response.count(DnsSection.ANSWER);
            for (int i = 0; i < n && out.size() < ADDRESSES_SHOWN; i++) {
                DnsRecord rec = response.recordAt(DnsSection.ANSWER, i);
                if (rec instanceof DnsRawRecord raw
                        && (rec.type().equals(DnsRecordType.A) || rec.type().equals(DnsRecordType.AAAA))) {
                    ByteBuf c = raw.content();
                    int len = c.readableBytes();
                    if (len == 4 || len == 16) {
                        try {
                            out.add(InetAddress.getByAddress(ByteBufUtil.getBytes(c)).getHostAddress());
                        } catch (UnknownHostException e) {
                            // cannot happen for 4 or 16 bytes
                        }
                    }
                }
            }
            return out;
        }
    }
}
