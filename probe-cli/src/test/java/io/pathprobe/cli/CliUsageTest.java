package io.pathprobe.cli;

import io.pathprobe.core.Probers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input is one line on stderr and exit 2, found before anything is sent. These inputs fail before a prober is
 * needed, so no packet leaves (the targets are documentation addresses that are never probed).
 */
class CliUsageTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp --frob 192.0.2.1:80               | Unknown option: '--frob'; see 'pathprobe tcp --help'",
        "tcp                                   | Missing required parameter",
        "tcp 192.0.2.1:80-                     | port range '80-' needs both ends",
        "tcp 192.0.2.1:90-80                   | port range '90-80' runs backwards",
        "tcp 192.0.2.1:abc                     | 'abc' is not a port",
        "tcp 192.0.2.1:0                       | port 0 is out of range: use 1 to 65535",
        "tcp 192.0.2.1:65536                   | port 65536 is out of range: use 1 to 65535",
        "tcp -p 80,,443 192.0.2.1              | --port: empty entry in port list",
        "tcp -p 70000 192.0.2.1                | --port: port 70000 is out of range",
        "tcp 192.0.2.1                         | target '192.0.2.1' has no port: write HOST:PORT",
        "tcp [192.0.2.1]:80                    | brackets are only for IPv6",
        "tcp -c 0 192.0.2.1:80                 | --count 0 must be at least 1: use -t",
        "tcp -c -3 192.0.2.1:80                | --count -3 must be at least 1",
        "tcp -c abc 192.0.2.1:80               | --count 'abc' is not a whole number",
        "tcp -c 1.5 192.0.2.1:80               | --count '1.5' is not a whole number",
        "tcp --rate x 192.0.2.1:80             | --rate 'x' is not a whole number",
        "tcp -i 0.2 -i                         | Missing required parameter for option '--interval'",
        "tcp -c 3 -t 192.0.2.1:80              | --count and --continuous contradict each other",
        "tcp -i 0 192.0.2.1:80                 | --interval must be more than 0",
        "tcp -i -1 192.0.2.1:80                | --interval: '-1' is negative",
        "tcp -i abc 192.0.2.1:80               | --interval: 'abc' is not a duration",
        "tcp -w 0 192.0.2.1:80                 | --deadline must be more than 0",
        "tcp --timeout 0 192.0.2.1:80          | --timeout must be more than 0",
        "tcp --rate 0 192.0.2.1:80             | --rate 0 must be at least 1",
        "tcp -4 -6 192.0.2.1:80                | -4 and -6 contradict each other",
        "tcp --source 192.0.2.99 192.0.2.1:80  | --source 192.0.2.99 is not an address of this host",
        "tcp --source nohost 192.0.2.1:80      | --source 'nohost' is not an IP address",
        "tcp --interface nosuch0 192.0.2.1:80  | --interface: no interface named 'nosuch0'",
        "tcp --interface a/b 192.0.2.1:80      | --interface: interface name 'a/b' is not valid",
        "frob                                  | Unmatched argument at index 0: 'frob'",
    })
    void badInputIsOneLineAndExit2(String args, String expected) {
        Cli.run(args.trim().split("\\s+")).assertUsageError(expected.trim());
    }

    @Test
    void noCommandShowsUsageOnStderr() {
        Cli r = Cli.run();
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("Usage: pathprobe"), r.err());
        assertTrue(r.err().contains("tcp"), r.err());
    }

    @Test
    void helpAndVersionExitZero() {
        Cli help = Cli.run("tcp", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("HOST[:PORTS]"), help.out());
        Cli version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("pathprobe " + Main.version() + "\n"), version.out());
        assertTrue(Main.version().matches("\\d+\\.\\d+\\.\\d+.*"), "a filtered version, not a placeholder: " + Main.version());
    }

    @Test
    void probersListsEveryKindFoundWithItsAvailability() {
        Probers probers = Probers.load();
        Cli r = Cli.run("probers");
        assertEquals("", r.err());
        if (probers.kinds().isEmpty()) {
            assertEquals(1, r.code());
            assertTrue(r.out().startsWith("no probers found"), r.out());
            return;
        }
        assertEquals(0, r.code());
        for (String kind : probers.kinds()) {
            var a = probers.get(kind).availability();
            assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith(kind + " ")
                    && l.contains(a.available() ? " available " : " unavailable ")), kind + " listed: " + r.out());
            if (!a.available()) {
                assertTrue(r.out().contains(a.message()), "unavailable " + kind + " says why: " + r.out());
            }
        }
    }
}
