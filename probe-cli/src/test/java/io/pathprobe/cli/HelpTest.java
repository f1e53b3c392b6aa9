package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --help} of every command prints its usage and nothing else: picocli reports a description it cannot format
 * (an unescaped {@code %}) as a "[picocli WARN]" line on {@link System#err}, not on the command's own stream, so both
 * are watched.
 */
class HelpTest {
    @Test
    void everyCommandsHelpIsCleanAndFormatsEveryOption() {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
                new ArrayList<>(), commands);
        assertTrue(commands.size() >= 8, "the tool and its subcommands: " + commands);
        PrintStream systemErr = System.err;
        for (List<String> path : commands) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            ByteArrayOutputStream stray = new ByteArrayOutputStream();
            Cli r;
            System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
            try {
                r = Cli.run(args.toArray(new String[0]));
            } finally {
                System.setErr(systemErr);
            }
            String strayText = stray.toString(StandardCharsets.UTF_8);
            assertEquals(0, r.code(), args + ": " + r.err() + strayText);
            assertEquals("", r.err(), args + " writes nothing on stderr");
            assertFalse(strayText.contains("WARN"), args + " makes picocli warn: " + strayText);
            assertTrue(r.out().startsWith("Usage: pathprobe"), args + ": " + r.out());
            assertFalse(r.out().contains("%%"), args + ": a % escaped twice: " + r.out());
            if (path.equals(List.of("mtr"))) {
                assertTrue(r.out().contains("loss%,"), "the --out text whole: " + r.out());
            }
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue; // 'help' takes a command name, not --help
            }
            path.add(e.getKey());
            collect(e.getValue(), path, into);
            path.remove(path.size() - 1);
        }
    }
}
