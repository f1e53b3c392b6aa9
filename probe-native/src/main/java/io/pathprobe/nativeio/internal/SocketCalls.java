package io.pathprobe.nativeio.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions of a TCP connect, its error queue and an epoll set, bound by jnr-ffi apart from the rest
 * ({@link LibC}); get the instance from {@link NativeIo#sockets()}. A port sweep needs these alone, and jnr-ffi
 * generates a binding's code for every method of its interface at once: this one is bound in about a third of the
 * time the whole set took, which a sweep's start waited for.
 *
 * <p>The rules of {@link LibC} hold here too: errno is saved by every call, memory is passed as {@link Pointer}s from
 * {@link NativeIo#allocate(int)}, and no method has six or more parameters that are all primitives.
 */
public interface SocketCalls {
    int getpid();

    int socket(int domain, int type, int protocol);

    int close(int fd);

    int bind(int fd, Pointer addr, int addrlen);

    int connect(int fd, Pointer addr, int addrlen);

    int getsockname(int fd, Pointer addr, Pointer addrlen);

    /** An int option, for any descriptor (e.g. SO_TIMESTAMPNS on the engine's stamping socket). */
    int setsockopt(int fd, int level, int optname, @In int[] optval, int optlen);

    int getsockopt(int fd, int level, int optname, @Out int[] optval, @In @Out int[] optlen);

    /** Option value and length in native memory (e.g. TCP_INFO into a reused buffer). */
    int setsockopt(int fd, int level, int optname, Pointer optval, int optlen);

    int getsockopt(int fd, int level, int optname, Pointer optval, Pointer optlen);

    /** {@code msg} points to a {@code struct msghdr} ({@link NativeLayout#MSGHDR_SIZE} bytes). */
    @ssize_t long recvmsg(int fd, Pointer msg, int flags);

    int epoll_create1(int flags);

    /** {@code event} points to a {@code struct epoll_event} ({@link NativeLayout#EPOLL_EVENT_SIZE} bytes). */
    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    /** {@code events} holds room for {@code maxevents} {@code struct epoll_event}s; timeout 0 does not wait. */
    int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

    String strerror(int errnum);
}
