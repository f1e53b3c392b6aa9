/**
 * The project's one binding of Linux libc (through jnr-ffi), as a module of its own that knows nothing of the
 * rest of pathprobe: probe-core and the probers build on it.
 *
 * <h2>API</h2>
 * What other modules may use, and what this module keeps compatible:
 * <ul>
 *   <li>sockets: {@link io.pathprobe.nativeio.NativeSocket} (int file descriptors, options, send/receive, poll),
 *       {@link io.pathprobe.nativeio.EpollSocket} (a socket on a Netty epoll event loop),
 *       {@link io.pathprobe.nativeio.EpollConnects} (many non-blocking TCP connects in one epoll set, for one
 *       thread: the TCP prober's path without a channel per probe) and the Linux values
 *       they take ({@link io.pathprobe.nativeio.SocketConstants});</li>
 *   <li>addresses: {@link io.pathprobe.nativeio.SockAddr} ({@code sockaddr_in}/{@code sockaddr_in6} as bytes);</li>
 *   <li>the error queue ({@code IP_RECVERR}): {@link io.pathprobe.nativeio.ErrorQueue} and its entries,
 *       {@link io.pathprobe.nativeio.SocketError};</li>
 *   <li>batches: {@link io.pathprobe.nativeio.MessageBatch} ({@code sendmmsg}/{@code recvmmsg});</li>
 *   <li>network namespaces: {@link io.pathprobe.nativeio.NetworkNamespaces};</li>
 *   <li>the kernel's receive clock: {@link io.pathprobe.nativeio.ReceiveClock};</li>
 *   <li>availability and errors: {@link io.pathprobe.nativeio.NativeIo#support()} says whether this host
 *       qualifies (64-bit little-endian Linux, x86_64 or aarch64, with libc bound), {@link
 *       io.pathprobe.nativeio.NativeIo#errnoName(int)} and {@link io.pathprobe.nativeio.NativeIo#strerror(int)}
 *       name errno values, {@link io.pathprobe.nativeio.Privileges} says whether the process runs as root.</li>
 * </ul>
 * Errors are reported as errno values with their names and texts, and support as this module's own
 * {@link io.pathprobe.nativeio.NativeSupport}; probe-core's {@code io.pathprobe.core.spi.NativeTerms} turns them
 * into its {@code ErrnoCause} and {@code Availability}.
 *
 * <h2>Internal</h2>
 * No contract, may change in any release: the libc interfaces ({@code io.pathprobe.nativeio.internal.SocketCalls},
 * bound at once, and {@code LibC}, bound at first use; public only because jnr-ffi implements them), the structure
 * layouts ({@code NativeLayout}) and the byte helpers ({@code Bytes}), both package-private, and the package-private
 * access to libc itself ({@code NativeIo.sockets()}, {@code NativeIo.libc()},
 * native memory). Structures that the kernel reads or writes ({@code msghdr}, {@code iovec}, {@code cmsghdr},
 * {@code mmsghdr}, socket addresses) are laid out by hand at the fixed offsets of that ABI in native memory that is
 * allocated once and reused, instead of jnr-ffi {@code Struct}s: no per-call objects and no padding surprises.
 *
 * <p>Failures surface as {@link io.pathprobe.nativeio.NativeIoException} (a checked
 * {@link java.io.IOException} carrying the errno); "try again later" ({@code EAGAIN}) on the hot send/receive paths
 * is a negative return value instead, because it is not a failure there.
 */
package io.pathprobe.nativeio;
