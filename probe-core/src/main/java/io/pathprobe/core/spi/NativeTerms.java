package io.pathprobe.core.spi;

import io.pathprobe.core.Availability;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.nativeio.NativeIo;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSupport;
import io.pathprobe.nativeio.SocketError;

/**
 * What the native layer ({@code io.pathprobe.nativeio}, which knows nothing of probe-core) reports, in the core
 * API's terms: errno values as {@link ErrnoCause}, its support on this host as {@link Availability}. The one place
 * where the two meet, for probers that use native sockets.
 */
public final class NativeTerms {
    private NativeTerms() {
    }

    /** A positive errno value with its symbolic name and the platform's text, e.g. 111 ECONNREFUSED. */
    public static ErrnoCause cause(int errno) {
        return new ErrnoCause(errno, NativeIo.errnoName(errno), NativeIo.strerror(errno));
    }

    /** The errno of a failed libc call. */
    public static ErrnoCause cause(NativeIoException e) {
        return cause(e.errno());
    }

    /** The errno of an error-queue entry ({@code ee_errno}). */
    public static ErrnoCause cause(SocketError e) {
        return cause(e.errno());
    }

    /** Whether the native socket layer works on this host; if not, why and what to do. */
    public static Availability availability() {
        NativeSupport s = NativeIo.support();
        return s.supported() ? Availability.ok() : new Availability(false, s.reason(), s.fixes());
    }
}
