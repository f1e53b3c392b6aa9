package io.pathprobe.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names as each command resolves them, through core's one resolver: the same words and exit codes as before it,
 * for every command, and one line for names no resolver could take. Names come from the tests' hosts file (see the
 * pom); nothing resolves, so nothing is sent.
 */
class HostNamesCliTest {
    private static final String NO_V4 = "host 'v6only.test' has no IPv4 address (it has ::1): leave out -4/-6, or"
            + " give another host\n";
    private static final String UNKNOWN = "cannot resolve host 'no-such-host.invalid' (Name or service not known):"
            + " check the name, or give an IP address\n";

    @Test
    void theOtherFamilyOnlyIsTheSameErrorInEveryCommand() {
        for (String[] args : new String[][] {{"ping", "-4", "-c", "1", "v6only.test"},
                {"tcp", "-4", "-c", "1", "v6only.test:80"}, {"mtr", "-r", "-c", "1", "-4", "v6only.test"}}) {
            Cli r = Cli.run(args);
            r.assertUsageError("has no IPv4 address");
            assertTrue(r.err().endsWith(NO_V4), args[0] + ": " + r.err());
        }
    }

    @Test
    void anUnknownNameIsTheSameErrorInEveryCommandAndFpingsOwnLine() {
        for (String[] args : new String[][] {{"ping", "-c", "1", "no-such-host.invalid"},
                {"tcp", "-c", "1", "no-such-host.invalid:80"}, {"mtr", "-r", "-c", "1", "no-such-host.invalid"}}) {
            Cli r = Cli.run(args);
            r.assertUsageError("cannot resolve host");
            assertTrue(r.err().endsWith(UNKNOWN), args[0] + ": " + r.err());
        }
        Cli f = Cli.run("fping", "no-such-host.invalid");
        assertEquals(FpingCommand.UNKNOWN_HOST, f.code());
        assertEquals("no-such-host.invalid: Name or service not known\n", f.err());
    }

    @Test
    void aNulOrAHugeNameIsOneLineWithoutALookup() {
        String huge = "a".repeat(300);
        for (String cmd : new String[] {"ping", "mtr"}) {
            Cli nul = cmd.equals("mtr") ? Cli.run(cmd, "-r", "-c", "1", "localhost\0.example")
                    : Cli.run(cmd, "-c", "1", "localhost\0.example");
            nul.assertUsageError("host 'localhost\\u0000.example' cannot be resolved (it contains a NUL character):"
                    + " give a DNS name or an IP address");
            Cli big = cmd.equals("mtr") ? Cli.run(cmd, "-r", "-c", "1", huge) : Cli.run(cmd, "-c", "1", huge);
            big.assertUsageError("(300 characters, more than the 253 of a DNS name)");
            assertTrue(big.err().length() < 250, "the name is cut: " + big.err());
        }
        Cli f = Cli.run("fping", huge);
        assertEquals(FpingCommand.UNKNOWN_HOST, f.code());
        assertEquals(huge + ": 300 characters, more than the 253 of a DNS name\n", f.err());
    }
}
