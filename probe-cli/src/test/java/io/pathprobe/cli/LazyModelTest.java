package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run builds only the model of the subcommand it runs ({@link Main#invoked}); what the user sees must be the same
 * as with every subcommand in the model: help, inherited options and errors.
 */
class LazyModelTest {
    @Test
    void theInvokedSubcommandIsTheFirstWordThatIsNotAnOption() {
        assertEquals(PingCommand.class, Main.invoked(new String[] {"ping", "-c", "1", "127.0.0.1"}));
        assertEquals(MtrCommand.class, Main.invoked(new String[] {"--debug", "mtr", "-r", "127.0.0.1"}));
        assertEquals(TcpCommand.class, Main.invoked(new String[] {"tcp", "ping"}));
        assertNull(Main.invoked(new String[] {}), "no subcommand: the usage lists them all");
        assertNull(Main.invoked(new String[] {"--version"}));
        assertNull(Main.invoked(new String[] {"help", "ping"}), "help needs the command it describes");
        assertNull(Main.invoked(new String[] {"pnig", "127.0.0.1"}), "an unknown name: picocli's error lists them");
    }

    @Test
    void theNativeWarmUpStartsForAnyFirstWordButHelp() {
        assertTrue(Main.mayProbe(new String[] {"tcp", "-p", "1-65535", "-c", "1", "127.0.0.1"}));
        assertTrue(Main.mayProbe(new String[] {"--debug", "ping", "127.0.0.1"}));
        assertTrue(Main.mayProbe(new String[] {"pnig", "127.0.0.1"}), "decided before the names are read");
        assertFalse(Main.mayProbe(new String[] {}));
        assertFalse(Main.mayProbe(new String[] {"--version"}));
        assertFalse(Main.mayProbe(new String[] {"help", "tcp"}));
    }

    @Test
    void aRunWithOneSubcommandPrintsWhatTheFullModelPrints() {
        String[][] runs = {
            {"ping", "--help"},
            {"--debug", "tcp", "--help"},
            {"mtr", "--no-such-option", "127.0.0.1"},
            {"ping", "-c", "zero", "127.0.0.1"},
            {"tcp", "-p", "1", "-c", "0", "127.0.0.1"},
            {"ticket", "--help"},
            {"hostcheck", "--help"},
        };
        for (String[] run : runs) {
            Cli lazy = Cli.run(run);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine full = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
            int code = full.execute(run);
            String what = String.join(" ", run);
            assertEquals(code, lazy.code(), what);
            assertEquals(out.toString(), lazy.out(), what);
            assertEquals(err.toString(), lazy.err(), what);
        }
    }
}
