package io.pathprobe.nativeio;

import io.netty.channel.IoRegistration;

/**
 * An epoll handle's registration with its Netty event loop, and the handle's closing: once, cancelling the
 * registration first, as every epoll handle of the project closes ({@link EpollSocket}, the TCP prober's connect
 * set). Not thread-safe: use on the handle's loop, as Netty calls the handle.
 */
public final class EpollRegistration {
    private IoRegistration registration;
    private boolean closed;

    /** Keeps the loop's registration of the handle. */
    public void set(IoRegistration registration) {
        this.registration = registration;
    }

    /** The loop's registration of the handle, or null before {@link #set}. */
    public IoRegistration get() {
        return registration;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks the handle closed and cancels its registration, if any; the caller then releases what the handle owns.
     *
     * @return true the first time, false when the handle was closed already (nothing to do)
     */
    public boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        if (registration != null) {
            registration.cancel();
        }
        return true;
    }
}
