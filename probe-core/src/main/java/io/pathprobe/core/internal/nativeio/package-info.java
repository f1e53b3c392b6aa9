/**
 * The project's one binding of Linux libc (through jnr-ffi): sockets with int file descriptors, socket options,
 * the socket error queue ({@code IP_RECVERR}), batch send/receive and network namespaces.
 *
 * <p>Supported on 64-bit little-endian Linux (x86_64, aarch64) only; {@link
 * io.pathprobe.core.internal.nativeio.NativeIo#availability()} says whether this host qualifies. Structures that
 * the kernel reads or writes ({@code msghdr}, {@code iovec}, {@code cmsghdr}, {@code mmsghdr}, socket addresses)
 * are laid out by hand at the fixed offsets of that ABI ({@link io.pathprobe.core.internal.nativeio.NativeLayout})
 * in native memory that is allocated once and reused, instead of jnr-ffi {@code Struct}s: no per-call objects and
 * no padding surprises.
 *
 * <p>Failures surface as {@link io.pathprobe.core.internal.nativeio.NativeIoException} (a checked
 * {@link java.io.IOException} carrying the errno); "try again later" ({@code EAGAIN}) on the hot send/receive paths
 * is a negative return value instead, because it is not a failure there.
 */
package io.pathprobe.core.internal.nativeio;
