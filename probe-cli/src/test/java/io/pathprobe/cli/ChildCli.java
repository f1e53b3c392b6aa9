package io.pathprobe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs {@link Main} in a child JVM: this JVM's java and class path, hosts file and options. */
final class ChildCli {
    private ChildCli() {
    }

    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** The same with {@code jvmOptions} (e.g. a heap limit for labs that run several). */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(jvmOptions);
        cmd.add("-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
