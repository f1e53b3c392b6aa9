package io.pathprobe.core.internal.nativeio;

import java.nio.ByteOrder;
import java.util.Locale;

import io.pathprobe.core.Availability;
import io.pathprobe.core.ErrnoCause;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Loads libc once and says whether that worked. Class initialisation never throws: a host where jnr-ffi or libc
 * cannot load gets an unavailable {@link #availability()} and {@link #libc()} throws with the reason.
 */
public final class NativeIo {
    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    private static final Availability AVAILABILITY;

    static {
        LibC lib = null;
        Runtime runtime = null;
        Availability availability;
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // The structure layouts in NativeLayout are those of 64-bit little-endian Linux.
            availability = Availability.unavailable(
                    "the native socket layer supports 64-bit Linux (x86_64, aarch64) only; this is " + os + " " + arch,
                    "run pathprobe on 64-bit Linux");
        } else {
            try {
                lib = LibraryLoader.create(LibC.class).load("c");
                runtime = Runtime.getRuntime(lib);
                lib.getpid(); // proves that a call goes through, not just that symbols resolved
                availability = Availability.ok();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // LinkageError, UnsatisfiedLinkError, jnr-ffi's own RuntimeExceptions
                lib = null;
                runtime = null;
                availability = Availability.unavailable("jnr-ffi could not bind libc: " + e,
                        "make sure jnr-ffi and jffi (with its native classifier jar) are on the class path",
                        "on JDK 22+ run java with --enable-native-access=ALL-UNNAMED");
            }
        }
        LIBC = lib;
        RUNTIME = runtime;
        AVAILABILITY = availability;
    }

    private NativeIo() {
    }

    /** Whether libc is bound; if not, why and what to do. */
    public static Availability availability() {
        return AVAILABILITY;
    }

    /**
     * The libc binding.
     *
     * @throws IllegalStateException when it could not load ({@link #availability()} says why)
     */
    public static LibC libc() {
        if (LIBC == null) {
            throw new IllegalStateException("native socket layer unavailable: " + AVAILABILITY.message());
        }
        return LIBC;
    }

    /** The jnr-ffi runtime of the libc binding (for {@link Pointer#wrap(Runtime, long)} and the like). */
    public static Runtime runtime() {
        libc();
        return RUNTIME;
    }

    /** errno of the last libc call made on this thread through {@link #libc()}. */
    public static int lastErrno() {
        return RUNTIME == null ? 0 : RUNTIME.getLastError();
    }

    /**
     * Zeroed native memory of {@code size} bytes, freed when the returned pointer becomes unreachable. Allocate once
     * and reuse: this is what the hot paths pass to libc.
     */
    public static Pointer allocate(int size) {
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
        if (LIBC != null) {
            try {
                String s = LIBC.strerror(errno);
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

    /** An errno value as the core API's {@link ErrnoCause}. */
    public static ErrnoCause cause(int errno) {
        return new ErrnoCause(errno, errnoName(errno), strerror(errno));
    }
}
