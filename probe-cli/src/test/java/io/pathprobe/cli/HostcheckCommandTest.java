package io.pathprobe.cli;

import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;
import io.pathprobe.ticket.hostcheck.RpFilterSetting;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code pathprobe hostcheck} on this host's real /proc: the output's shape and the exit status it implies. */
class HostcheckCommandTest {
    @Test
    void textReportListsEveryInterfaceAndExitMatchesFindings() throws IOException {
        Cli r = Cli.run("hostcheck");
        assertEquals("", r.err());
        HostCheckReport now = HostChecks.check(List.of());
        assertEquals(now.rpFilterOn() ? 1 : 0, r.code(), r.out());
        List<String> lines = r.outLines();
        assertTrue(lines.get(0).startsWith("hostcheck on "), lines.get(0));
        assertEquals("", lines.get(1));
        assertTrue(lines.get(2).startsWith("rp_filter (0 off, 1 strict, 2 loose"), lines.get(2));
        // One line per entry of /proc/sys/net/ipv4/conf (all, default, every interface), in the report's order.
        List<String> names = interfaces();
        for (String n : names) {
            assertTrue(lines.stream().anyMatch(l -> l.matches("  " + java.util.regex.Pattern.quote(n) + " +[012] .*")),
                    n + " listed: " + r.out());
        }
        assertTrue(lines.contains(now.rpFilterOn() ? "Fix:" : "Reverse-path filtering is off on every interface."
                + (now.sysctlConfLines().isEmpty() ? "" : " (but 'default' is on: interfaces added later will filter).")),
                r.out());
    }

    @Test
    void jsonIsAHostcheckReportOfThisHost() throws IOException {
        Cli r = Cli.run("hostcheck", "--json");
        assertEquals("", r.err());
        Path f = Files.createTempFile("hostcheck", ".json");
        try {
            Files.writeString(f, r.out());
            HostCheckReport rep = ResultsJson.readHostCheck(f);
            assertEquals(rep.rpFilterOn() ? 1 : 0, r.code());
            List<String> names = rep.rpFilter().stream().map(RpFilterSetting::name).toList();
            assertEquals(List.of("all", "default"), names.subList(0, 2));
            assertEquals(interfaces().stream().sorted().toList(), names.stream().sorted().toList());
        } finally {
            Files.delete(f);
        }
    }

    /** Loopback is an address of every host: given as a backend, it is found here (cause 3's evidence), exit 1. */
    @Test
    void backendOnThisHostIsAFinding() {
        Cli r = Cli.run("hostcheck", "--backends", "127.0.0.1");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("\nThis host IS backend 127.0.0.1."), r.out());
    }

    @Test
    void backendElsewhereIsNot() throws IOException {
        InetAddress doc = InetAddress.getByName("198.51.100.77");
        assumeTrue(NetworkInterface.getByInetAddress(doc) == null, "198.51.100.77 is configured here");
        Cli r = Cli.run("hostcheck", "--backends", "198.51.100.77");
        assertEquals(HostChecks.check(List.of()).rpFilterOn() ? 1 : 0, r.code(), r.out());
        assertTrue(r.out().contains("\nNone of the backends is this host.\n"), r.out());
    }

    /** all, default and every interface: what /proc/sys/net/ipv4/conf lists. */
    private static List<String> interfaces() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/sys/net/ipv4/conf"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
