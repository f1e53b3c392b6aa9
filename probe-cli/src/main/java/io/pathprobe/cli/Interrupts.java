package io.pathprobe.cli;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.intptr_t;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ctrl-C for a process that inherited SIGINT as ignored: a shell runs {@code pathprobe ping ... &} from a script
 * (job control off) with SIGINT set to SIG_IGN, and the JVM keeps an ignored SIGINT ignored, so {@code kill -INT}
 * did nothing. iputils ping installs its handler whatever it inherited; so does pathprobe: the disposition goes back
 * to the default, then the JVM's handler is installed, which exits with 130 through the shutdown hooks (the summaries
 * are printed, the bundle written) as an inherited SIGINT does.
 */
final class Interrupts {
    private static final int SIGINT = 2;
    private static final long SIG_DFL = 0;

    /** The one libc function needed, bound by jnr-ffi. */
    public interface Signals {
        @intptr_t long signal(int signum, @intptr_t long handler);
    }

    private Interrupts() {
    }

    /** Makes SIGINT end the process as usual if it was inherited as ignored; otherwise does nothing. */
    static void handleSigintEvenIfInheritedIgnored() {
        try {
            if (!ignored(Path.of("/proc/self/status"), SIGINT)) {
                return;
            }
            LibraryLoader.create(Signals.class).load("c").signal(SIGINT, SIG_DFL);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> System.exit(128 + SIGINT));
        } catch (IOException | RuntimeException | LinkageError e) {
            // Not Linux, or no libc binding: SIGINT stays as inherited; SIGTERM still ends the run cleanly.
        }
    }

    /** Whether {@code signal} is in the SigIgn mask of a /proc status file. */
    static boolean ignored(Path status, int signal) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }
}
