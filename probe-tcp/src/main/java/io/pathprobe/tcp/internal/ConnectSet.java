package io.pathprobe.tcp.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.spi.DeadlineQueue;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.SweepTimer;
import io.pathprobe.tcp.TcpConnected;
import io.pathprobe.nativeio.EpollConnects;
import io.pathprobe.nativeio.EpollRegistration;
import io.pathprobe.nativeio.NativeIoException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.concurrent.RejectedExecutionException;

import static io.pathprobe.nativeio.SocketConstants.EALREADY;
import static io.pathprobe.nativeio.SocketConstants.ECONNREFUSED;
import static io.pathprobe.nativeio.SocketConstants.EINPROGRESS;
import static io.pathprobe.nativeio.SocketConstants.EISCONN;
import static io.pathprobe.nativeio.SocketConstants.EPOLLERR;
import static io.pathprobe.nativeio.SocketConstants.EPOLLHUP;
import static io.pathprobe.nativeio.SocketConstants.EPOLLOUT;
import static io.pathprobe.nativeio.SocketConstants.IPV6_RECVERR;
import static io.pathprobe.nativeio.SocketConstants.IPV6_TCLASS;
import static io.pathprobe.nativeio.SocketConstants.IPV6_UNICAST_HOPS;
import static io.pathprobe.nativeio.SocketConstants.IP_BIND_ADDRESS_NO_PORT;
import static io.pathprobe.nativeio.SocketConstants.SOL_SOCKET;
import static io.pathprobe.nativeio.SocketConstants.IP_RECVERR;
import static io.pathprobe.nativeio.SocketConstants.IP_TOS;
import static io.pathprobe.nativeio.SocketConstants.IP_TTL;
import static io.pathprobe.nativeio.SocketConstants.SOL_IP;
import static io.pathprobe.nativeio.SocketConstants.SOL_IPV6;
import static io.pathprobe.nativeio.SocketConstants.SO_TIMESTAMPNS;
import static io.pathprobe.nativeio.SocketConstants.TCP_CLOSE;
import static io.pathprobe.nativeio.SocketConstants.TCP_LISTEN;
import static io.pathprobe.nativeio.SocketConstants.TCP_SYN_RECV;
import static io.pathprobe.nativeio.SocketConstants.TCP_SYN_SENT;

/**
 * The TCP connects of one event loop without a Netty channel each: plain non-blocking sockets made and driven
 * through libc, watched by an epoll set of this loop's own, which itself sits on the loop as one Netty handle.
 *
 * <p>Why a set of its own rather than one Netty registration per socket: Netty adds a descriptor with one
 * {@code epoll_ctl}, arms it with another and removes it with a third, where the set needs one {@code ADD} (closing
 * the socket takes it out) and reaps a whole batch of finished connects with one {@code epoll_wait}. A probe then
 * costs socket, its options, connect, one {@code epoll_ctl}, one {@code getsockopt} (TCP_INFO, which also says
 * whether the handshake finished), on failure SO_ERROR and the error queue, and one close: what a C program does.
 *
 * <p>Where the answer is known before connect() returns (loopback, a veth into a namespace: the kernel runs the
 * peer's reply in the same call, and the socket, which connect() holds locked, takes it as the call returns), the
 * probe ends without touching the set at all: a second connect() to the same address says how it went, 0 connected
 * (TCP_INFO then has the handshake's figures), EALREADY still under way, or the failure. A failed one leaves the
 * socket unconnected and able to connect again (connect(2)'s "dissolve the association"), so a plain refusal (a
 * RST, nothing in the error queue) keeps its socket as this set's one spare, and the next probe with the same
 * settings connects on it. A sweep's closed port then costs connect, connect and the error-queue read, where a
 * socket of its own added socket(), IP_RECVERR and close() (sweepceil.c does the same: a third less kernel time).
 *
 * <p>Everything runs on the loop. Each socket's epoll data is its descriptor and a sequence number, so an event
 * still queued for a descriptor that was closed and reused within one batch is not taken for the new socket's.
 *
 * <p>The set times its connects out itself, by when the kernel had the answer rather than when this loop read it:
 * a loop held past the deadlines (thousands of traces at once, a machine without CPU to spare) reads at most
 * {@link #MAX_ROUNDS} batches a turn and then runs its due timers, which would end answered connects as timed out.
 * Its sweep first reads every ready event, then ends what is still unanswered; an answer whose arrival the kernel
 * tells (the handshake's RTT sample or last-receive time, an ICMP error's stamp) and that came after the deadline
 * counts as timed out and late, as if the sweep had been on time. A RST carries no arrival time: a refusal read
 * late counts as refused.
 */
final class ConnectSet implements EpollIoHandle {
    /** Events reaped per epoll_wait; the loop's turn ends after {@link #MAX_ROUNDS} full batches. */
    private static final int BATCH = 256;
    private static final int MAX_ROUNDS = 4;
    /** A sweep runs this long after the earliest deadline, so that one sweep ends every connect due by then. */
    private static final long SWEEP_SLACK_NANOS = 1_000_000;

    private final EpollConnects set;
    private final EventLoop loop;
    private final FileDescriptor descriptor;
    /** Connects in flight by descriptor. */
    private NativeConnect[] byFd = new NativeConnect[1024];
    private int inFlight;
    private int sequence;
    private final EpollRegistration registration = new EpollRegistration();
    /** Connects in flight by deadline; ended ones leave lazily, when they reach the head. */
    private final DeadlineQueue<NativeConnect> deadlines = new DeadlineQueue<>(c -> c.deadline);
    private final Predicate<NativeConnect> open = c -> !c.closed;
    private final Consumer<NativeConnect> timedOut = this::timedOut;
    private final SweepTimer sweeps;
    /** A socket left unconnected by a refused connect, set up as {@link #spareSettings} say, or -1. */
    private int spareFd = -1;
    private boolean spareV6;
    private TcpSettings spareSettings;

    private ConnectSet(EpollConnects set, EventLoop loop) {
        this.set = set;
        this.loop = loop;
        this.descriptor = new FileDescriptor(set.fd());
        this.sweeps = new SweepTimer(loop, this::sweep, SWEEP_SLACK_NANOS);
    }

    /**
     * This loop's set, registered with it; call on the loop.
     *
     * @return null when it cannot be made here (then probes take the channel path)
     */
    static ConnectSet open(EventLoop loop) {
        if (!(loop instanceof IoEventLoop)) {
            return null;
        }
        EpollConnects connects;
        try {
            connects = EpollConnects.open(BATCH);
        } catch (NativeIoException e) {
            return null;
        }
        ConnectSet set = new ConnectSet(connects, loop);
        var f = ((IoEventLoop) loop).register(set); // on the loop: done when it returns
        if (!f.isSuccess()) {
            set.close();
            return null;
        }
        set.registration.set(f.getNow());
        f.getNow().submit(EpollIoOps.EPOLLIN);
        set.warmUp();
        return set;
    }

    /**
     * Runs each call of the probe path once, before any probe's clock runs, so that the first probe's RTT holds
     * no first-use cost of jnr-ffi's stubs or of this code: a connect to the limited broadcast address, which TCP
     * refuses in the kernel (ENETUNREACH) before anything is sent.
     */
    private void warmUp() {
        int fd = set.tcpSocket(false);
        if (fd < 0) {
            return;
        }
        set.setInt(fd, SOL_IP, IP_RECVERR, 1);
        set.connect(fd, ConnectWarmUp.NOWHERE.getAddress(), ConnectWarmUp.NOWHERE.getPort(), false);
        set.tcpState(fd);
        set.soError(fd);
        set.poll();
        System.nanoTime();
        set.close(fd);
    }

    /** Starts {@code call}'s connect; on this set's loop. */
    void start(ProbeCall call, TcpSettings s) {
        start(call, s, false);
    }

    /** @param again whether this is the second try after a connect that met itself */
    private void start(ProbeCall call, TcpSettings s, boolean again) {
        if (registration.isClosed()) {
            call.complete(new ProbeOutcome.LocalError("engine closed before the probe started", null));
            return;
        }
        InetAddress target = call.address();
        boolean v6 = target instanceof Inet6Address;
        int fd = takeSpare(v6, s);
        int errno;
        if (fd < 0) {
            fd = set.tcpSocket(v6);
            if (fd < 0) {
                setUpFailed(call, s, -1, -fd);
                return;
            }
            errno = configure(fd, s, v6);
            if (errno != 0) {
                setUpFailed(call, s, fd, errno);
                return;
            }
        }
        int port = call.request().port();
        long start = System.nanoTime();
        errno = set.connect(fd, target, port, v6);
        if (errno != 0 && errno != EINPROGRESS) {
            // connect() itself failed: a local route failure, or no local port or buffer to spare
            ErrnoCause cause = Errnos.cause(errno);
            if (TcpProber.isShortage(cause, s)) {
                set.close(fd);
                call.retryLater(cause);
                return;
            }
            TcpProber.QueuedError q = TcpProber.readErrorQueue(fd);
            long now = System.nanoTime();
            int localPort = q == null ? 0 : localPort(fd);
            set.close(fd);
            call.complete(TcpProber.failure(call, q, localPort, start, now - start, cause, null));
            return;
        }
        // Under way: connect() once more says whether the answer came during the call (class comment).
        int answer = errno == 0 ? 0 : set.connect(fd, target, port, v6);
        NativeConnect c = new NativeConnect(this, call, s, again, fd, ++sequence, start);
        if (answer != 0 && answer != EALREADY && answer != EISCONN) {
            failed(c, call, answer, TCP_CLOSE, v6);
            return; // refused (or unreachable) before connect() returned
        }
        if (answer != EALREADY && finish(c, 0)) {
            return; // connected before connect() returned
        }
        errno = set.add(fd, EPOLLOUT, (long) c.sequence << 32 | fd);
        if (errno != 0) {
            setUpFailed(call, s, fd, errno);
            return;
        }
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        byFd[fd] = c;
        inFlight++;
        call.onAbort(c);
        deadlines.add(c, c.timeoutNanos);
        sweeps.atOrBefore(c.deadline);
    }

    /** Socket options as the request asks; 0, or the errno of the first that failed. */
    private int configure(int fd, TcpSettings s, boolean v6) {
        // No SO_LINGER here: only a connected socket's close sends anything, so finish() sets it on those
        // alone, and a refused or unanswered connect costs one system call fewer; a spare socket keeps these.
        int errno = setInt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, 1);
        if (errno == 0 && s.ttl() > 0) {
            errno = setInt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, s.ttl());
            if (errno == 0) {
                // Trace probes: the Time Exceeded in the queue carries the kernel's arrival stamp, so its RTT ends
                // on the wire. Only these pay the extra setsockopt; a plain check's rare ICMP error is loop-timed.
                errno = setInt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
            }
        }
        if (errno == 0 && s.tos() >= 0) {
            errno = setInt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_TCLASS : IP_TOS, s.tos());
        }
        if (errno == 0 && s.device() != null) {
            errno = set.bindToDevice(fd, s.device());
        }
        if (errno == 0 && s.source() != null) {
            // Bind the address only; the port is picked at connect() per destination, so many probes can share
            // one source port range as without a bind.
            errno = setInt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1);
            if (errno == 0) {
                errno = set.bind(fd, new InetSocketAddress(s.source(), 0), v6);
            }
        }
        return errno;
    }

    private int setInt(int fd, int level, int name, int value) {
        return set.setInt(fd, level, name, value);
    }

    /** A socket could not be made or set up: a shortage waits its turn, anything else is the probe's error. */
    private void setUpFailed(ProbeCall call, TcpSettings s, int fd, int errno) {
        if (fd >= 0) {
            set.close(fd);
        }
        ErrnoCause cause = Errnos.cause(errno);
        if (TcpProber.isShortage(cause, s)) {
            call.retryLater(cause); // out of descriptors: the engine starts it again when some are free
            return;
        }
        call.complete(new ProbeOutcome.LocalError("cannot set up a socket for " + call.request().targetLabel()
                + ": " + cause, cause));
    }

    /**
     * Ends {@code c} if its handshake has ended: connected (TCP_INFO's state established), or failed (closed, or
     * the loop reported an error or hang-up). Closes the socket then.
     *
     * @param ops the epoll events seen, 0 when looking right after connect()
     * @return whether it ended
     */
    private boolean finish(NativeConnect c, int ops) {
        ProbeCall call = c.call; // release() drops it from c
        int state = set.tcpState(c.fd); // also read by set.totalRetransmits() and rttMicros() below
        long now = System.nanoTime();
        long loopRtt = now - c.start;
        if (handshakeDone(state)) {
            if (c.settings.abortiveClose()) {
                set.lingerZero(c.fd); // its close sends a RST, not a FIN
            }
            if (!c.again && connectedToItself(c)) {
                // A connect to a local port that nothing listens on can be given that very port as its ephemeral
                // source and "succeed" by simultaneous open (tcp(7)): no listener's answer. Once more with
                // another socket, which the kernel gives another port; nmap's connect scan reports these closed.
                release(c);
                start(call, c.settings, true);
                return true;
            }
            long retrans = set.totalRetransmits();
            long rtt = Outcomes.handshakeRtt(retrans, set.rttMicros(), set.lastDataReceivedMillis(), loopRtt);
            release(c);
            call.completeUnlessLate(new TcpConnected(rtt, call.address(), (int) retrans, ""), c.timeoutNanos, true);
            return true;
        }
        if (ops == 0 && state != TCP_CLOSE && state >= 0) {
            return false; // right after connect(): SYN sent, no answer yet
        }
        // The loop reported it (EPOLLOUT comes once the handshake is over, EPOLLERR with an error or an ICMP error
        // queued): it ends now, so that a level-triggered event cannot repeat.
        failed(c, call, set.soError(c.fd), state, null);
        return true;
    }

    /**
     * Ends {@code c}, whose connect failed with {@code errno} (0 when the socket holds none) in TCP {@code state},
     * and closes its socket, or keeps it as the spare when the failure came during connect() ({@code inlineV6}
     * non-null: whether it is an IPv6 socket) as a plain refusal: a RST, nothing in the error queue.
     */
    private void failed(NativeConnect c, ProbeCall call, int errno, int state, Boolean inlineV6) {
        long loopRtt = System.nanoTime() - c.start;
        TcpProber.QueuedError queued = TcpProber.readErrorQueue(c.fd); // before close: the queue dies with the socket
        int localPort = queued == null ? 0 : localPort(c.fd);
        TcpProber.QueuedError q = TcpProber.aboutThisConnect(call, queued, localPort);
        if (inlineV6 != null && errno == ECONNREFUSED && queued == null && c.settings.source() == null) {
            keepAsSpare(c, inlineV6);
        } else {
            release(c);
        }
        ErrnoCause cause = errno > 0 ? Errnos.cause(errno) : null;
        if (cause == null && q == null) {
            call.complete(new ProbeOutcome.LocalError("connect to " + call.request().targetLabel()
                    + " ended in TCP state " + state + " with no error", null));
            return;
        }
        boolean stamped = q != null && q.error().isIcmp() && q.kernelEpochNanos() >= 0;
        call.completeUnlessLate(TcpProber.failure(call, q, localPort, c.start, loopRtt, cause, null), c.timeoutNanos,
                stamped);
    }

    /**
     * Keeps the socket of {@code c} (refused during connect(), so unconnected again, and never in the epoll set) for
     * the next probe with the same settings; closes it when a spare is already kept.
     */
    private void keepAsSpare(NativeConnect c, boolean v6) {
        if (spareFd >= 0 || registration.isClosed()) {
            release(c);
            return;
        }
        c.closed = true;
        c.call = null;
        spareFd = c.fd;
        spareV6 = v6;
        spareSettings = c.settings;
    }

    /** The spare socket if it was set up as {@code s} asks for a {@code v6} target (it is then taken), else -1. */
    private int takeSpare(boolean v6, TcpSettings s) {
        int fd = spareFd;
        if (fd < 0) {
            return -1;
        }
        spareFd = -1;
        // Identity first: requests without options share TcpSettings.DEFAULTS, and a record's equals is bootstrapped
        // through method handles at its first call (about 25 classes spun on the loop, inside a sweep's first probes).
        if (spareV6 == v6 && (spareSettings == s || spareSettings.equals(s))) {
            return fd;
        }
        set.close(fd);
        return -1;
    }

    /**
     * Ends the connects whose deadline has passed: first every ready event is read (answers that waited while the
     * loop was busy), so that only what is still unanswered now times out.
     */
    private void sweep() {
        if (registration.isClosed()) {
            return;
        }
        long now = System.nanoTime();
        reap(inFlight / BATCH + 2); // bounded: each full batch ends BATCH connects
        long next = deadlines.expire(now, open, timedOut);
        if (next != Long.MAX_VALUE) {
            sweeps.atOrBefore(next);
        }
    }

    private void timedOut(NativeConnect c) {
        ProbeCall call = c.call;
        release(c);
        call.complete(new ProbeOutcome.TimedOut(c.timeoutNanos));
    }

    /**
     * Whether the handshake is over: established, or already past it (a server that accepts and closes at once
     * leaves the socket in CLOSE_WAIT before connect() has even returned).
     */
    private static boolean handshakeDone(int state) {
        return state > 0 && state != TCP_SYN_SENT && state != TCP_SYN_RECV && state != TCP_CLOSE
                && state != TCP_LISTEN;
    }

    /** Whether the socket's local address and port are its remote ones (see {@link #finish}). */
    private boolean connectedToItself(NativeConnect c) {
        InetSocketAddress local = set.localAddress(c.fd);
        return local != null && local.getPort() == c.call.request().port()
                && local.getAddress().equals(c.call.address());
    }

    private int localPort(int fd) {
        InetSocketAddress a = set.localAddress(fd);
        return a == null ? 0 : a.getPort();
    }

    /** Takes {@code c} out of the set and closes its socket (once). */
    void release(NativeConnect c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        c.call = null; // it waits in the deadline queue until its deadline: without the call's weight
        if (c.fd < byFd.length && byFd[c.fd] == c) {
            byFd[c.fd] = null;
            inFlight--;
        }
        set.close(c.fd); // also takes it out of the epoll set
    }

    /** Closes {@code c} from whichever thread aborted it (timeout: the loop; engine closed: another thread). */
    void abort(NativeConnect c) {
        if (loop.inEventLoop()) {
            release(c);
            return;
        }
        try {
            loop.execute(c);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down: close() below closes what is left
        }
    }

    @Override
    public FileDescriptor fd() {
        return descriptor;
    }

    @Override
    public void handle(IoRegistration r, IoEvent e) {
        reap(MAX_ROUNDS);
    }

    /** Reads ready events and ends their connects, up to {@code rounds} batches or until fewer than a batch. */
    private void reap(int rounds) {
        for (int round = 0; round < rounds; round++) {
            int n = set.poll();
            for (int i = 0; i < n; i++) {
                int ops = set.ops(i);
                long data = set.data(i);
                int fd = (int) data;
                NativeConnect c = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
                if (c == null || c.sequence != (int) (data >>> 32)) {
                    continue; // closed (and maybe reused) since the kernel queued this event
                }
                if (c.call.isDone()) {
                    release(c); // timed out meanwhile: a late result is not an outcome
                } else {
                    finish(c, ops);
                }
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    /** {@link #close()} on the loop, from any thread. */
    void closeOnLoop() {
        try {
            loop.execute(this::close);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down and closes its handles itself
        }
    }

    /** Closes every socket in flight and the set (the engine or the loop shutting down). */
    @Override
    public void close() {
        if (!registration.close()) {
            return;
        }
        sweeps.cancel();
        deadlines.clear();
        if (spareFd >= 0) {
            set.close(spareFd);
            spareFd = -1;
        }
        for (NativeConnect c : byFd) {
            if (c != null) {
                release(c);
            }
        }
        set.close();
    }

    /** One connect in flight; as the call's abort action it closes the socket. */
    static final class NativeConnect implements Runnable {
        final ConnectSet set;
        /** Null once released. */
        ProbeCall call;
        final TcpSettings settings;
        /** The second try of a probe whose first connect met itself. */
        final boolean again;
        final int fd;
        final int sequence;
        final long start;
        final long timeoutNanos;
        /** The engine's start of the probe plus its timeout ({@link System#nanoTime()} scale). */
        final long deadline;
        boolean closed;

        NativeConnect(ConnectSet set, ProbeCall call, TcpSettings settings, boolean again, int fd, int sequence,
                long start) {
            this.set = set;
            this.call = call;
            this.settings = settings;
            this.again = again;
            this.fd = fd;
            this.sequence = sequence;
            this.start = start;
            this.timeoutNanos = call.request().timeout().toNanos();
            this.deadline = call.startNanos() + timeoutNanos;
        }

        @Override
        public void run() {
            set.abort(this);
        }
    }
}
