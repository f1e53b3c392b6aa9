package io.pathprobe.icmp.internal;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.pathprobe.core.internal.nativeio.NativeIoException;
import io.pathprobe.core.internal.nativeio.NativeSocket;
import io.pathprobe.core.internal.nativeio.SocketConstants;

/**
 * One ICMP socket of a lane, registered with the lane's epoll event loop: readiness is handed to the lane, which
 * owns the table and the buffers. Level-triggered (no {@code EPOLLET}), so the lane may stop draining after a
 * bounded batch and be called again.
 */
final class EchoSocket implements EpollIoHandle {
    final NativeSocket socket;
    final int fd;
    /** The table page (ping sockets: one socket per page), or 0 for a raw socket serving every page. */
    final int page;
    /** The echo identifier a ping socket writes into its requests (its bound "port"); 0 for raw sockets. */
    final int id;
    private final EchoLane lane;
    private final FileDescriptor descriptor;
    private IoRegistration registration;
    private boolean writeInterest;
    private boolean closed;

    EchoSocket(NativeSocket socket, int page, EchoLane lane) throws NativeIoException {
        this.socket = socket;
        this.id = socket.type() == SocketConstants.SOCK_DGRAM ? socket.localAddress().getPort() : 0;
        this.fd = socket.fd();
        this.page = page;
        this.lane = lane;
        this.descriptor = new FileDescriptor(fd);
    }

    void registered(IoRegistration registration) {
        this.registration = registration;
        registration.submit(EpollIoOps.EPOLLIN);
    }

    /** Asks for (or stops asking for) EPOLLOUT, while a send waits for room in the socket buffer. */
    void writeInterest(boolean on) {
        if (on != writeInterest && registration != null && registration.isValid()) {
            writeInterest = on;
            registration.submit(on ? EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT) : EpollIoOps.EPOLLIN);
        }
    }

    @Override
    public FileDescriptor fd() {
        return descriptor;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (ops.contains(EpollIoOps.EPOLLERR)) {
            lane.onError(this);
        }
        if (ops.contains(EpollIoOps.EPOLLIN)) {
            lane.onReadable(this);
        }
        if (ops.contains(EpollIoOps.EPOLLOUT)) {
            lane.onWritable(this);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.cancel();
        }
        try {
            socket.close();
        } catch (NativeIoException ignored) {
            // closing: nothing left to do with this descriptor
        }
    }
}
