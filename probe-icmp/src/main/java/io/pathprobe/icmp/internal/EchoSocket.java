package io.pathprobe.icmp.internal;

import io.pathprobe.nativeio.EpollSocket;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.SocketConstants;

/** One ICMP socket of a lane on the lane's epoll event loop: readiness is handed to the lane, which owns the table. */
final class EchoSocket extends EpollSocket {
    /** The table page (ping sockets: one socket per page), or 0 for a raw socket serving every page. */
    final int page;
    /** The echo identifier a ping socket writes into its requests (its bound "port"); 0 for raw sockets. */
    final int id;
    private final EchoLane lane;

    EchoSocket(NativeSocket socket, int page, EchoLane lane) throws NativeIoException {
        super(socket);
        this.id = socket.type() == SocketConstants.SOCK_DGRAM ? socket.localAddress().getPort() : 0;
        this.page = page;
        this.lane = lane;
    }

    @Override
    protected void readable() {
        lane.onReadable(this);
    }

    @Override
    protected void errorQueued() {
        lane.onError(this);
    }

    @Override
    protected void writable() {
        lane.onWritable(this);
    }
}
