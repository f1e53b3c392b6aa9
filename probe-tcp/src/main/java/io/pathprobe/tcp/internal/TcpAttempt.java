package io.pathprobe.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.EpollTcpInfo;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.tcp.TcpConnected;

import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One probe's connect: listens first to the channel's registration, then to its connect; times itself out (the
 * prober handles timeouts); as the call's abort action it closes the channel (engine closed). Runs on the probe's
 * event loop.
 */
final class TcpAttempt implements ChannelFutureListener, Runnable {
    private final TcpProber prober;
    private final ProbeCall call;
    private final Channel ch;
    private final TcpSettings settings;
    private boolean registered;
    /** True while inside {@code connect()}: a failure seen then came from the syscall itself (local routing). */
    private boolean inConnectCall;
    private long connectStart;
    private boolean closeScheduled;
    private boolean closed;
    private ScheduledFuture<?> timer;

    TcpAttempt(TcpProber prober, ProbeCall call, Channel ch, TcpSettings settings) {
        this.prober = prober;
        this.call = call;
        this.ch = ch;
        this.settings = settings;
    }

    void register() {
        long timeout = call.request().timeout().toNanos();
        long left = call.startNanos() + timeout - System.nanoTime();
        timer = call.eventLoop().schedule(() -> {
            if (!closed && !closeScheduled) {
                closeAndComplete(new ProbeOutcome.TimedOut(timeout));
            }
        }, Math.max(0, left), TimeUnit.NANOSECONDS);
        ChannelFuture f = call.eventLoop().register(ch);
        if (f.isDone()) {
            operationComplete(f); // registering from the loop itself completes at once
        } else {
            f.addListener(this);
        }
    }

    @Override
    public void operationComplete(ChannelFuture f) {
        if (!registered) {
            registered = true;
            if (!f.isSuccess()) {
                ErrnoCause cause = Errnos.of(f.cause());
                closeAndComplete(new ProbeOutcome.LocalError("cannot register the socket for "
                        + call.request().targetLabel() + ": " + (cause != null ? cause : f.cause()), cause));
            } else {
                connect();
            }
            return;
        }
        long now = System.nanoTime();
        if (call.isDone()) { // timed out or engine closed meanwhile: a late result is not an outcome
            close();
        } else if (f.isSuccess()) {
            connected(now - connectStart);
        } else {
            failed(f.cause(), now - connectStart);
        }
    }

    private void connect() {
        if (call.isDone()) {
            close();
            return;
        }
        InetSocketAddress remote = new InetSocketAddress(call.address(), call.request().port());
        InetSocketAddress local = settings.source() == null ? null : new InetSocketAddress(settings.source(), 0);
        inConnectCall = true;
        connectStart = System.nanoTime();
        ch.connect(remote, local).addListener(this);
        inConnectCall = false;
    }

    private void connected(long loopRtt) {
        EpollTcpInfo info = prober.tcpInfo(ch); // read before close: TCP_INFO of the live socket
        int synRetransmits = info == null ? -1 : (int) info.totalRetrans();
        long rtt = handshakeRtt(info, loopRtt);
        if (settings.bannerMillis() > 0) {
            new BannerReader(this, ch, call.address(), settings.bannerBytes()).start(bannerWaitNanos(), rtt, synRetransmits);
            return;
        }
        closeAndComplete(new TcpConnected(rtt, call.address(), synRetransmits, ""));
    }

    private static long handshakeRtt(EpollTcpInfo info, long loopRtt) {
        return info == null ? loopRtt
                : Outcomes.handshakeRtt(info.totalRetrans(), info.rtt(), info.lastDataRecv(), loopRtt);
    }

    /** The banner wait, cut so that it ends before the engine's timeout fires. */
    private long bannerWaitNanos() {
        long wanted = settings.bannerMillis() * 1_000_000L;
        long left = call.startNanos() + call.request().timeout().toNanos() - System.nanoTime() - 1_000_000L;
        return Math.min(wanted, left);
    }

    private void failed(Throwable cause, long elapsed) {
        TcpProber.QueuedError q = prober.readErrorQueue(ch); // before close: the queue dies with the socket
        InetSocketAddress local = ch.localAddress() instanceof InetSocketAddress l ? l : null;
        ErrnoCause errno = Errnos.of(cause);
        if (errno == null && isNoRoute(cause)) {
            // Netty's epoll transport throws one message-less exception for ENETUNREACH and EHOSTUNREACH.
            errno = inConnectCall ? RouteCheck.errnoOfLocalRouteFailure(call.address(), call.request().port(),
                    settings.source()) : null;
            if (errno == null) {
                errno = new ErrnoCause(0, "", "No route to host or network unreachable");
            }
        }
        close();
        if (inConnectCall && TcpProber.isShortage(errno, settings)) {
            // connect() itself failed (no free local port, no buffers): nothing was sent, so it can wait its turn
            call.retryLater(errno);
            return;
        }
        call.complete(TcpProber.failure(call, q, local == null ? 0 : local.getPort(), connectStart, elapsed, errno,
                cause));
    }

    private static boolean isNoRoute(Throwable t) {
        for (int i = 0; t != null && i < 8; i++, t = t.getCause()) {
            if (t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    void closeAndComplete(ProbeOutcome outcome) {
        close();
        call.complete(outcome);
    }

    /**
     * Closes the channel in a task of its own rather than now: inside a connect listener Netty still holds the
     * connect promise, and closing would make it build (and discard) an exception with a full stack trace.
     */
    private void close() {
        if (!closeScheduled) {
            closeScheduled = true;
            if (timer != null) {
                timer.cancel(false);
            }
            closeLater();
        }
    }

    private void closeLater() {
        try {
            ch.eventLoop().execute(this);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down, and closes every channel registered with it
        }
    }

    /** Closes the channel: the task {@link #close()} schedules, and the call's abort action (timeout, shutdown). */
    @Override
    public void run() {
        if (!ch.eventLoop().inEventLoop()) {
            closeLater(); // aborted from another thread (engine closed)
            return;
        }
        if (closed) {
            return;
        }
        closed = true;
        if (ch.pipeline().first() == null && prober.epoll()) {
            // No handler to tell and nobody waiting on the close future: close the socket and drop its epoll
            // registration without Netty's close bookkeeping (an exception object and an SO_LINGER read per close).
            ch.unsafe().closeForcibly();
        } else {
            ch.unsafe().close(ch.unsafe().voidPromise());
        }
    }
}
