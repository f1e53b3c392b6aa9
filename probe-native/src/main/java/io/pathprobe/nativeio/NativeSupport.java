package io.pathprobe.nativeio;

import java.util.List;
import java.util.Objects;

/**
 * Whether the native socket layer works on this host ({@link NativeIo#support()}), and if not, why and what would
 * fix it. The module's own value so that it needs nothing of pathprobe; probe-core turns it into its
 * {@code Availability}.
 *
 * @param supported whether libc is bound and the structure layouts fit this host
 * @param reason    why not (empty when supported)
 * @param fixes     what a person can do about it, each a complete instruction
 */
public record NativeSupport(boolean supported, String reason, List<String> fixes) {
    private static final NativeSupport SUPPORTED = new NativeSupport(true, "", List.of());

    public NativeSupport {
        Objects.requireNonNull(reason, "reason");
        fixes = List.copyOf(fixes);
    }

    static NativeSupport ok() {
        return SUPPORTED;
    }

    static NativeSupport unsupported(String reason, String... fixes) {
        return new NativeSupport(false, reason, List.of(fixes));
    }

    /** The reason and the fixes in one line, for an exception message. */
    String message() {
        return fixes.isEmpty() ? reason : reason + ". Fix: " + String.join("; or ", fixes);
    }
}
