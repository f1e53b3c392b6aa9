package io.pathprobe.nativeio.internal;

import java.nio.ByteBuffer;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.uintptr_t;

/**
 * The libc functions the project calls beyond {@link SocketCalls}, bound by jnr-ffi when first needed; get the
 * instance from {@link NativeIo#libc()}.
 *
 * <p>Every call saves errno (read it with {@link NativeIo#lastErrno()} right after a -1 return, on the same thread).
 * Memory arguments come in three forms: {@link Pointer} (native memory from {@link NativeIo#allocate(int)} — the
 * fast path: only the address crosses), {@code long} addresses (e.g. a Netty direct {@code ByteBuf}'s
 * {@code memoryAddress()}, also zero-copy) and Java arrays or {@link ByteBuffer}s (a direct buffer is passed from its
 * position; a heap buffer or array is copied in for {@code @In} and out for {@code @Out}). Sizes are {@code size_t}
 * ({@code long}), socklen_t is {@code int}. Structures are laid out as in {@link NativeLayout}.
 *
 * <p><b>Never declare a method with six or more parameters that are all primitives</b> (e.g. a {@code sendto} taking
 * {@code long} addresses): jnr-ffi's x86_64 assembler stubs then pass a corrupt sixth argument (seen here as EINVAL
 * from sendto with a correct addrlen; jnr/jnr-ffi#181). Six-argument calls keep a {@link Pointer}, array or buffer
 * parameter, which takes another path; {@code LibCSignatureTest} guards this. For a raw address use
 * {@link jnr.ffi.Pointer#wrap(jnr.ffi.Runtime, long)} or the {@code sendmsg/recvmsg} address forms.
 */
public interface LibC {
    int bind(int fd, @In byte[] addr, int addrlen);

    int connect(int fd, @In byte[] addr, int addrlen);

    int getsockname(int fd, @Out byte[] addr, @In @Out int[] addrlen);

    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    int getsockopt(int fd, int level, int optname, @Out byte[] optval, @In @Out int[] optlen);

    @ssize_t long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, Pointer addr, int addrlen);

    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, Pointer addr, int addrlen);

    @ssize_t long sendto(int fd, Pointer buf, @size_t long len, int flags, Pointer addr, int addrlen);

    @ssize_t long recvfrom(int fd, @Out ByteBuffer buf, @size_t long len, int flags, Pointer addr, Pointer addrlen);

    @ssize_t long recvfrom(int fd, @Out byte[] buf, @size_t long len, int flags, Pointer addr, Pointer addrlen);

    @ssize_t long recvfrom(int fd, Pointer buf, @size_t long len, int flags, Pointer addr, Pointer addrlen);

    @ssize_t long recvmsg(int fd, @uintptr_t long msgAddress, int flags);

    @ssize_t long sendmsg(int fd, Pointer msg, int flags);

    @ssize_t long sendmsg(int fd, @uintptr_t long msgAddress, int flags);

    /** {@code msgvec} points to {@code vlen} {@code struct mmsghdr}s ({@link NativeLayout#MMSGHDR_SIZE} each). */
    int sendmmsg(int fd, Pointer msgvec, int vlen, int flags);

    int sendmmsg(int fd, @uintptr_t long msgvecAddress, int vlen, int flags);

    /** {@code timeout} is a {@code struct timespec*} or null (wait as the socket's blocking mode says). */
    int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

    int recvmmsg(int fd, @uintptr_t long msgvecAddress, int vlen, int flags, @uintptr_t long timeoutAddress);

    int setns(int fd, int nstype);

    int open(String path, int flags);

    /** {@code fds} holds {@code nfds} {@code struct pollfd}s: {int fd; short events; short revents;}. */
    int poll(@In @Out int[] fds, @size_t long nfds, int timeout);

    int poll(Pointer fds, @size_t long nfds, int timeout);
}
