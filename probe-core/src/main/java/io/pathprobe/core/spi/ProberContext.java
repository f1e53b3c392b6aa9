package io.pathprobe.core.spi;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.Transport;

/** What an engine gives the probers it creates: its event loops and the transport they run. */
public interface ProberContext {
    /** The engine's event loops; probers register channels and native handles here. */
    IoEventLoopGroup group();

    /** Which Netty transport the loops run (epoll or NIO). */
    Transport transport();

    /** The TCP channel class for {@link #transport()}. */
    Class<? extends SocketChannel> socketChannelClass();

    /** The UDP channel class for {@link #transport()}. */
    Class<? extends DatagramChannel> datagramChannelClass();

    /**
     * For the top of {@code start} in a prober whose sockets are native: ends {@code call} with a local error
     * saying that {@code kind} probes need the epoll transport, when the loops run another. Returns whether it did.
     */
    default boolean endedWithoutEpoll(ProbeCall call, String kind) {
        if (transport() == Transport.EPOLL) {
            return false;
        }
        call.complete(new ProbeOutcome.LocalError("the " + kind + " prober needs the epoll transport (Linux); this "
                + "engine runs " + transport() + " (forceNio set, or epoll unavailable)", null));
        return true;
    }
}
