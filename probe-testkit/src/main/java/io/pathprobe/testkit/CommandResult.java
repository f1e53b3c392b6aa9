package io.pathprobe.testkit;

import java.util.List;

/**
 * What a command run by the lab did: its exit code and output.
 *
 * @param command  the command line, one element per argument
 * @param exitCode the exit status
 * @param stdout   standard output (UTF-8)
 * @param stderr   standard error (UTF-8)
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    /** Whether the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** The command line as one string, arguments separated by spaces (for messages). */
    public String commandLine() {
        return String.join(" ", command);
    }

    /**
     * This result, if the command succeeded.
     *
     * @throws NetLabException naming the command line, exit code, stderr and stdout otherwise
     */
    public CommandResult requireSuccess() {
        if (!ok()) {
            throw new NetLabException("command failed (exit " + exitCode + "): " + commandLine()
                    + (stderr.isBlank() ? "" : "\nstderr: " + stderr.strip())
                    + (stdout.isBlank() ? "" : "\nstdout: " + stdout.strip()));
        }
        return this;
    }
}
