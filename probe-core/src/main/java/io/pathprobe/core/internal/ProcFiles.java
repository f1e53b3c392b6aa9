package io.pathprobe.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading {@code /proc/sys} files whole. */
public final class ProcFiles {
    private static final int MAX = 4096;

    private ProcFiles() {
    }

    /**
     * The text of a sysctl file in one {@code read(2)} from offset 0, tabs made spaces, trimmed (e.g. "1 0" for
     * {@code net.ipv4.ping_group_range}). The kernel's integer handlers answer a read at any later offset with end
     * of file, so {@link Files#readString} (which reads a file of size 0 a byte first) sees only "1".
     */
    public static String readSysctl(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[MAX];
            int n = in.read(b, 0, MAX);
            return n <= 0 ? "" : new String(b, 0, n, StandardCharsets.US_ASCII).trim().replace('\t', ' ');
        }
    }
}
