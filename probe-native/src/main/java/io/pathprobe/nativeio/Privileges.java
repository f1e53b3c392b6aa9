package io.pathprobe.nativeio;

import jnr.posix.POSIXFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this process may do: whether it runs as root (raw sockets, network namespaces, nftables). */
public final class Privileges {
    private Privileges() {
    }

    /**
     * The effective user id: from /proc/self/status where there is one (a file read, where binding jnr-posix for
     * geteuid() loads and generates hundreds of classes: tens of milliseconds at every command's start), else
     * geteuid().
     */
    public static int effectiveUid() {
        int uid = procEffectiveUid(Path.of("/proc/self/status"));
        return uid >= 0 ? uid : POSIXFactory.getNativePOSIX().geteuid();
    }

    /** Whether the effective user is root. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /**
     * The second number of the {@code Uid:} line of a Linux {@code /proc/PID/status} file (real, effective, saved,
     * file-system ids), or -1 when the file or the line is missing or not as expected.
     */
    static int procEffectiveUid(Path status) {
        String text;
        try {
            text = Files.readString(status, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return -1; // not Linux, or no /proc here
        }
        int line = text.startsWith("Uid:") ? 0 : text.indexOf("\nUid:") + 1; // 0: not there
        if (line == 0 && !text.startsWith("Uid:")) {
            return -1;
        }
        int end = text.indexOf('\n', line);
        String[] ids = text.substring(line + 4, end < 0 ? text.length() : end).trim().split("\\s+");
        if (ids.length < 2) {
            return -1;
        }
        try {
            return Integer.parseInt(ids[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
