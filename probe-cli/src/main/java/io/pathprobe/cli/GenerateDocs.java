package io.pathprobe.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build time only (probe-cli's pom runs it before the tests; picocli-codegen is not in the shipped jar): writes the
 * shell completion script and the man pages of the command line that {@link Main} runs, so they cannot drift from it.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    /** {@code GenerateDocs TARGET_DIR}: writes TARGET_DIR/completion/pathprobe_completion and TARGET_DIR/man/*.adoc. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("give one argument, the directory to write completion/ and man/ into");
        }
        Path target = Path.of(args[0]);
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        // The version line only: --version's other lines describe the machine it runs on (and load Netty's native
        // library, which JDK 24+ warns about inside Maven).
        cl.getCommandSpec().versionProvider(() -> new String[] {"pathprobe " + Main.version()});
        String name = cl.getCommandName();

        Path completion = Files.createDirectories(target.resolve("completion")).resolve(name + "_completion");
        Files.writeString(completion, AutoComplete.bash(name, cl));

        File man = Files.createDirectories(target.resolve("man")).toFile();
        int status = ManPageGenerator.generateManPage(man, null, new boolean[0], true, cl.getCommandSpec());
        if (status != 0) {
            throw new IOException("picocli's ManPageGenerator ended with status " + status + " writing " + man);
        }
    }
}
