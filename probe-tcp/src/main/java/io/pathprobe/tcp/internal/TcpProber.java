package io.pathprobe.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.concurrent.FastThreadLocal;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Transport;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.nativeio.ErrorQueue;
import io.pathprobe.nativeio.NativeIo;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.ReceiveClock;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.tcp.TcpOptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pathprobe.nativeio.SocketConstants.SOL_IP;
import static io.pathprobe.nativeio.SocketConstants.SOL_IPV6;

/**
 * TCP connect probes on the engine's event loops, by one of two paths:
 * <ul>
 * <li>on epoll with the native layer, every probe without a banner read: a plain socket per probe driven through
 * libc, in an epoll set of its loop's own ({@link ConnectSet}), no Netty channel;</li>
 * <li>otherwise (a banner to read, the NIO transport, no native layer): one Netty channel per probe, created,
 * configured, registered and connected on the probe's loop, closed as soon as the handshake ends (or the banner
 * read does). No {@code Bootstrap} and no pipeline handler on its common path: a connect failure then leaves the
 * socket open until {@link TcpAttempt} has read its error queue, and each probe costs one small listener
 * object.</li>
 * </ul>
 * Both report the same outcomes and attributes ({@link Outcomes}, {@link #failure}).
 */
public final class TcpProber implements Prober {
    private static final IntegerUnixChannelOption IP_TOS = intOption("IP_TOS", SOL_IP, SocketConstants.IP_TOS);
    private static final IntegerUnixChannelOption IP_TTL = intOption("IP_TTL", SOL_IP, SocketConstants.IP_TTL);
    private static final IntegerUnixChannelOption SO_TIMESTAMPNS =
            intOption("SO_TIMESTAMPNS", SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS);
    private static final IntegerUnixChannelOption IP_RECVERR =
            intOption("IP_RECVERR", SOL_IP, SocketConstants.IP_RECVERR);
    private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS =
            intOption("IPV6_UNICAST_HOPS", SOL_IPV6, SocketConstants.IPV6_UNICAST_HOPS);
    private static final IntegerUnixChannelOption IPV6_RECVERR =
            intOption("IPV6_RECVERR", SOL_IPV6, SocketConstants.IPV6_RECVERR);
    private static final IntegerUnixChannelOption IPV6_TCLASS =
            intOption("IPV6_TCLASS", SOL_IPV6, SocketConstants.IPV6_TCLASS);

    /** One TCP_INFO buffer per event loop thread, reused by every probe on it. */
    private static final FastThreadLocal<EpollTcpInfo> TCP_INFO = new FastThreadLocal<>() {
        @Override
        protected EpollTcpInfo initialValue() {
            return new EpollTcpInfo();
        }
    };

    private final boolean epoll;
    /** Epoll sockets have an fd; reading its error queue needs the core native layer (libc through jnr-ffi). */
    private final boolean errorQueueReadable;
    private final SelectorProvider selectorProvider = SelectorProvider.provider();
    private final ConnectWarmUp warmUp;
    /**
     * Each loop's set of native connects (epoll transport with the native layer); null on a loop where it could
     * not be made, whose probes then take the channel path.
     */
    private final FastThreadLocal<ConnectSet> connectSets;
    private final List<ConnectSet> openSets = new CopyOnWriteArrayList<>();

    public TcpProber(ProberContext context) {
        this.epoll = context.transport() == Transport.EPOLL;
        this.errorQueueReadable = epoll && NativeIo.support().supported();
        this.warmUp = new ConnectWarmUp(epoll, selectorProvider);
        this.connectSets = errorQueueReadable ? new FastThreadLocal<>() : null;
    }

    /**
     * True: on the native path each loop's {@link ConnectSet} times its connects out by the kernel's arrival times
     * (reading what waits before it ends any), on the channel path each attempt arms a timer of its own.
     */
    @Override
    public boolean handlesTimeouts() {
        return true;
    }

    /** The set of {@code loop}, made on its first probe; null where it cannot be made. On {@code loop}. */
    private ConnectSet connectSet(EventLoop loop) {
        if (connectSets.isSet()) {
            return connectSets.get();
        }
        ConnectSet set = ConnectSet.open(loop);
        connectSets.set(set);
        if (set != null) {
            openSets.add(set);
        }
        return set;
    }

    /** Closes the native connect sets (each on its loop; a loop already stopped has closed its own). */
    @Override
    public void close() {
        for (ConnectSet set : openSets) {
            set.closeOnLoop();
        }
        openSets.clear();
    }

    @Override
    public void validate(ProbeRequest r) {
        if (r.port() == 0) {
            throw new IllegalArgumentException("a tcp probe of " + r.host() + " needs a port: set one, e.g. "
                    + r.host() + ":443 (ProbeRequest.Builder.port)");
        }
        if (!r.options().isEmpty()) { // not even an iterator for none: every port of a sweep passes through here
            for (Map.Entry<ProbeOption<?>, Object> e : r.options().entrySet()) {
                if (!TcpOptions.ALL.contains(e.getKey())) {
                    throw new IllegalArgumentException("option " + e.getKey().name() + " does not apply to tcp "
                            + "probes: they take " + TcpOptions.ALL);
                }
                e.getKey().validate(e.getValue());
            }
        }
        LocalVantagePoint vp = LocalVantagePoint.required(r, "tcp");
        if (!epoll && vp.interfaceName().isPresent()) {
            throw new IllegalArgumentException("binding to an interface needs the epoll transport (Linux); this "
                    + "engine runs NIO: bind to a source address instead, or use an engine without forceNio");
        }
        if (!epoll && r.option(ProbeOption.TTL) != 0) {
            throw new IllegalArgumentException("a TTL on tcp probes needs the epoll transport (Linux); this engine "
                    + "runs NIO: leave the TTL unset, or use an engine without forceNio");
        }
        long bannerMillis = r.option(TcpOptions.BANNER_MILLIS);
        if (bannerMillis >= r.timeout().toMillis() && bannerMillis > 0) {
            throw new IllegalArgumentException("option banner-millis = " + bannerMillis + " must be shorter than the "
                    + "timeout (" + r.timeout().toMillis() + " ms), which covers the connect and the banner read");
        }
        InetAddress src = vp.sourceAddress().orElse(null);
        if (src != null && r.address() != null && (src instanceof Inet6Address) != (r.address() instanceof Inet6Address)) {
            throw new IllegalArgumentException("source address " + src.getHostAddress() + " and target "
                    + r.address().getHostAddress() + " are of different IP versions: use a source of the target's");
        }
    }

    @Override
    public void start(ProbeCall call) {
        if (connectSets != null) {
            TcpSettings s = TcpSettings.of(call.request());
            // A banner needs reading, which the channel path does; everything else the native path does itself.
            ConnectSet set = s.bannerMillis() == 0 && call.eventLoop().inEventLoop() ? connectSet(call.eventLoop()) : null;
            if (set != null) {
                if (sameFamily(call, s)) {
                    set.start(call, s);
                }
                return;
            }
        }
        if (warmUp.isDone()) {
            connect(call); // the path of every probe after the first: no warm-up closure to allocate
        } else {
            warmUp.thenRun(call.eventLoop(), () -> connect(call));
        }
    }

    /** Whether the source address (if any) is of the target's IP version; if not, ends the probe saying so. */
    private static boolean sameFamily(ProbeCall call, TcpSettings s) {
        InetAddress target = call.address();
        if (s.source() != null && (s.source() instanceof Inet6Address) != (target instanceof Inet6Address)) {
            call.complete(new ProbeOutcome.LocalError("source address " + s.source().getHostAddress()
                    + " cannot reach " + target.getHostAddress() + ": they are of different IP versions", null));
            return false;
        }
        return true;
    }

    private void connect(ProbeCall call) {
        TcpSettings s = TcpSettings.of(call.request());
        if (!sameFamily(call, s)) {
            return;
        }
        boolean v6 = call.address() instanceof Inet6Address;
        Channel ch = null;
        try {
            SocketProtocolFamily family = v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            ch = epoll ? new EpollSocketChannel(family) : new NioSocketChannel(selectorProvider, family);
            configure(ch.config(), s, v6);
        } catch (RuntimeException e) { // ChannelException: socket() or setsockopt() failed
            if (ch != null) {
                ch.unsafe().closeForcibly();
            }
            ErrnoCause cause = Errnos.of(e);
            if (isShortage(cause, s)) {
                call.retryLater(cause); // out of descriptors: the engine starts it again when some are free
                return;
            }
            call.complete(new ProbeOutcome.LocalError("cannot set up a socket for " + call.request().targetLabel()
                    + ": " + (cause != null ? cause : e.getMessage()), cause));
            return;
        }
        TcpAttempt attempt = new TcpAttempt(this, call, ch, s);
        call.onAbort(attempt);
        attempt.register();
    }

    private void configure(ChannelConfig c, TcpSettings s, boolean v6) {
        c.setAutoRead(false); // nothing is read unless a banner is asked for: saves an epoll_ctl per probe
        c.setConnectTimeoutMillis(0); // the attempt times itself out (TcpAttempt); no second timer per probe
        if (s.abortiveClose()) {
            ((SocketChannelConfig) c).setSoLinger(0);
        }
        if (epoll) {
            c.setOption(v6 ? IPV6_RECVERR : IP_RECVERR, 1);
            if (s.ttl() > 0) {
                c.setOption(v6 ? IPV6_UNICAST_HOPS : IP_TTL, s.ttl());
                // Trace probes: the Time Exceeded in the queue carries the kernel's arrival stamp, so its RTT ends
                // on the wire. Only these pay the extra setsockopt; a plain check's rare ICMP error is loop-timed.
                c.setOption(SO_TIMESTAMPNS, 1);
            }
            if (s.tos() >= 0) {
                c.setOption(v6 ? IPV6_TCLASS : IP_TOS, s.tos());
            }
            if (s.device() != null) {
                byte[] name = s.device().getBytes(StandardCharsets.US_ASCII);
                c.setOption(new RawUnixChannelOption("SO_BINDTODEVICE", SocketConstants.SOL_SOCKET,
                        SocketConstants.SO_BINDTODEVICE, name.length),
                        ByteBuffer.wrap(name));
            }
            if (s.source() != null) {
                // Bind the address only; the port is picked at connect() per destination, so many probes can
                // share one source port range as without a bind.
                c.setOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
            }
        } else if (s.tos() >= 0) {
            c.setOption(ChannelOption.IP_TOS, s.tos());
        }
    }

    /**
     * TCP_INFO of a just-connected socket, read into this loop's buffer (valid until the next read on this
     * thread), or null when unknown (NIO, or the read failed).
     */
    EpollTcpInfo tcpInfo(Channel ch) {
        if (!(ch instanceof EpollSocketChannel)) {
            return null;
        }
        try {
            return ((EpollSocketChannel) ch).tcpInfo(TCP_INFO.get());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The socket's error-queue entry after a failed connect, with its arrival time, or {@code null} (none, or not
     * readable here).
     */
    QueuedError readErrorQueue(Channel ch) {
        return errorQueueReadable ? readErrorQueue(((EpollSocketChannel) ch).fd().intValue()) : null;
    }

    /** Like {@link #readErrorQueue(Channel)}, of a descriptor (the native connect path). */
    static QueuedError readErrorQueue(int fd) {
        try {
            ErrorQueue reader = ErrorQueue.onThisThread();
            SocketError e = reader.next(fd).orElse(null);
            return e == null ? null : new QueuedError(e, reader.lastTimestampNanos(), reader.lastDestination());
        } catch (NativeIoException | RuntimeException e) {
            return null; // the errno from the exception still classifies the failure
        }
    }

    /**
     * A failed connect's outcome, on either path: the queued ICMP error if it quotes this connection (with its RTT
     * ending at the kernel's stamp of its arrival, connect() being the send), else the errno.
     *
     * @param localPort    the socket's local port, 0 when unknown
     * @param connectStart {@link System#nanoTime()} just before connect()
     * @param elapsed      nanoseconds from connect() to the loop seeing the failure
     * @param failure      the transport's exception, for a message when no errno is known (null on the native path)
     */
    static ProbeOutcome failure(ProbeCall call, QueuedError q, int localPort, long connectStart, long elapsed,
            ErrnoCause errno, Throwable failure) {
        q = aboutThisConnect(call, q, localPort);
        SocketError queued = q == null ? null : q.error();
        if (queued != null && queued.isIcmp()) {
            elapsed = ReceiveClock.now().rtt(connectStart, q.kernelEpochNanos());
        }
        return Outcomes.failed(errno, queued, call.address(), elapsed, call.request(),
                failure);
    }

    /**
     * {@code q}, or null when it is an ICMP error that does not quote this connection's SYN (the kernel should never
     * queue such): not evidence.
     */
    static QueuedError aboutThisConnect(ProbeCall call, QueuedError q, int localPort) {
        if (q == null || !q.error().isIcmp()) {
            return q;
        }
        InetSocketAddress remote = new InetSocketAddress(call.address(), call.request().port());
        return Outcomes.quotesConnection(q.error(), q.quotedDestination(), remote, localPort) ? q : null;
    }

    /**
     * An ICMP error queued on a probe's socket, the kernel's stamp of its arrival (epoch ns, or -1), and the
     * destination the error quotes ({@code msg_name}: the quoted destination address and TCP port), or null.
     */
    record QueuedError(SocketError error, long kernelEpochNanos, InetSocketAddress quotedDestination) {
    }

    /**
     * Whether a set-up or connect() failure is a passing lack of local resources (the engine holds the probe). Not
     * EADDRNOTAVAIL with a source address: that address may simply not be this host's, which waiting cannot fix.
     */
    static boolean isShortage(ErrnoCause cause, TcpSettings s) {
        return ResourceLimits.isShortage(cause)
                && !(cause.errno() == SocketConstants.EADDRNOTAVAIL && s.source() != null);
    }

    private static IntegerUnixChannelOption intOption(String name, int level, int optname) {
        return new IntegerUnixChannelOption(name, level, optname);
    }

    boolean epoll() {
        return epoll;
    }
}
