package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.nativeio.Privileges;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code pathprobe tcp} run in this JVM with the real tcp prober against loopback: a listener the test starts and
 * a port nothing listens on. Intervals are short so that runs take well under a second; nothing asserts on time.
 */
@Timeout(60)
class TcpEndToEndTest {
    private static final Pattern CONNECTED = Pattern.compile("connected to 127\\.0\\.0\\.1:(\\d+) time=\\d+(\\.\\d+)? ms");
    private static final Pattern REFUSED = Pattern.compile("refused by 127\\.0\\.0\\.1:(\\d+) time=\\d+(\\.\\d+)? ms");
    private TcpListener listener;
    private String open;
    private String closed;

    @BeforeEach
    void listen() throws IOException {
        listener = TcpListener.onLoopback("127.0.0.1");
        open = "127.0.0.1:" + listener.port();
        closed = "127.0.0.1:" + TcpListener.closedPort("127.0.0.1");
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    @Test
    void connectsToAListenerAndExits0() {
        Cli r = Cli.run("tcp", "-c", "3", "-i", "0.05", open);
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals("TCP connect to " + open + ": 3 probes, 0.05 s apart, timeout 2 s", lines.get(0));
        assertEquals(3, lines.stream().filter(l -> CONNECTED.matcher(l).matches() && l.contains(open + " ")).count(),
                r.out());
        assertTrue(lines.contains("--- " + open + " tcp connect statistics ---"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(
                "3 attempted, 3 connected, 0 failed (0.0% failed), 0 refused, 0 timed out, 0 unreachable, time ")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "rtt min/avg/max/mdev = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms")), r.out());
        assertEquals(1, r.outLinesStartingWith("--- "), "one summary: " + r.out());
    }

    @Test
    void closedPortIsRefusedAndExits1() {
        Cli r = Cli.run("tcp", "-c", "3", "-i", "0.05", closed);
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(3, r.outLines().stream().filter(l -> REFUSED.matcher(l).matches()).count(), r.out());
        assertTrue(r.out().contains(
                "3 attempted, 0 connected, 3 failed (100.0% failed), 3 refused, 0 timed out, 0 unreachable, time "), r.out());
        assertFalse(r.out().contains("rtt min/avg/max/mdev"), "no RTT summary without a connect: " + r.out());
    }

    @Test
    void everyTargetAndPortRunsAndEveryLineIsWhole() {
        int closedPort = Integer.parseInt(closed.substring(closed.indexOf(':') + 1));
        Cli r = Cli.run("tcp", "-c", "4", "-i", "0.02", "-p", listener.port() + "," + closedPort, "127.0.0.1");
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.outLines();
        long connected = lines.stream().filter(l -> CONNECTED.matcher(l).matches()).count();
        long refused = lines.stream().filter(l -> REFUSED.matcher(l).matches()).count();
        assertEquals(4, connected, r.out());
        assertEquals(4, refused, r.out());
        // Lines printed from two sessions at once must not be interleaved: each line is one of the known shapes.
        for (String l : lines) {
            assertTrue(l.isEmpty() || l.startsWith("TCP connect to ") || CONNECTED.matcher(l).matches()
                    || REFUSED.matcher(l).matches() || l.startsWith("--- ") || l.matches("\\d+ attempted, .*")
                    || l.startsWith("rtt "), "a whole line: " + l);
        }
        assertEquals(2, r.outLinesStartingWith("--- "), r.out());
        // Summaries come in the order the targets were given, after all probe lines.
        int firstSummary = lines.indexOf("--- " + open + " tcp connect statistics ---");
        assertTrue(firstSummary > 0 && firstSummary < lines.indexOf("--- " + closed + " tcp connect statistics ---"));
        assertTrue(lines.subList(firstSummary, lines.size()).stream().noneMatch(l -> CONNECTED.matcher(l).matches()));
    }

    @Test
    void jsonIsOneDocumentWhoseCountsMatch() throws Exception {
        Instant before = Instant.now();
        Cli r = Cli.run("tcp", "--json", "-c", "3", "-i", "0.05", open, closed);
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("pathprobe", doc.get("tool").asText());
        assertEquals(Main.version(), doc.get("version").asText());
        assertEquals("tcp", doc.get("command").asText());
        Instant started = Instant.parse(doc.get("started").asText());
        assertFalse(started.isBefore(before.minusSeconds(1)), "started is the run's start: " + started);
        JsonNode targets = doc.get("targets");
        assertEquals(2, targets.size());

        JsonNode up = targets.get(0);
        assertEquals(open, up.get("target").asText());
        assertEquals("127.0.0.1", up.get("host").asText());
        assertEquals("127.0.0.1", up.get("address").asText());
        assertEquals(listener.port(), up.get("port").asInt());
        assertEquals("local", up.get("vantage").asText());
        assertEquals(3, up.get("probes").size());
        for (int i = 0; i < 3; i++) {
            JsonNode p = up.get("probes").get(i);
            assertEquals(i + 1, p.get("seq").asInt(), "probes in sequence order");
            assertEquals("connected", p.get("outcome").asText());
            assertTrue(p.get("rttMs").isNumber() && p.get("rttMs").asDouble() >= 0, p.toString());
            assertEquals("127.0.0.1", p.get("responder").asText());
        }
        JsonNode s = up.get("summary");
        assertEquals(3, s.get("attempted").asInt());
        assertEquals(3, s.get("connected").asInt());
        assertEquals(0, s.get("failed").asInt());
        assertEquals(0.0, s.get("lossPercent").asDouble());
        double min = s.get("minMs").asDouble();
        double avg = s.get("avgMs").asDouble();
        double max = s.get("maxMs").asDouble();
        assertTrue(min <= avg && avg <= max, s.toString());
        for (String k : List.of("mdevMs", "stdevMs", "p50Ms", "p90Ms", "p99Ms")) {
            assertTrue(s.get(k).isNumber(), k + " in " + s);
        }

        JsonNode down = targets.get(1);
        assertEquals(closed, down.get("target").asText());
        assertEquals(3, down.get("probes").size());
        for (JsonNode p : down.get("probes")) {
            assertEquals("refused", p.get("outcome").asText());
        }
        JsonNode d = down.get("summary");
        assertEquals(3, d.get("attempted").asInt());
        assertEquals(0, d.get("connected").asInt());
        assertEquals(3, d.get("failed").asInt());
        assertEquals(3, d.get("refused").asInt());
        assertEquals(100.0, d.get("lossPercent").asDouble());
        assertTrue(d.get("minMs").isNull() && d.get("avgMs").isNull(), "no RTTs without a connect: " + d);
    }

    @Test
    void aFullAcceptQueueDropsSynsSoProbesTimeOut() throws Exception {
        // Linux drops a SYN to a listener whose accept queue is full (backlog 1, never accepted): a silent drop
        // on loopback, no firewall needed. The first connects may still fit in the queue.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String target = "127.0.0.1:" + full.getLocalPort();
            Cli r = Cli.run("tcp", "-c", "5", "-i", "0.05", "--timeout", "0.3", target);
            assertEquals(1, r.code(), r.err());
            long timeouts = r.outLinesStartingWith("timeout " + target + " after 300 ms");
            long connects = r.outLinesStartingWith("connected to " + target + " time=");
            assertTrue(timeouts >= 1, r.out());
            assertEquals(5, timeouts + connects, r.out());
            assertTrue(r.out().contains("5 attempted, " + connects + " connected, " + timeouts + " failed ("), r.out());
            assertTrue(r.out().contains(", 0 refused, " + timeouts + " timed out, 0 unreachable, time "), r.out());
        }
    }

    @Test
    void quietPrintsOnlyTheSummary() {
        Cli r = Cli.run("tcp", "-q", "-c", "2", "-i", "0.05", open);
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("", "--- " + open + " tcp connect statistics ---"), r.outLines().subList(0, 2));
        assertEquals(0, r.outLines().stream().filter(l -> CONNECTED.matcher(l).matches()).count(), r.out());
    }

    @Test
    void aDeadlineEndsAContinuousRunWithConsistentCounts() {
        Cli r = Cli.run("tcp", "-t", "-w", "0.3", "-i", "0.05", open);
        assertEquals(0, r.code(), r.err());
        long lines = r.outLines().stream().filter(l -> CONNECTED.matcher(l).matches()).count();
        assertTrue(lines >= 1, r.out());
        assertTrue(r.out().contains(lines + " attempted, " + lines + " connected, 0 failed"),
                "every printed connect is counted, and only those: " + r.out());
    }

    @Test
    void hostNamesResolveUpFrontAndShowTheirAddress() {
        // "localhost" comes from the tests' hosts file (see the surefire argLine), never from DNS.
        Cli r = Cli.run("tcp", "-4", "-c", "1", "-p", String.valueOf(listener.port()), "localhost");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("TCP connect to localhost:" + listener.port() + " (127.0.0.1): 1 probe,"), r.out());
        assertTrue(r.out().contains("connected to localhost:" + listener.port() + " time="), r.out());
    }

    @Test
    void ipv6Loopback() throws Exception {
        try (TcpListener v6 = TcpListener.onLoopback("::1")) {
            String target = "[::1]:" + v6.port();
            Cli r = Cli.run("tcp", "-c", "2", "-i", "0.05", target);
            assertEquals(0, r.code(), r.err());
            assertEquals(2, r.outLinesStartingWith("connected to " + target + " time="), r.out());
            assertTrue(r.out().contains("--- " + target + " tcp connect statistics ---"), r.out());
        }
    }

    @Test
    void sourceAddressIsUsed() {
        Cli r = Cli.run("tcp", "--json", "-c", "1", "--source", "127.0.0.1", open);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"vantage\" : \"src:127.0.0.1\""), r.out());
    }

    @Test
    void badInputFoundAfterTheProberCheck() {
        Cli.run("tcp", "no-such-host.invalid:80").assertUsageError("cannot resolve host 'no-such-host.invalid'");
        Cli.run("tcp", "-c", "1", open, "no-such-host.invalid:80").assertUsageError("cannot resolve host 'no-such-host.invalid'");
        Cli.run("tcp", "-6", "v4only.test:80").assertUsageError("host 'v4only.test' has no IPv6 address");
        Cli.run("tcp", "-4", "v6only.test:80").assertUsageError("host 'v6only.test' has no IPv4 address");
        Cli.run("tcp", "--source", "127.0.0.1", "[::1]:80").assertUsageError("are of different IP versions");
    }

    @Test
    void intervalBelowTheUnprivilegedMinimumNeedsRoot() {
        assumeFalse(Privileges.isRoot(), "running as root, which may use any interval");
        Cli.run("tcp", "-i", "0.001", open).assertUsageError("--interval: interval 1.000 ms is below 2 ms");
    }

    @Test
    void demoShowsConnectedAndRefused() {
        Cli r = Cli.run("demo");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.outLines().stream().filter(l -> CONNECTED.matcher(l).matches()).count(), r.out());
        assertEquals(3, r.outLines().stream().filter(l -> REFUSED.matcher(l).matches()).count(), r.out());
        assertEquals(2, r.outLinesStartingWith("--- "), r.out());
    }

    @Test
    void debugIsInheritedAndAddsTheStackTraceAfterTheLine() {
        Cli r = Cli.run("tcp", "--debug", "127.0.0.9:0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("pathprobe tcp: target '127.0.0.9:0': port 0 is out of range: use 1 to 65535\n"),
                r.err());
        assertTrue(r.err().contains("\tat io.pathprobe.cli."), "--debug shows where: " + r.err());
    }
}
