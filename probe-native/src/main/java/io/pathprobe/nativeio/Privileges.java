package io.pathprobe.nativeio;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** What this process may do: whether it runs as root (raw sockets, network namespaces, nftables). */
public final class Privileges {
    private static final POSIX POSIX_API = POSIXFactory.getNativePOSIX();

    private Privileges() {
    }

    /** The effective user id. */
    public static int effectiveUid() {
        return POSIX_API.geteuid();
    }

    /** Whether the effective user is root. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }
}
