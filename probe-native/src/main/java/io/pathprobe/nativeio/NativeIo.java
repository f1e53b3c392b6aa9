package io.pathprobe.nativeio;

import java.nio.ByteOrder;
import java.util.Locale;

import io.pathprobe.nativeio.internal.LibC;
import io.pathprobe.nativeio.internal.SocketCalls;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Loads libc once and says whether that worked, and names errno values. Class initialisation never throws: a host
 * where jnr-ffi or libc cannot load gets an unsupported {@link #support()}, and every call that needs libc throws
 * with the reason.
 */
public final class NativeIo {
    private static final SocketCalls SOCKETS;
    private static final Runtime RUNTIME;
    private static final NativeSupport SUPPORT;

    static {
        SocketCalls lib = null;
        Runtime runtime = null;
        NativeSupport support;
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // The structure layouts in NativeLayout are those of 64-bit little-endian Linux.
            support = NativeSupport.unsupported(
                    "the native socket layer supports 64-bit Linux (x86_64, aarch64) only; this is " + os + " " + arch,
                    "run pathprobe on 64-bit Linux");
        } else {
            try {
                lib = LibraryLoader.create(SocketCalls.class).load("c");
                runtime = Runtime.getRuntime(lib);
                lib.getpid(); // proves that a call goes through, not just that symbols resolved
                support = NativeSupport.ok();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // LinkageError, UnsatisfiedLinkError, jnr-ffi's own RuntimeExceptions
                lib = null;
                runtime = null;
                support = unbound(e);
            }
        }
        SOCKETS = lib;
        RUNTIME = runtime;
        SUPPORT = support;
    }

    /** The rest of libc ({@link LibC}), bound on first use: a port sweep never needs it. */
    private static final class Rest {
        static final LibC LIBC;
        static final RuntimeException FAILURE;

        static {
            LibC lib = null;
            RuntimeException failure = null;
            if (SOCKETS == null) {
                failure = unavailable();
            } else {
                try {
                    lib = LibraryLoader.create(LibC.class).load("c");
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) { // as for SocketCalls: the same library, so unlikely once that bound
                    failure = new IllegalStateException("native socket layer unavailable: " + unbound(e).message(), e);
                }
            }
            LIBC = lib;
            FAILURE = failure;
        }
    }

    private static NativeSupport unbound(Throwable e) {
        return NativeSupport.unsupported("jnr-ffi could not bind libc: " + e,
                "make sure jnr-ffi and jffi (with its native classifier jar) are on the class path",
                "on JDK 22+ run java with --enable-native-access=ALL-UNNAMED");
    }

    private static IllegalStateException unavailable() {
        return new IllegalStateException("native socket layer unavailable: " + SUPPORT.message());
    }

    private NativeIo() {
    }

    /** Whether libc is bound on this host; if not, why and what to do. */
    public static NativeSupport support() {
        return SUPPORT;
    }

    /**
     * Binds the rest of libc now, where it would otherwise be bound by the first call that needs it (about a tenth
     * of a second of code generation: a command's start may do it on a thread of its own).
     *
     * @return whether all of libc is bound (false where {@link #support()} is not supported)
     */
    public static boolean bindAll() {
        return SOCKETS != null && Rest.LIBC != null; // reading the holder's field binds it
    }

    /**
     * The calls of a TCP connect, its error queue and an epoll set.
     *
     * @throws IllegalStateException when libc could not be bound ({@link #support()} says why)
     */
    static SocketCalls sockets() {
        if (SOCKETS == null) {
            throw unavailable();
        }
        return SOCKETS;
    }

    /**
     * The rest of the libc binding, bound on the first call.
     *
     * @throws IllegalStateException when it could not load ({@link #support()} says why)
     */
    static LibC libc() {
        if (Rest.LIBC == null) {
            throw Rest.FAILURE == null ? unavailable() : Rest.FAILURE;
        }
        return Rest.LIBC;
    }

    /** The jnr-ffi runtime of the libc binding (for {@link Pointer#wrap(Runtime, long)} and the like). */
    static Runtime runtime() {
        sockets();
        return RUNTIME;
    }

    /** errno of the last libc call made on this thread through {@link #sockets()} or {@link #libc()}. */
    static int lastErrno() {
        return RUNTIME == null ? 0 : RUNTIME.getLastError();
    }

    /**
     * Zeroed native memory of {@code size} bytes, freed when the returned pointer becomes unreachable. Allocate once
     * and reuse: this is what the hot paths pass to libc.
     */
    static Pointer allocate(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("native buffer size must be positive, got " + size);
        }
        return Memory.allocateDirect(runtime(), size, true);
    }

    /** The symbolic name of an errno value, e.g. "ECONNREFUSED", or "errno N" when unknown. */
    public static String errnoName(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || !e.defined() || e.name().startsWith("__") ? "errno " + errno : e.name();
    }

    /** The platform's text for an errno value, e.g. "Connection refused". */
    public static String strerror(int errno) {
        if (SOCKETS != null) {
            try {
                String s = SOCKETS.strerror(errno);
                if (s != null && !s.isEmpty()) {
                    return s;
                }
            } catch (RuntimeException ignored) {
                // fall back to jnr-constants' text below
            }
        }
        Errno e = Errno.valueOf(errno);
        return e == null || !e.defined() ? "Unknown error " + errno : e.description();
    }
}
