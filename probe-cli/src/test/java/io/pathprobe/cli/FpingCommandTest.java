package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.nativeio.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code pathprobe fping}'s exit statuses and errors, and its JSON and -f against loopback (root for raw ICMP). */
@Timeout(60)
class FpingCommandTest {
    /** fping's status 3, nothing on stdout, one line on stderr naming the problem. */
    private static void assertInvalid(Cli r, String expected) {
        assertEquals(FpingCommand.INVALID_ARGS, r.code(), () -> "exit status; stderr: " + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().split("\n").length, () -> "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertTrue(r.err().contains(expected), () -> expected + " in: " + r.err());
    }

    @Test
    void badArgumentsExitWithFpingsStatus3() {
        assertInvalid(Cli.run("fping", "-x"), "Unknown option: '-x'");
        assertInvalid(Cli.run("fping", "-c", "many", "127.0.0.1"), "'many'");
        assertInvalid(Cli.run("fping", "-a", "-u", "127.0.0.1"), "specify only one of them");
        assertInvalid(Cli.run("fping", "-c", "2", "-C", "2", "127.0.0.1"), "specify only one of them");
        assertInvalid(Cli.run("fping", "-c", "0", "127.0.0.1"), "-c 0 must be at least 1");
        assertInvalid(Cli.run("fping"), "no targets");
        assertInvalid(Cli.run("fping", "-g", "10.0.0.9", "10.0.0.1"), "the last address comes before the first");
        assertInvalid(Cli.run("fping", "-f", "/nonexistent/targets"), "-f /nonexistent/targets: no such file");
        assertInvalid(Cli.run("fping", "-H", "0", "127.0.0.1"), "-H 0 is out of range");
        assertInvalid(Cli.run("fping", "-b", "70000", "127.0.0.1"), "-b 70000 is out of range: give 0 to 65507");
        assertInvalid(Cli.run("fping", "-S", "192.0.2.99", "127.0.0.1"), "-S 192.0.2.99 is not an address of this host");
        assertInvalid(Cli.run("fping", "-I", "nosuch0", "127.0.0.1"), "-I: no interface named 'nosuch0'");
    }

    @Test
    void aLineOfAProbeThatEndedAfterALaterOneCountsTheLatersSend() {
        FpingCommand.Account a = new FpingCommand.Account("10.0.0.1", 0);
        assertEquals(1, a.sentBy(1));
        assertEquals(6, a.sentBy(6)); // probe 6 ended first, on the other event loop
        a.received = 6;
        assertEquals(6, a.sentBy(5), "probe 5's line: 6 sent, 6 received, 0% loss, not -20%");
        assertEquals(0, FpingFormat.loss(a.sentBy(5), a.received));
    }

    @Test
    void onlyUnknownHostsExitWith2() {
        Cli r = Cli.run("fping", "no-such-host.invalid");
        assertEquals(FpingCommand.UNKNOWN_HOST, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("no-such-host.invalid: Name or service not known\n", r.err());
    }

    @Test
    void jsonAndFileTargetsOnLoopback() throws Exception {
        assumeTrue(Privileges.isRoot(), "raw ICMP sockets need root (or CAP_NET_RAW): run the tests as root");
        Path f = Files.createTempFile("fping-targets", ".txt");
        try {
            Files.write(f, List.of("# loopback", "127.0.0.1", "", "127.0.0.2"));
            Cli r = Cli.run("fping", "-J", "-C", "3", "-p", "20", "-f", f.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err());
            JsonNode hosts = new ObjectMapper().readTree(r.out()).get("hosts");
            assertEquals(List.of("127.0.0.1", "127.0.0.2"), iterable(hosts.fieldNames()));
            for (JsonNode times : hosts) {
                assertEquals(3, times.size(), r.out());
                times.forEach(t -> assertTrue(t.isNumber(), r.out()));
            }
            Cli c = Cli.run("fping", "-J", "-c", "2", "-p", "20", "127.0.0.1");
            JsonNode h = new ObjectMapper().readTree(c.out()).get("hosts").get("127.0.0.1");
            assertEquals(2, h.get("xmt").asInt(), c.out());
            assertEquals(2, h.get("rcv").asInt(), c.out());
            assertEquals(0, h.get("loss_percentage").asInt(), c.out());
            assertTrue(h.get("min").asDouble() <= h.get("max").asDouble(), c.out());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
