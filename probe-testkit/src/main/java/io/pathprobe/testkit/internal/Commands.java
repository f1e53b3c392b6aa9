package io.pathprobe.testkit.internal;

import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.NetLabException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands (ip, nft, ping...) with a time limit, capturing their output. */
public final class Commands {
    private Commands() {
    }

    /**
     * Runs {@code command}, feeding it {@code stdin} (may be null), and waits at most {@code timeout}.
     * A non-zero exit is returned, not thrown: callers decide (see {@link CommandResult#requireSuccess()}).
     *
     * @throws NetLabException when the command cannot be started or does not end in time (it is then killed)
     */
    public static CommandResult run(Duration timeout, String stdin, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            // Output goes to files so a chatty command can never block on a full pipe while we wait for it.
            out = Files.createTempFile("netlab-out", ".txt");
            err = Files.createTempFile("netlab-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new NetLabException("cannot run " + String.join(" ", command) + ": " + e.getMessage()
                        + " (is it installed and on the PATH?)", e);
            }
            if (stdin != null) {
                try (OutputStream os = p.getOutputStream()) {
                    os.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // The command exited before reading all of its input; its exit status and stderr tell why.
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new NetLabException("command did not finish within " + timeout.toMillis() + " ms, killed: "
                        + String.join(" ", command) + "\nstdout so far: " + Files.readString(out).strip());
            }
            return new CommandResult(command, p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new NetLabException("cannot capture the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetLabException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The executable {@code name} from the PATH, or from /usr/sbin or /sbin (where iproute2 and nft live). */
    public static java.util.Optional<Path> locate(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return java.util.Optional.of(Path.of(dir, name));
            }
        }
        return java.util.Optional.empty();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
