package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.nativeio.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pathprobe ping} run in this JVM with the real icmp prober against loopback. As root (the test's
 * premise) with this host's ping_group_range closed, AUTO takes a raw socket. Nothing asserts on time.
 */
@Tag("netns")
@Timeout(60)
class PingEndToEndTest {
    static final Pattern REPLY = Pattern.compile("(\\d+) bytes from (\\S+): icmp_seq=(\\d+) ttl=(\\d+) time=\\d+(\\.\\d+)? ms");

    @BeforeAll
    static void root() {
        assumeTrue(Privileges.isRoot(), "raw ICMP sockets need root (or CAP_NET_RAW): run the tests as root");
    }

    @Test
    void pingsLoopbackAsPingPrintsIt() {
        Cli r = Cli.run("ping", "-c", "3", "-i", "0.05", "127.0.0.1");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals("PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.", lines.get(0));
        for (int seq = 1; seq <= 3; seq++) {
            Matcher m = REPLY.matcher(lines.get(seq));
            assertTrue(m.matches(), lines.get(seq));
            assertEquals("64", m.group(1));
            assertEquals("127.0.0.1", m.group(2));
            assertEquals(String.valueOf(seq), m.group(3), "one request at a time, answered in order");
            assertEquals("64", m.group(4));
        }
        assertEquals("", lines.get(4));
        assertEquals("--- 127.0.0.1 ping statistics ---", lines.get(5));
        assertTrue(lines.get(6).matches("3 packets transmitted, 3 received, 0% packet loss, time \\d+ms"), lines.get(6));
        assertTrue(lines.get(7).matches("rtt min/avg/max/mdev = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms"),
                lines.get(7));
        assertEquals(8, lines.size(), r.out());
    }

    /**
     * The unspecified address means this host: Linux answers from loopback, and iputils prints
     * {@code PING 0.0.0.0 (127.0.0.1)} and the replies from 127.0.0.1 (for ::, from ::1).
     */
    @Test
    void theUnspecifiedAddressIsAnsweredFromLoopbackAsIputilsShows() {
        Cli r = Cli.run("ping", "-c", "2", "-i", "0.05", "0.0.0.0", "::");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.outLines();
        assertTrue(lines.contains("PING 0.0.0.0 (127.0.0.1) 56(84) bytes of data."), r.out());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("64 bytes from 127.0.0.1: icmp_seq=")).count(), r.out());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("64 bytes from ::1: icmp_seq=")).count(), r.out());
        for (String host : new String[] {"0.0.0.0", "::"}) {
            int i = lines.indexOf("--- " + host + " ping statistics ---");
            assertTrue(i > 0 && lines.get(i + 1).startsWith("2 packets transmitted, 2 received, 0% packet loss"),
                    host + ": " + r.out());
        }
    }

    /** As iputils: names only for a target given by name and without -n (names from the tests' hosts file). */
    @Test
    void responderNamesOnlyForANamedTargetWithoutN() {
        Cli named = Cli.run("ping", "-c", "1", "-4", "localhost");
        assertEquals(0, named.code(), named.err());
        assertTrue(named.outLines().get(1).startsWith("64 bytes from localhost (127.0.0.1): icmp_seq=1 "), named.out());
        Cli numeric = Cli.run("ping", "-c", "1", "-4", "-n", "localhost");
        assertTrue(numeric.outLines().get(1).startsWith("64 bytes from 127.0.0.1: icmp_seq=1 "), numeric.out());
        Cli literal = Cli.run("ping", "-c", "1", "127.0.0.1");
        assertTrue(literal.outLines().get(1).startsWith("64 bytes from 127.0.0.1: icmp_seq=1 "), literal.out());
    }

    @Test
    void rangesAndIpv6AllAtOnce() {
        Cli r = Cli.run("ping", "-c", "2", "-i", "0.05", "-q", "127.0.3.0/30", "::1");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, r.outLines().stream().filter(l -> REPLY.matcher(l).matches()).count(), "quiet: " + r.out());
        for (String host : new String[] {"127.0.3.1", "127.0.3.2", "::1"}) {
            int i = r.outLines().indexOf("--- " + host + " ping statistics ---");
            assertTrue(i > 0, host + ": " + r.out());
            assertTrue(r.outLines().get(i + 1).startsWith("2 packets transmitted, 2 received, 0% packet loss, time "),
                    r.out());
        }
    }

    @Test
    void sizeTtlTosAndPatternReachThePackets() {
        Cli r = Cli.run("ping", "-c", "2", "-i", "0.05", "-s", "100", "-t", "5", "-Q", "0x10", "-p", "ff00",
                "--socket", "raw", "127.0.0.1");
        assertEquals(0, r.code(), r.err());
        assertEquals("PATTERN: 0xff00", r.outLines().get(0), "ping's echo of -p");
        assertEquals("PING 127.0.0.1 (127.0.0.1) 100(128) bytes of data.", r.outLines().get(1));
        assertTrue(r.outLines().get(2).startsWith("108 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="), r.out());
    }

    /**
     * -p side by side with iputils ping on loopback: odd digit counts (the last digit a byte of its own), more than
     * 16 bytes (the rest not read), upper case, empty, -q (no PATTERN line), and text that is not hex (ping's
     * message, exit 2). The same exit status, the same lines modulo numbers, the PATTERN line to the letter.
     */
    @Test
    void patternAsIputilsReadsIt() throws Exception {
        String ping = io.pathprobe.testkit.Installed.program("ping", "iputils-ping").toString();
        for (List<String> args : List.of(List.of("-p", "abc"), List.of("-p", "0123456789abcdef0123456789abcdef99"),
                List.of("-p", "A"), List.of("-p", ""), List.of("-q", "-p", "ab"), List.of("-p", "12xy"),
                List.of("-p", " a"))) {
            List<String> theirs = new java.util.ArrayList<>(List.of(ping, "-c", "1"));
            theirs.addAll(args);
            theirs.add("127.0.0.1");
            Process p = new ProcessBuilder(theirs).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "iputils ping ends");
            List<String> ourArgs = new java.util.ArrayList<>(List.of("ping", "-c", "1"));
            ourArgs.addAll(args);
            ourArgs.add("127.0.0.1");
            Cli r = Cli.run(ourArgs.toArray(String[]::new));
            String both = args + "\niputils (exit " + p.exitValue() + "):\n" + out + err + "\nours (exit " + r.code()
                    + "):\n" + r.out() + r.err();
            assertEquals(p.exitValue(), r.code(), both);
            assertEquals(PingVsIputilsLabTest.normalised(out), PingVsIputilsLabTest.normalised(r.out()), both);
            if (out.startsWith("PATTERN: ")) {
                assertEquals(out.lines().findFirst(), r.outLines().stream().findFirst(), both);
            }
            if (p.exitValue() == 2) { // "ping: MESSAGE" and ours "pathprobe ping: MESSAGE"
                assertEquals(err.substring(err.indexOf(": ") + 2), r.err().substring(r.err().indexOf(": ") + 2), both);
            }
        }
    }

    @Test
    void jsonHasEveryProbeAndPingsFigures() throws Exception {
        Cli r = Cli.run("ping", "--json", "-c", "2", "-i", "0.05", "127.0.0.1", "::1");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("ping", doc.get("command").asText());
        assertEquals(2, doc.get("targets").size());
        for (JsonNode t : doc.get("targets")) {
            assertTrue(t.get("port") == null, "no port for ping: " + t);
            assertEquals(2, t.get("probes").size());
            for (int i = 0; i < 2; i++) {
                JsonNode p = t.get("probes").get(i);
                assertEquals(i + 1, p.get("seq").asInt());
                assertEquals("reply", p.get("outcome").asText(), p.toString());
                assertEquals(64, p.get("bytes").asInt());
                assertEquals(64, p.get("replyTtl").asInt());
                assertEquals(t.get("address").asText(), p.get("responder").asText());
            }
            JsonNode s = t.get("summary");
            assertEquals(2, s.get("transmitted").asInt());
            assertEquals(2, s.get("received").asInt());
            assertEquals(0, s.get("duplicates").asInt());
            assertEquals(0.0, s.get("lossPercent").asDouble());
            assertTrue(s.get("minMs").isNumber());
        }
    }
}
