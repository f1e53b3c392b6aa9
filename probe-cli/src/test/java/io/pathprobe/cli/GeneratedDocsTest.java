package io.pathprobe.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The completion script and man pages that the build writes (GenerateDocs, in process-classes) cover every command
 * of the model Main runs: the list of commands comes from picocli, so a new subcommand is checked without an edit.
 */
class GeneratedDocsTest {
    private static final Path TARGET = Path.of("target");

    @Test
    void completionScriptOffersEverySubcommandOfEveryCommand() throws IOException {
        Path script = TARGET.resolve("completion/pathprobe_completion");
        assertTrue(Files.isRegularFile(script), script + " is written by the build (mvn process-classes)");
        String text = Files.readString(script);
        List<CommandLine> all = commands();
        assertTrue(all.size() > 1, "the model has subcommands: " + all.size());
        for (CommandLine c : all) {
            String function = "_picocli_" + c.getCommandSpec().qualifiedName("_");
            Matcher body = Pattern.compile("function " + Pattern.quote(function) + "\\(\\) \\{\\n(.*?)\\n}", Pattern.DOTALL)
                    .matcher(text);
            assertTrue(body.find(), () -> "no completion function " + function + " for '" + c.getCommandSpec().qualifiedName() + "'");
            Matcher commands = Pattern.compile("local commands=\"([^\"]*)\"").matcher(body.group(1));
            assertTrue(commands.find(), function + " lists its subcommands");
            Set<String> offered = new TreeSet<>(Arrays.asList(commands.group(1).split(" ")));
            offered.remove("");
            // At least its subcommands ('help' offers its siblings too: it takes a command's name).
            Set<String> missing = new TreeSet<>(c.getSubcommands().keySet());
            missing.removeAll(offered);
            assertEquals(Set.of(), missing,
                    () -> "subcommands not completed after '" + c.getCommandSpec().qualifiedName() + "'");
        }
    }

    @Test
    void everyCommandHasAManPage() throws IOException {
        for (CommandLine c : commands()) {
            Path page = TARGET.resolve("man/" + c.getCommandSpec().qualifiedName("-") + ".adoc");
            assertTrue(Files.isRegularFile(page), () -> page + " is written by the build (mvn process-classes)");
            assertTrue(Files.readString(page).contains(c.getCommandSpec().qualifiedName()),
                    () -> page + " names its command");
        }
    }

    @Test
    void everyCommandHasATroffManPageWhereAsciidoctorIsInstalled() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/asciidoctor")),
                "asciidoctor is not installed: the build writes the AsciiDoc pages only");
        for (CommandLine c : commands()) {
            String name = c.getCommandSpec().qualifiedName("-");
            Path page = TARGET.resolve("man/" + name + ".1");
            assertTrue(Files.isRegularFile(page), () -> page + " is written by the build (mvn process-classes)");
            assertTrue(Files.readString(page).contains(".TH \"" + name.toUpperCase(Locale.ROOT).replace("-", "\\-") + "\" \"1\""),
                    () -> page + " is a troff page of section 1 named " + name);
        }
    }

    /** Main's command and all its subcommands, depth first, each once (an alias maps to the same command). */
    private static List<CommandLine> commands() {
        List<CommandLine> out = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), out);
        return out;
    }

    private static void collect(CommandLine c, List<CommandLine> out) {
        if (c.getCommandSpec().usageMessage().hidden() || out.stream().anyMatch(o -> o.getCommandSpec() == c.getCommandSpec())) {
            return;
        }
        out.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, out));
    }
}
