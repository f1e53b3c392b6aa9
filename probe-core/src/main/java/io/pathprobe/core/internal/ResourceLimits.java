package io.pathprobe.core.internal;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.nativeio.SocketConstants;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The local resources a probe's set-up can run out of (descriptors, socket buffers, local ports), and how to tell
 * a person which one did. A probe that meets one of these is held and started again by the engine (backpressure);
 * only a shortage that outlasts {@link #GIVE_UP_AFTER} with nothing in flight becomes an outcome.
 */
public final class ResourceLimits {
    /** How long the engine keeps retrying held probes while none of its probes is in flight to free anything. */
    public static final Duration GIVE_UP_AFTER = Duration.ofSeconds(5);

    private ResourceLimits() {
    }

    /** Whether {@code cause} says a local resource ran out (EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL). */
    public static boolean isShortage(ErrnoCause cause) {
        if (cause == null) {
            return false;
        }
        switch (cause.errno()) {
            case SocketConstants.EMFILE:
            case SocketConstants.ENFILE:
            case SocketConstants.ENOBUFS:
            case SocketConstants.EADDRNOTAVAIL:
                return true;
            default:
                return false;
        }
    }

    /** What ran out, in a person's words, e.g. "out of file descriptors (EMFILE: the limit, ulimit -n, is 64)". */
    public static String whatRanOut(ErrnoCause cause) {
        switch (cause.errno()) {
            case SocketConstants.EMFILE:
                long limit = openFileLimit();
                return "out of file descriptors (EMFILE: this process may open "
                        + (limit > 0 ? limit : "only so many") + ", ulimit -n)";
            case SocketConstants.ENFILE:
                return "out of file descriptors system-wide (ENFILE: the kernel's file table is full, fs.file-max)";
            case SocketConstants.ENOBUFS:
                return "out of kernel socket buffers (ENOBUFS)";
            case SocketConstants.EADDRNOTAVAIL:
                return "out of local ports (EADDRNOTAVAIL: net.ipv4.ip_local_port_range)";
            default:
                return String.valueOf(cause);
        }
    }

    /** The system-side fix for a shortage, e.g. "raise ulimit -n". */
    public static String systemRemedy(ErrnoCause cause) {
        switch (cause.errno()) {
            case SocketConstants.EMFILE:
                return "raise the limit (ulimit -n)";
            case SocketConstants.ENFILE:
                return "raise fs.file-max or close other programs' files";
            case SocketConstants.EADDRNOTAVAIL:
                return "widen net.ipv4.ip_local_port_range";
            default:
                return "free memory or raise net.core.wmem_max";
        }
    }

    private static final String LASTED = ", and no probe ended within " + GIVE_UP_AFTER.toSeconds() + " s to free any: ";

    /** The library's outcome text for a shortage that lasted: what ran out and what to change, in API terms. */
    public static String gaveUp(ErrnoCause cause) {
        return gaveUp(cause, "start fewer probes at once (ProbeEngine.Builder maxInFlight, maxProbesPerSecond)");
    }

    /** The same with the caller's words for running fewer probes (a command-line tool names its flag). */
    public static String gaveUp(ErrnoCause cause, String fewerProbes) {
        return whatRanOut(cause) + LASTED + fewerProbes + ", or " + systemRemedy(cause);
    }

    /** Whether {@code e} is the engine's end of a probe after a lasting shortage ({@link #gaveUp}). */
    public static boolean isGaveUp(io.pathprobe.core.ProbeOutcome.LocalError e) {
        return isShortage(e.cause()) && e.message().contains(LASTED);
    }

    /** This process's soft limit on open files (RLIMIT_NOFILE) from /proc/self/limits, or -1 when unknown. */
    public static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(f[0]) ? -1 : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the message then names the limit without its value
        }
        return -1;
    }
}
