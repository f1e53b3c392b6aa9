/**
 * Internal to probe-native: the libc interfaces that jnr-ffi binds ({@link io.pathprobe.nativeio.internal.SocketCalls}
 * and {@link io.pathprobe.nativeio.internal.LibC}). Public only because jnr-ffi generates their implementations in a
 * class loader of its own; no other module may use them (pathprobe's architecture test fails a build where one does).
 * Use the API in {@code io.pathprobe.nativeio}.
 */
package io.pathprobe.nativeio.internal;
