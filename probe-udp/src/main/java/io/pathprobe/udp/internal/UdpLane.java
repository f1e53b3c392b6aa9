package io.pathprobe.udp.internal;

import io.netty.channel.IoEventLoop;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.nativeio.EpollSocket;
import io.pathprobe.nativeio.ErrorQueue;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.ReceiveClock;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;
import io.pathprobe.core.spi.DeadlineQueue;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.SweepTimer;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.udp.UdpOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * All UDP probes of one address family, source port and vantage point: one unconnected, non-blocking UDP socket
 * with the error queue on, bound to the source port, on one event loop; the table of probes in flight lives on that
 * loop. Each probe carries a key and a random token in its payload; the ICMP error that answers it (Time Exceeded
 * from a router, port unreachable from the destination) comes back through the error queue quoting the payload, and
 * is matched on key, token and destination: never on timing. The lane times its probes out itself, by the kernel's
 * arrival time of the answers: before a sweep ends probes, it reads what waits in the error queue (a busy or starved
 * loop reads late, but the answer arrived in time), and an answer stamped past the deadline counts as timed out.
 *
 * <p>What a blind (off-path) attacker must get right for a forged error to count: the kernel queues an error on this
 * socket only when the quoted source address and port are the socket's (an unconnected socket's lookup,
 * __udp4_lib_err / __udp6_lib_err); the lane then wants the quoted destination address and port to be the probe's
 * and the quoted payload to carry the probe's key and 64-bit random token. A router that quotes only 8 bytes of UDP
 * (the header) quotes no token: such an error is not matched at all. The source port is not a secret when chosen
 * (Paris flows: {@link UdpOptions#SOURCE_PORT}); with 0 the kernel picks a random free one.
 */
final class UdpLane {
    private static final Logger LOG = Logger.getLogger(UdpLane.class.getName());
    private static final int MAX_READS_PER_EVENT = 1024;
    /** Enough of the quoted payload for key and token. */
    private static final int QUOTE_CAPACITY = 64;
    private static final int ICMP_TIME_EXCEEDED = 11;
    private static final int ICMP_FRAG_NEEDED = 4;
    private static final int RECEIVE_BUFFER = 32 << 20;
    /** Sends of one datagram at most (each clears one pending error of an earlier probe). */
    private static final int MAX_SEND_ATTEMPTS = 8;
    /** Errors a drain before a sweep reads at most: more than the receive buffer holds (a KB or so each). */
    private static final int MAX_DRAIN = 1 << 16;
    private static final long SWEEP_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final boolean v6;
    private final IoEventLoop loop;
    /** The wake-up at the earliest probe deadline, to time probes out. */
    private final SweepTimer sweeps;
    private final Socket socket;
    private final ErrorQueue errorQueue = new ErrorQueue(QUOTE_CAPACITY);
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final ByteBuffer discard = ByteBuffer.allocateDirect(2048);
    private byte[] payload = new byte[0];
    private int nextKey;
    private int ttl = Integer.MIN_VALUE;
    private int tos = -1;
    private boolean closed;
    /** Probes in flight by timeout, each queue in send order and so in deadline order (one timeout per trace). */
    private final DeadlineQueue<Pending> deadlines = new DeadlineQueue<>(p -> p.sentNanos + p.timeoutNanos);
    /** Not yet answered nor aborted: the probe the key's entry still names. */
    private final Predicate<Pending> stillPending = p -> pending.get(p.key) == p;
    private final Consumer<Pending> timedOut = this::timedOut;

    /** One probe in flight. */
    private static final class Pending {
        final int key;
        final ProbeCall call;
        final long token;
        final InetSocketAddress to;
        final long timeoutNanos;
        long sentNanos;

        Pending(int key, ProbeCall call, long token, InetSocketAddress to) {
            this.key = key;
            this.call = call;
            this.token = token;
            this.to = to;
            this.timeoutNanos = call.request().timeout().toNanos();
        }
    }

    /** The lane's socket on the loop. */
    private final class Socket extends EpollSocket {
        Socket(NativeSocket s) {
            super(s);
        }

        @Override
        protected void readable() {
            drainData();
        }

        @Override
        protected void errorQueued() {
            drainErrors();
        }
    }

    /** Opens and registers the socket; on the loop's thread (an engine in a namespace opens it there). */
    UdpLane(boolean v6, int sourcePort, LocalVantagePoint vp, IoEventLoop loop) throws NativeIoException {
        this.v6 = v6;
        this.loop = loop;
        this.sweeps = new SweepTimer(loop, this::sweep, SWEEP_SLACK_NANOS);
        NativeSocket s = NativeSocket.open(v6 ? SocketConstants.AF_INET6 : SocketConstants.AF_INET,
                SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC, 0);
        try {
            if (v6) {
                // IPv6 only: a dual-stack socket would also hold the IPv4 port, which the IPv4 lane binds.
                s.setInt(SocketConstants.SOL_IPV6, SocketConstants.IPV6_V6ONLY, 1);
            }
            s.enableErrorQueue();
            // the arrival TTL of each ICMP error, from which a tracer infers how far its sender is
            s.setInt(v6 ? SocketConstants.SOL_IPV6 : SocketConstants.SOL_IP,
                    v6 ? SocketConstants.IPV6_RECVHOPLIMIT : SocketConstants.IP_RECVTTL, 1);
            receiveBuffer(s);
            ReceiveClock.enable(s); // answers time-stamped on arrival, not when the loop gets to them
            if (vp.interfaceName().isPresent()) {
                s.bindToDevice(vp.interfaceName().get());
            }
            InetAddress local = vp.sourceAddress().orElse(InetAddress.getByAddress(new byte[v6 ? 16 : 4]));
            s.bind(new InetSocketAddress(local, sourcePort));
        } catch (NativeIoException | RuntimeException | java.net.UnknownHostException e) {
            try {
                s.close();
            } catch (NativeIoException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof NativeIoException) {
                throw (NativeIoException) e;
            }
            throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        }
        this.socket = new Socket(s);
        socket.register(loop);
    }

    /**
     * Queued errors are charged to the receive buffer (a KB or two each), and an error that does not fit is dropped
     * silently: the default ~200 KB holds only a hundred or so answers to a burst of probes (1,000 traces starting
     * at once send 30,000). Forced beyond {@code net.core.rmem_max} as root (memory is charged only while errors
     * wait), else capped by it.
     */
    private static void receiveBuffer(NativeSocket s) {
        try {
            s.setInt(SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUFFORCE, RECEIVE_BUFFER);
        } catch (NativeIoException notRoot) {
            try {
                s.setInt(SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, RECEIVE_BUFFER);
            } catch (NativeIoException ignored) {
                // the default buffer still works, with less room for bursts
            }
        }
    }

    /** Hands a probe to the lane; any thread. */
    void submit(ProbeCall call) {
        if (loop.inEventLoop()) {
            send(call);
        } else {
            loop.execute(() -> send(call));
        }
    }

    private void send(ProbeCall call) {
        if (call.isDone()) {
            return;
        }
        if (closed) {
            call.complete(new ProbeOutcome.LocalError("the udp prober is closed", null));
            return;
        }
        int size = call.request().option(UdpOptions.PAYLOAD_SIZE);
        int key = newKey();
        long token = random.nextLong();
        byte[] data = payload(size);
        ByteBuffer.wrap(data).putInt(0, key).putLong(4, token);
        InetSocketAddress to = new InetSocketAddress(call.address(), call.request().port());
        Pending p = new Pending(key, call, token, to);
        try {
            applyTtlAndTos(call.request().option(ProbeOption.TTL), call.request().option(ProbeOption.TOS));
            pending.put(key, p);
            call.onAbort(() -> forget(key, p));
            p.sentNanos = System.nanoTime();
            if (sendTo(data, size, to) < 0) {
                pending.remove(key);
                call.complete(new ProbeOutcome.LocalError("the UDP send buffer is full (too many probes at once)",
                        NativeTerms.cause(SocketConstants.EAGAIN)));
                return;
            }
            deadlines.add(p, p.timeoutNanos);
            sweeps.atOrBefore(p.sentNanos + p.timeoutNanos);
        } catch (NativeIoException e) {
            pending.remove(key);
            int errno = e.errno();
            if (ResourceLimits.isShortage(NativeTerms.cause(e))) {
                call.retryLater(NativeTerms.cause(e)); // ENOBUFS: nothing went out; the engine sends it again later
                return;
            }
            call.complete(errno == SocketConstants.ENETUNREACH || errno == SocketConstants.EHOSTUNREACH
                    ? new ProbeOutcome.Unreachable(-1, null, -1, -1, 0, NativeTerms.cause(e))
                    : new ProbeOutcome.LocalError("sending the UDP probe to " + to.getAddress().getHostAddress()
                            + " port " + to.getPort() + " failed", NativeTerms.cause(e)));
        }
    }

    /**
     * With the error queue on, the kernel also keeps the latest ICMP error about any earlier probe as the socket's
     * pending error, and the next send fails with it once (clearing it); the error itself waits in the queue. While
     * answers pour in (many probes at once), each retry may meet a fresh one: retry a few times, so that only a
     * failure of this datagram's own (e.g. no route) ends the probe.
     */
    private int sendTo(byte[] data, int size, InetSocketAddress to) throws NativeIoException {
        for (int attempt = 1; ; attempt++) {
            try {
                return socket.nativeSocket().sendTo(data, 0, size, to);
            } catch (NativeIoException e) {
                if (attempt >= MAX_SEND_ATTEMPTS || !isIcmpErrno(e.errno())) {
                    throw e;
                }
            }
        }
    }

    /** Errnos an ICMP error leaves pending on a socket (see ip_icmp_error, icmp_err_convert). */
    static boolean isIcmpErrno(int errno) {
        return errno == SocketConstants.ECONNREFUSED || errno == SocketConstants.EHOSTUNREACH
                || errno == SocketConstants.ENETUNREACH || errno == SocketConstants.EPROTO
                || errno == SocketConstants.EACCES || errno == SocketConstants.EMSGSIZE;
    }

    private int newKey() {
        int k = nextKey++;
        while (pending.containsKey(k)) { // bounded: fewer entries than keys
            k = nextKey++;
        }
        return k;
    }

    private byte[] payload(int size) {
        if (payload.length != size) {
            payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) i; // after key and token: byte i is i, as ping fills its payload
            }
        }
        return payload;
    }

    /** TTL and TOS are socket options (one socket, one loop): set only when they change. */
    private void applyTtlAndTos(int wantedTtl, int wantedTos) throws NativeIoException {
        int t = wantedTtl == 0 ? -1 : wantedTtl; // -1: the system default
        if (t != ttl) {
            socket.nativeSocket().setInt(v6 ? SocketConstants.SOL_IPV6 : SocketConstants.SOL_IP,
                    v6 ? SocketConstants.IPV6_UNICAST_HOPS : SocketConstants.IP_TTL, t);
            ttl = t;
        }
        if (wantedTos != tos) {
            socket.nativeSocket().setInt(v6 ? SocketConstants.SOL_IPV6 : SocketConstants.SOL_IP,
                    v6 ? SocketConstants.IPV6_TCLASS : SocketConstants.IP_TOS,
                    wantedTos >= 0 ? wantedTos : v6 ? -1 : 0);
            tos = wantedTos;
        }
    }

    private void forget(int key, Pending p) {
        Runnable r = () -> pending.remove(key, p);
        if (loop.inEventLoop()) {
            r.run();
        } else if (!loop.isShuttingDown()) {
            loop.execute(r);
        }
    }

    private void drainErrors() {
        drainErrors(MAX_READS_PER_EVENT);
    }

    private void drainErrors(int max) {
        for (int n = 0; n < max; n++) {
            Optional<SocketError> next;
            try {
                next = errorQueue.next(socket.fd);
            } catch (NativeIoException e) {
                LOG.log(Level.FINE, "reading a UDP socket's error queue failed", e);
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            try {
                answered(next.get(), errorQueue.lastDestination(), ReceiveClock.now(), errorQueue.lastTimestampNanos());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "failed to handle an ICMP error about a UDP probe", e);
            }
        }
    }

    private void answered(SocketError e, InetSocketAddress destination, ReceiveClock clock, long stamp) {
        byte[] q = e.quotedPayload();
        if (q.length < UdpOptions.MIN_PAYLOAD_SIZE) {
            return; // the router quoted too little to tell which probe it was
        }
        ByteBuffer b = ByteBuffer.wrap(q);
        int key = b.getInt(0);
        Pending p = pending.get(key);
        if (p == null || p.token != b.getLong(4)) {
            return; // not ours, or a probe that already ended
        }
        if (destination == null ? e.isIcmp() : !destination.equals(p.to)) {
            return; // an ICMP error always names the quoted destination: it must be the probe's
        }
        pending.remove(key);
        p.call.completeUnlessLate(outcome(e, clock.rtt(p.sentNanos, stamp)), p.timeoutNanos, stamp >= 0);
    }

    // ---- timeouts (on the loop)

    private void sweep() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        // Answers that arrived in time may still wait in the error queue while the loop was busy or had no CPU:
        // match them before anything times out.
        drainErrors(MAX_DRAIN);
        long next = deadlines.expire(now, stillPending, timedOut);
        if (next != Long.MAX_VALUE) {
            sweeps.atOrBefore(next);
        }
    }

    private void timedOut(Pending p) {
        pending.remove(p.key);
        try {
            p.call.complete(new ProbeOutcome.TimedOut(p.timeoutNanos));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "completing a timed-out UDP probe failed", e);
        }
    }

    private ProbeOutcome outcome(SocketError e, long rtt) {
        if (!e.isIcmp()) {
            return new ProbeOutcome.LocalError("the kernel refused the UDP probe"
                    + (e.info() > 0 ? " (path MTU " + e.info() + ")" : ""), NativeTerms.cause(e));
        }
        boolean exceeded = v6 ? e.icmpType() == IcmpCodes.ICMP6_TIME_EXCEEDED : e.icmpType() == ICMP_TIME_EXCEEDED;
        if (exceeded && e.offender() != null) {
            return new ProbeOutcome.TtlExceeded(rtt, e.offender(), e.icmpCode());
        }
        boolean mtu = v6 ? e.icmpType() == IcmpCodes.ICMP6_PACKET_TOO_BIG
                : e.icmpType() == IcmpCodes.ICMP_DEST_UNREACH && e.icmpCode() == ICMP_FRAG_NEEDED;
        return new ProbeOutcome.Unreachable(rtt, e.offender(), e.icmpType(), e.icmpCode(), mtu ? e.info() : 0,
                NativeTerms.cause(e), errorQueue.lastTtl());
    }

    /** Datagrams sent back to the source port (a UDP service answered): not an answer we can match; dropped. */
    private void drainData() {
        for (int n = 0; n < MAX_READS_PER_EVENT; n++) {
            discard.clear();
            try {
                if (socket.nativeSocket().receive(discard, SocketConstants.MSG_DONTWAIT) < 0) {
                    return;
                }
            } catch (NativeIoException e) {
                return; // an error the error queue reports too
            }
        }
    }

    /** Closes the socket; probes in flight end with a local error. Any thread. */
    void close() {
        Runnable r = () -> {
            closed = true;
            socket.close();
            sweeps.cancel();
            for (Pending p : pending.values().toArray(new Pending[0])) {
                p.call.complete(new ProbeOutcome.LocalError("the udp prober is closed", null));
            }
            pending.clear();
            deadlines.clear();
        };
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
