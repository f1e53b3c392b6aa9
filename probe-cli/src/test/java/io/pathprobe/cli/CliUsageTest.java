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
        "tcp --frob 127.0.0.9:80               | Unknown option: '--frob'; see 'pathprobe tcp --help'",
        "tcp                                   | Missing required parameter",
        "tcp 127.0.0.9:80-                     | port range '80-' needs both ends",
        "tcp 127.0.0.9:90-80                   | port range '90-80' runs backwards",
        "tcp 127.0.0.9:abc                     | 'abc' is not a port",
        "tcp 127.0.0.9:0                       | port 0 is out of range: use 1 to 65535",
        "tcp 127.0.0.9:65536                   | port 65536 is out of range: use 1 to 65535",
        "tcp -p 80,,443 127.0.0.9              | --port: empty entry in port list",
        "tcp -p 70000 127.0.0.9                | --port: port 70000 is out of range",
        "tcp 127.0.0.9                         | target '127.0.0.9' has no port: write HOST:PORT",
        "tcp [127.0.0.9]:80                    | brackets are only for IPv6",
        "tcp -c 0 127.0.0.9:80                 | --count 0 must be at least 1: use -t",
        "tcp -c -3 127.0.0.9:80                | --count -3 must be at least 1",
        "tcp -c abc 127.0.0.9:80               | --count 'abc' is not a whole number",
        "tcp -c 1.5 127.0.0.9:80               | --count '1.5' is not a whole number",
        "tcp --rate x 127.0.0.9:80             | --rate 'x' is not a whole number",
        "tcp -i 0.2 -i                         | Missing required parameter for option '--interval'",
        "tcp -c 3 -t 127.0.0.9:80              | --count and --continuous contradict each other",
        "tcp -i 0 127.0.0.9:80                 | --interval must be more than 0",
        "tcp -i -1 127.0.0.9:80                | --interval: '-1' is negative",
        "tcp -i abc 127.0.0.9:80               | --interval: 'abc' is not a duration",
        "tcp -w 0 127.0.0.9:80                 | --deadline must be more than 0",
        "tcp --timeout 0 127.0.0.9:80          | --timeout must be more than 0",
        "tcp --rate 0 127.0.0.9:80             | --rate 0 must be at least 1",
        "tcp -4 -6 127.0.0.9:80                | -4 and -6 contradict each other",
        "tcp --source 192.0.2.99 127.0.0.9:80  | --source 192.0.2.99 is not an address of this host",
        "tcp --source nohost 127.0.0.9:80      | --source 'nohost' is not an IP address",
        "tcp --interface nosuch0 127.0.0.9:80  | --interface: no interface named 'nosuch0'",
        "tcp --interface a/b 127.0.0.9:80      | --interface: interface name 'a/b' is not valid",
        "ping                                  | Missing required parameter",
        "ping 127.0.0.9:80                     | ping takes no port",
        "ping 10.0.0.0/8                       | more than --max-targets 65536",
        "ping --max-targets 300 127.0.2.0/23   | more than --max-targets 300",
        "ping --max-targets 0 127.0.0.9        | --max-targets 0 must be at least 1",
        "ping --max-targets 99999999999 0.0.0.0/0 | --max-targets 99999999999 is more than 1048576 (a /12)",
        "ping --max-targets 1048577 127.0.0.9  | --max-targets 1048577 is more than 1048576",
        "ping 0.0.0.0/0                        | brings the targets to 4294967294, more than --max-targets 65536",
        "ping --max-targets 1048576 0.0.0.0/1  | brings the targets to 2147483646, more than --max-targets 1048576",
        "ping --max-targets 1048576 0.0.0.0/0  | brings the targets to 4294967294, more than --max-targets 1048576",
        "ping ::/0                             | IPv6 ranges are not supported",
        "ping 0::/1                            | IPv6 ranges are not supported",
        "ping 192.0.2.0/33                     | is not an IPv4 range in CIDR notation",
        "ping fd00::/64                        | IPv6 ranges are not supported",
        "ping -c 0 127.0.0.9                   | --count 0 must be at least 1: leave -c out",
        "ping -t 0 127.0.0.9                   | --ttl 0 is out of range: give 1 to 255",
        "ping -t 256 127.0.0.9                 | --ttl 256 is out of range: give 1 to 255",
        "ping -t x 127.0.0.9                   | --ttl 'x' is not a whole number",
        "ping -s 65508 127.0.0.9               | --size 65508 is out of range: give 0 to 65507",
        "ping -Q 0x100 127.0.0.9               | --tos 256 is out of range: give 0 to 255",
        "ping -p zz 127.0.0.9                  | patterns must be specified as hex digits: zz",
        "ping -p 12x4 127.0.0.9                | patterns must be specified as hex digits: x4",
        "ping --socket foo 127.0.0.9           | --socket 'foo' is not a socket mode",
        "ping -W 0 127.0.0.9                   | --timeout must be more than 0",
        "ping -i abc 127.0.0.9                 | --interval: 'abc' is not a duration",
        "ping -I 192.0.2.99 127.0.0.9          | -I 192.0.2.99 is not an address of this host",
        "ping -I nosuch0 127.0.0.9             | -I: no interface named 'nosuch0'",
        "ping -I lo --interface lo 127.0.0.9   | -I and --interface say the same thing",
        "ping -I 127.0.0.1 --source 127.0.0.1 127.0.0.9 | -I and --source say the same thing",
        "ping -4 ::1                           | host '::1' has no IPv4 address",
        "mtr                                   | no target: give HOST, or -F FILE",
        "mtr -F /nonexistent/hosts             | -F /nonexistent/hosts: no such file",
        "mtr -p 127.0.0.9                      | -p (split output) is not available",
        "mtr -e 127.0.0.9                      | -e is not available: pathprobe does not read the ICMP extensions",
        "mtr -S 127.0.0.9                      | -S (SCTP) is not available: pathprobe has no SCTP prober",
        "mtr -B 5 127.0.0.9                    | -B is not available",
        "mtr -G 1 127.0.0.9                    | -G is not available: each probe waits its own timeout",
        "mtr -M 7 127.0.0.9                    | -M is not available: pathprobe sets no SO_MARK",
        "mtr -U 3 127.0.0.9                    | -U is not available: every TTL up to the destination",
        "mtr -a 192.0.2.99 127.0.0.9           | -a 192.0.2.99 is not an address of this host",
        "mtr -I nosuch0 127.0.0.9              | -I: no interface named 'nosuch0'",
        "mtr -a 127.0.0.1 --source 127.0.0.1 127.0.0.9 | -a and --source say the same thing",
        "mtr --tcp --udp 127.0.0.9             | --tcp and --udp contradict each other",
        "mtr -c 0 127.0.0.9                    | -c 0 must be at least 1 (or 0 with --duration)",
        "mtr -c x 127.0.0.9                    | --report-cycles 'x' is not a whole number",
        "mtr -m 300 127.0.0.9                  | max TTL 300 is out of range: use 1 to 255",
        "mtr -f 5 -m 4 127.0.0.9               | first TTL 5 is above max TTL 4",
        "mtr -P 80 127.0.0.9                   | -P 80 needs --tcp or --udp",
        "mtr --paths 0 127.0.0.9               | paths 0 is out of range: use 1 to 64",
        "mtr -z 127.0.0.9                      | -z is not available: mtr looks AS numbers and IP information up on the internet",
        "mtr -y 1 127.0.0.9                    | -y is not available",
        "mtr -r --displaymode 1 127.0.0.9      | --displaymode 1 is for the live view",
        "mtr -t 127.0.0.9                      | -t needs a terminal for the live view, and stdout is not one",
        "mtr --source-port 9000 127.0.0.9      | --source-port applies to --udp only",
        "mtr --udp -s 36 127.0.0.9             | use -s 40 or more",
        "mtr --tcp --paths 4 127.0.0.9         | --paths 4 cannot be traced with --tcp: --tcp connects",
        "mtr -Z 0 127.0.0.9                    | --timeout must be more than 0",
        "mtr --snapshot 10s 127.0.0.9          | --snapshot 10s needs --out DIR",
        "mtr --out /tmp --snapshot 0 127.0.0.9 | --snapshot must be more than 0",
        "mtr --out /proc/pp-x 127.0.0.9        | --out: cannot create output directory /proc/pp-x",
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
