package io.pathprobe.tcp.internal;

import io.pathprobe.core.ErrnoCause;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Tells ENETUNREACH from EHOSTUNREACH after Netty's epoll transport reported a local routing failure of
 * {@code connect()} as one message-less {@code NoRouteToHostException}: repeats the non-blocking connect on a JDK
 * socket, whose exception says which. The route lookup fails again before any packet leaves; should the route
 * have appeared meanwhile, the socket is reset at once and the cause stays unknown. Rare path only.
 */
final class RouteCheck {
    private RouteCheck() {
    }

    /** The errno of a failing connect to {@code target:port} (from {@code source}, if given), or null. */
    static ErrnoCause errnoOfLocalRouteFailure(InetAddress target, int port, InetAddress source) {
        StandardProtocolFamily family = target instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        try (SocketChannel s = SocketChannel.open(family)) {
            s.configureBlocking(false);
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (source != null) {
                try {
                    s.bind(new InetSocketAddress(source, 0));
                } catch (IOException e) {
                    return null; // a bind failure says nothing about the route
                }
            }
            s.connect(new InetSocketAddress(target, port));
            return null; // the route works now
        } catch (IOException e) {
            return Errnos.of(e);
        }
    }
}
