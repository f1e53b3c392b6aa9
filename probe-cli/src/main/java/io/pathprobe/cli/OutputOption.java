package io.pathprobe.cli;

import io.pathprobe.core.io.OutputDirectory;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code --out DIR} of the commands that write files: checked (and created) before anything is measured. */
final class OutputOption {
    private OutputOption() {
    }

    /**
     * {@code dir}, created if missing, after {@link OutputDirectory}'s checks (not another user's, not writable by
     * others, not reached through someone else's link).
     *
     * @throws UsageException naming {@code option}, what is wrong and what to do
     */
    static Path check(String option, Path dir) {
        nonEmpty(option, dir);
        try {
            OutputDirectory.open(dir).close();
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** {@code dir}, unless empty: picocli turns {@code --out ''} into the empty path, the working directory. */
    static Path nonEmpty(String option, Path dir) {
        if (dir.toString().isBlank()) {
            throw new UsageException(option + " is empty: give a directory name (" + option + " . for this one)");
        }
        return dir;
    }

    /**
     * A builder's refusal in the option's terms when it is about the directory ({@link OutputDirectory#check} keeps
     * the I/O problem as the cause); other refusals as they are.
     */
    static RuntimeException translate(String option, IllegalArgumentException e) {
        return e.getCause() instanceof IOException ? new UsageException(option + ": " + e.getMessage(), e) : e;
    }

    /** Writes {@code text} to {@code name} in {@code dir} whole (temporary file, then rename), never through a link. */
    static void write(String option, Path dir, String name, String text) {
        try (OutputDirectory out = OutputDirectory.open(dir)) {
            out.writeAtomically(name, text);
        } catch (IOException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
    }
}
