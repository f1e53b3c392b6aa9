package io.pathprobe.mtr;

import io.pathprobe.core.AddressText;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of addresses from a hosts file, as the system's resolver reads it before DNS ({@code files} first in
 * nsswitch): the first line naming an address gives its canonical name (the line's first name). mtr resolves hops
 * with getnameinfo, so {@code 127.0.0.1} shows as {@code localhost} there, without a query.
 *
 * <p>Read once; at most {@link #MAX_BYTES} of the file and {@link #MAX_ENTRIES} addresses; a name that is not a host
 * name ({@link HopNames#isHostName}) is left out, as a PTR answer would be. An unreadable file gives no names.
 */
final class HostsFile {
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_ENTRIES = 10_000;

    private HostsFile() {
    }

    /** The file the JDK's resolver reads too: {@code jdk.net.hosts.file} when set, else {@code /etc/hosts}. */
    static Path platform() {
        String p = System.getProperty("jdk.net.hosts.file");
        return Path.of(p != null && !p.isEmpty() ? p : "/etc/hosts");
    }

    static Map<InetAddress, String> read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    static Map<InetAddress, String> parse(String text) {
        Map<InetAddress, String> names = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("[ \t]+");
            if (f.length < 2) {
                continue;
            }
            InetAddress a = AddressText.parse(f[0]);
            if (a == null || names.containsKey(a) || !HopNames.isHostName(f[1])) {
                continue;
            }
            names.put(a, f[1]);
            if (names.size() >= MAX_ENTRIES) {
                break;
            }
        }
        return Map.copyOf(names);
    }
}
