package io.pathprobe.nativeio;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link NativeSocket} on a Netty epoll event loop, for probers whose sockets Netty cannot drive (ICMP, the error
 * queue): readiness is handed to {@link #readable()}, {@link #errorQueued()} and {@link #writable()} on the loop.
 * Level-triggered (no {@code EPOLLET}), so a handler may stop draining after a bounded batch and be called again.
 * The loop always reports {@code EPOLLERR}, which on a socket with the error queue on means "entries waiting".
 */
public abstract class EpollSocket implements EpollIoHandle {
    private static final Logger LOG = Logger.getLogger(EpollSocket.class.getName());

    /** The socket; owned by this handle (closed by {@link #close()}). */
    protected final NativeSocket socket;
    /** Its descriptor, fixed at creation. */
    public final int fd;
    private final FileDescriptor descriptor;
    private final EpollRegistration registration = new EpollRegistration();
    private boolean writeInterest;

    protected EpollSocket(NativeSocket socket) {
        this.socket = socket;
        this.fd = socket.fd();
        this.descriptor = new FileDescriptor(fd);
    }

    /**
     * Registers with {@code loop} for reading; a failure is logged and closes the socket (its probes then time
     * out). Call on any thread; readiness starts once the loop has run the registration.
     */
    public final void register(IoEventLoop loop) {
        try {
            loop.register(this).addListener(f -> {
                if (f.isSuccess()) {
                    registered((IoRegistration) f.getNow());
                } else {
                    LOG.log(Level.WARNING, "could not register a socket with the event loop", f.cause());
                    close();
                }
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void registered(IoRegistration r) {
        if (registration.isClosed()) {
            r.cancel();
            return;
        }
        registration.set(r);
        r.submit(writeInterest ? EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT) : EpollIoOps.EPOLLIN);
    }

    /** Asks for (or stops asking for) {@link #writable()}, while a send waits for room in the socket buffer. */
    public final void writeInterest(boolean on) {
        if (on != writeInterest) {
            writeInterest = on;
            IoRegistration r = registration.get();
            if (r != null && r.isValid()) {
                r.submit(on ? EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT) : EpollIoOps.EPOLLIN);
            }
        }
    }

    /** The socket (for options and sends on the loop). */
    public final NativeSocket nativeSocket() {
        return socket;
    }

    /** Data waiting ({@code EPOLLIN}); on the loop. */
    protected abstract void readable();

    /** Error-queue entries waiting ({@code EPOLLERR}); on the loop. */
    protected abstract void errorQueued();

    /** Room in the send buffer ({@code EPOLLOUT}, only while {@link #writeInterest} is on); on the loop. */
    protected void writable() {
    }

    @Override
    public final FileDescriptor fd() {
        return descriptor;
    }

    @Override
    public final void handle(IoRegistration registration, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (ops.contains(EpollIoOps.EPOLLERR)) {
            errorQueued();
        }
        if (ops.contains(EpollIoOps.EPOLLIN)) {
            readable();
        }
        if (ops.contains(EpollIoOps.EPOLLOUT)) {
            writable();
        }
    }

    /** Cancels the registration and closes the socket; later calls do nothing. */
    @Override
    public void close() {
        if (!registration.close()) {
            return;
        }
        try {
            socket.close();
        } catch (NativeIoException ignored) {
            // closing: nothing left to do with this descriptor
        }
    }

    /** Whether {@link #close()} was called. */
    public final boolean isClosed() {
        return registration.isClosed();
    }
}
