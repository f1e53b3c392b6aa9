package io.pathprobe.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs this build's {@link Main} as an ordinary user (uid/gid 65534, no capabilities, via {@code setpriv}). The
 * child JVM cannot read the build's class path under /root, so it is copied to a world-readable temporary
 * directory first; {@link #close()} deletes the copy.
 */
final class Nobody implements AutoCloseable {
    private final Path copy;
    private final String classPath;

    Nobody() throws IOException {
        copy = Files.createTempDirectory("pathprobe-cp");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = copy.resolve(i++ + "-" + from.getFileName());
            try (Stream<Path> tree = Files.walk(from)) {
                for (Path p : (Iterable<Path>) tree::iterator) {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                }
            }
            entries.add(to.toString());
        }
        classPath = String.join(File.pathSeparator, entries);
        try (Stream<Path> tree = Files.walk(copy)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                p.toFile().setReadable(true, false);
                p.toFile().setExecutable(Files.isDirectory(p), false);
            }
        }
    }

    /** The command line running {@code pathprobe ARGS} as uid/gid 65534 with no capabilities. */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-Duser.home=/tmp", "-cp", classPath, Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> tree = Files.walk(copy)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
