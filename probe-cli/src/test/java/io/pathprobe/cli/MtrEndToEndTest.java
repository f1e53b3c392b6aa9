package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.testkit.PtrServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe mtr} on loopback in UDP mode (unprivileged): 127.0.0.1 is hop 1 and answers port unreachable
 * on traceroute's port 33434, where nothing listens. (The namespace lab tests of probe-mtr cover real paths.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MtrEndToEndTest {
    private static final String[] UDP = {"mtr", "-n", "--udp", "-c", "2", "-i", "0.05", "-Z", "0.5", "--source-port", "47000"};

    private static String[] args(String... more) {
        String[] a = new String[UDP.length + more.length];
        System.arraycopy(UDP, 0, a, 0, UDP.length);
        System.arraycopy(more, 0, a, UDP.length, more.length);
        return a;
    }

    @Test
    void reportListsLoopbackAsHopOneAndTheStop() {
        Cli r = Cli.run(args("127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Start: "), r.out());
        assertTrue(r.outLines().get(1).startsWith("HOST: ") && r.outLines().get(1).contains("Loss%"), r.out());
        assertEquals(1, r.outLinesStartingWith("  1.|-- 127.0.0.1 "), r.out());
        assertEquals(0, r.outLinesStartingWith("  2."), "the destination ends the list: " + r.out());
        assertTrue(r.out().contains("destination reached at hop 1 (127.0.0.1)"), r.out());
    }

    @Test
    void hopNamesComeFromTheNameServerGiven() throws Exception {
        try (PtrServer dns = PtrServer.start().answer("1.0.0.127.in-addr.arpa", "loopback.lab.example")) {
            String server = "127.0.0.1:" + dns.address().getPort();
            Cli named = Cli.run("mtr", "--name-server", server, "--udp", "-c", "2", "-i", "0.05", "127.0.0.1");
            assertEquals(0, named.code(), named.err());
            assertEquals(1, named.outLinesStartingWith("  1.|-- loopback.lab.example "), named.out());
            Cli both = Cli.run("mtr", "-b", "--name-server", server, "--udp", "-c", "1", "--json", "127.0.0.1");
            JsonNode hub = new ObjectMapper().readTree(both.out()).get("report").get("hubs").get(0);
            assertEquals("loopback.lab.example (127.0.0.1)", hub.get("host").asText(), both.out());
            assertEquals("127.0.0.1", hub.get("addresses").get(0).get("ip").asText(), both.out());
            assertEquals(2, dns.queries(), "one query per run: a hop's address is asked for once");
        }
        Cli.run("mtr", "-n", "--name-server", "127.0.0.1", "127.0.0.1")
                .assertUsageError("--name-server and -n contradict each other");
        Cli.run("mtr", "--name-server", "ns.example", "127.0.0.1")
                .assertUsageError("--name-server 'ns.example' is not an IP address");
    }

    @Test
    void jsonIsMtrsShapeWithNumbers() throws Exception {
        Cli r = Cli.run(args("--json", "-o", "LSRD", "127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode hubs = root.path("report").path("hubs");
        assertEquals(1, hubs.size(), r.out());
        assertEquals("127.0.0.1", hubs.get(0).path("host").asText());
        assertEquals(2, hubs.get(0).path("Snt").asInt(), r.out());
        assertTrue(hubs.get(0).path("Loss%").isNumber(), r.out());
        assertEquals(2, hubs.get(0).path("Rcv").asInt(), r.out());
    }

    @Test
    void rawIsOneJsonLinePerProbe() throws Exception {
        Cli r = Cli.run(args("--raw", "-m", "3", "127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        ObjectMapper m = new ObjectMapper();
        int[] perRound = new int[3];
        for (String line : r.outLines()) {
            JsonNode n = m.readTree(line);
            assertEquals("unreachable", n.path("type").asText(), line);
            assertEquals("127.0.0.1", n.path("host").asText(), line);
            assertEquals(3, n.path("icmp_code").asInt(), "port unreachable: " + line);
            perRound[n.path("round").asInt()]++;
        }
        // Round 1 ramps up from TTL 1 and stops once the destination (here at TTL 1) has answered, so 1 to 3
        // probes; round 2 at most as many (TTL 1 only once round 1's answers are in).
        assertTrue(perRound[1] >= 1 && perRound[1] <= 3, r.out());
        assertTrue(perRound[2] >= 1 && perRound[2] <= 3, r.out());
    }

    @Test
    void udpPathsGiveOneLabelledFlowEach() throws Exception {
        Cli r = Cli.run(args("--json", "--paths", "3", "127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        for (int p = 47000; p < 47003; p++) {
            assertTrue(out.contains("source port " + p), out);
        }
    }
}
