package io.pathprobe.core.internal;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** What this process may do: root, raw sockets. */
public final class Privileges {
    private static final POSIX POSIX_API = POSIXFactory.getNativePOSIX();

    private Privileges() {
    }

    /** The jnr-posix binding shared by the project (geteuid, strerror, ...). */
    public static POSIX posix() {
        return POSIX_API;
    }

    /** Whether the effective user is root. */
    public static boolean isRoot() {
        return POSIX_API.geteuid() == 0;
    }
}
