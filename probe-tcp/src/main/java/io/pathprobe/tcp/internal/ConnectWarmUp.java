package io.pathprobe.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first connect of a process costs milliseconds of class loading and initialisation inside Netty's connect and
 * failure paths, and those milliseconds landed in the first probe's RTT (a loopback RST at 2–20 ms, later ones
 * 0.2 ms). Once per prober, before its first probe, this runs the same path on a socket whose connect fails in the
 * kernel before anything is sent: TCP refuses the limited broadcast address (255.255.255.255) with ENETUNREACH.
 * The first probe then starts that much later, and its RTT measures the network only.
 */
final class ConnectWarmUp {
    /** The limited broadcast address: TCP refuses to connect to it before sending anything. */
    static final InetSocketAddress NOWHERE = nowhere();

    private final AtomicBoolean done = new AtomicBoolean();
    private final boolean epoll;
    private final SelectorProvider selectorProvider;

    ConnectWarmUp(boolean epoll, SelectorProvider selectorProvider) {
        this.epoll = epoll;
        this.selectorProvider = selectorProvider;
    }

    /** Whether the warm-up has been started (later probes run at once). */
    boolean isDone() {
        return done.get();
    }

    /**
     * Runs {@code then} on {@code loop} once the warm-up connect has failed, the first time it is called; every
     * later call (and any failure of the warm-up itself) runs {@code then} at once.
     */
    void thenRun(EventLoop loop, Runnable then) {
        if (done.get() || !done.compareAndSet(false, true)) {
            then.run();
            return;
        }
        Channel ch;
        try {
            ch = epoll ? new EpollSocketChannel(SocketProtocolFamily.INET)
                    : new NioSocketChannel(selectorProvider, SocketProtocolFamily.INET);
            ch.config().setAutoRead(false);
            ch.config().setConnectTimeoutMillis(0);
        } catch (RuntimeException e) {
            then.run(); // no socket to spare: the probe runs unwarmed, which only costs its first RTT some time
            return;
        }
        loop.register(ch).addListener(r -> {
            if (!r.isSuccess()) {
                ch.unsafe().closeForcibly();
                then.run();
                return;
            }
            ch.connect(NOWHERE).addListener(c -> {
                ch.unsafe().closeForcibly();
                // A task of its own: whatever started this probe on this loop finishes first, outside its RTT.
                loop.execute(then);
            });
        });
    }

    private static InetSocketAddress nowhere() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}), 9);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are an IPv4 address", e);
        }
    }
}
