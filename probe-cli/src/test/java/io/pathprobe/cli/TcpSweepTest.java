package io.pathprobe.cli;

import io.pathprobe.testkit.TcpListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.core.SessionPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe tcp -c 1} over more than 25 pairs (a sweep) against loopback: one listener the test starts and
 * ports nothing listens on; and the rules of the compact form. Nothing asserts on time.
 */
@Timeout(60)
class TcpSweepTest {
    private TcpListener listener;
    private List<Integer> closed;

    @BeforeEach
    void listen() throws IOException {
        listener = TcpListener.onLoopback("127.0.0.1");
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 29) {
            ports.add(TcpListener.closedPort("127.0.0.1"));
        }
        ports.remove(listener.port());
        closed = new ArrayList<>(ports);
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    private String portList(int closedCount) {
        List<Integer> all = new ArrayList<>(closed.subList(0, closedCount));
        all.add(closedCount / 2, listener.port());
        return all.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Test
    void aSweepPrintsCountsAndOnlyThePortsOutsideTheCommonState() throws InterruptedException {
        int n = closed.size();
        Cli r = Cli.run("tcp", "-c", "1", "-p", portList(n), "127.0.0.1");
        assertEquals(1, r.code(), "not every port connected: " + r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals("TCP sweep of 127.0.0.1: " + (n + 1) + " ports, one connect each, timeout 2 s", lines.get(0));
        assertEquals("--- 127.0.0.1 tcp sweep: " + (n + 1) + " ports ---", lines.get(2), r.out());
        assertEquals("1 open, " + n + " refused, 0 timed out, 0 unreachable", lines.get(3), r.out());
        assertEquals(n + " refused ports not listed", lines.get(4), r.out());
        assertTrue(lines.get(5).matches("connected to 127\\.0\\.0\\.1:" + listener.port() + " time=\\d+(\\.\\d+)? ms"),
                r.out());
        assertTrue(lines.get(6).matches("swept in \\d+(\\.\\d+)? m?s"), r.out());
        assertEquals(7, lines.size(), "no line per refused port, no per-port summary: " + r.out());
        assertTrue(listener.awaitAccepted(1, java.time.Duration.ofSeconds(5)), "the open port was connected to");
    }

    @Test
    void twentyFivePairsStillGetTheLineAndSummaryOfEveryPort() {
        Cli r = Cli.run("tcp", "-c", "1", "-p", portList(24), "127.0.0.1");
        assertEquals(25, r.outLinesStartingWith("--- 127.0.0.1:"), "a summary per port: " + r.out());
        assertEquals(24, r.outLinesStartingWith("refused by 127.0.0.1:"), r.out());
        assertFalse(r.out().contains("tcp sweep"), r.out());
    }

    @Test
    void jsonListsEveryPortWithItsState() throws Exception {
        int n = closed.size();
        Cli r = Cli.run("tcp", "-c", "1", "--json", "-p", portList(n), "127.0.0.1");
        assertEquals(1, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(JsonReport.SWEEP_SCHEMA, root.get("schema").asText());
        assertEquals("tcp", root.get("command").asText());
        JsonNode host = root.get("hosts").get(0);
        assertEquals("127.0.0.1", host.get("address").asText());
        assertEquals(1, host.get("counts").get("open").asInt());
        assertEquals(n, host.get("counts").get("refused").asInt());
        assertEquals(0, host.get("counts").get("notProbed").asInt());
        JsonNode ports = host.get("ports");
        assertEquals(n + 1, ports.size(), "every port, the common state too");
        List<Integer> asked = new ArrayList<>();
        for (String p : portList(n).split(",")) {
            asked.add(Integer.parseInt(p));
        }
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            assertEquals((int) asked.get(i), p.get("port").asInt(), "in the order asked");
            boolean open = p.get("port").asInt() == listener.port();
            assertEquals(open ? "open" : "refused", p.get("state").asText(), p.toString());
            assertEquals(open ? "connected" : "refused", p.get("outcome").asText(), p.toString());
            assertTrue(p.get("rttMs").asDouble() >= 0, p.toString());
        }
    }

    /**
     * One host over a run of ports (whose port names its pair, so the sweep takes each end from the engine's events):
     * the listener's port, inside the run, is the one reported open there, in text and JSON. (Another program's
     * listener in the run would be open too: the test asks only that the listener's port is, and every port ended.)
     */
    @Test
    void aRunOfPortsReportsEachPortsOwnState() throws Exception {
        int lo = Math.max(1, Math.min(listener.port() - 15, 65535 - 30));
        String run = lo + "-" + (lo + 30);
        Cli r = Cli.run("tcp", "-c", "1", "-p", run, "127.0.0.1");
        assertEquals("--- 127.0.0.1 tcp sweep: 31 ports ---", r.outLines().get(2), r.out());
        assertTrue(r.out().contains("connected to 127.0.0.1:" + listener.port() + " "), r.out());
        JsonNode host = new ObjectMapper().readTree(Cli.run("tcp", "-c", "1", "--json", "-p", run, "127.0.0.1").out())
                .get("hosts").get(0);
        assertEquals(0, host.get("counts").get("notProbed").asInt());
        assertEquals(31, host.get("counts").get("open").asInt() + host.get("counts").get("refused").asInt());
        JsonNode ports = host.get("ports");
        for (int i = 0; i < 31; i++) {
            assertEquals(lo + i, ports.get(i).get("port").asInt());
            if (lo + i == listener.port()) {
                assertEquals("open", ports.get(i).get("state").asText(), ports.get(i).toString());
            }
        }
    }

    /** A host named by two targets is one host of the report, its ports in the order given; another host beside. */
    @Test
    void aHostNamedTwiceIsOneHostOfTheReport() throws Exception {
        String first = closed.subList(0, 10).stream().map(String::valueOf).collect(Collectors.joining(","));
        String second = listener.port() + "," + closed.subList(10, 20).stream().map(String::valueOf)
                .collect(Collectors.joining(","));
        String other = closed.subList(20, 28).stream().map(String::valueOf).collect(Collectors.joining(","));
        String[] args = {"tcp", "-c", "1", "127.0.0.1:" + first, "127.0.0.2:" + other, "127.0.0.1:" + second};
        Cli r = Cli.run(args);
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.outLines();
        assertEquals("TCP sweep of 2 hosts: 29 ports, one connect each, timeout 2 s", lines.get(0), r.out());
        assertEquals("--- 127.0.0.1 tcp sweep: 21 ports ---", lines.get(2), r.out());
        assertEquals("1 open, 20 refused, 0 timed out, 0 unreachable", lines.get(3), r.out());
        assertEquals("20 refused ports not listed", lines.get(4), r.out());
        assertTrue(lines.get(5).startsWith("connected to 127.0.0.1:" + listener.port() + " "), r.out());
        assertEquals("--- 127.0.0.2 tcp sweep: 8 ports ---", lines.get(7), r.out());
        assertEquals("0 open, 8 refused, 0 timed out, 0 unreachable", lines.get(8), r.out());
        assertEquals("8 refused ports not listed", lines.get(9), r.out());
        assertEquals("2 hosts, 29 ports: 1 open, 28 refused, 0 timed out, 0 unreachable", lines.get(11), r.out());

        String[] json = new String[args.length + 1];
        System.arraycopy(args, 0, json, 0, args.length);
        json[args.length] = "--json";
        JsonNode hosts = new ObjectMapper().readTree(Cli.run(json).out()).get("hosts");
        assertEquals(2, hosts.size());
        List<String> asked = new ArrayList<>(List.of((first + "," + second).split(",")));
        JsonNode ports = hosts.get(0).get("ports");
        assertEquals(21, ports.size());
        for (int i = 0; i < ports.size(); i++) {
            assertEquals(Integer.parseInt(asked.get(i)), ports.get(i).get("port").asInt(), "in the order given");
        }
        assertEquals(1, hosts.get(0).get("counts").get("open").asInt());
        assertEquals(8, hosts.get(1).get("counts").get("refused").asInt());
    }

    @Test
    void rangesExpandToTheirHostsWithTheirPorts() {
        Cli r = Cli.run("tcp", "-c", "1", "-q", "127.0.0.0/30:" + portList(13));
        assertEquals(1, r.code(), r.err());
        assertEquals(List.of("--- 127.0.0.1 tcp sweep: 14 ports ---", "--- 127.0.0.2 tcp sweep: 14 ports ---"),
                r.outLines().stream().filter(l -> l.startsWith("--- ")).toList(), "network and broadcast left out");
        assertTrue(r.outLines().contains("2 hosts, 28 ports: 1 open, 27 refused, 0 timed out, 0 unreachable"),
                "the listener is on 127.0.0.1 only: " + r.out());
        assertEquals(0, r.outLinesStartingWith("connected to"), "-q: the counts only: " + r.out());
    }

    @Test
    void badRangesAreOneLineErrors() {
        Cli.run("tcp", "-c", "1", "10.0.0.0/8:80").assertUsageError("'10.0.0.0/8' is larger than a /16");
        Cli.run("tcp", "-c", "1", "10.0.0.0/24:0").assertUsageError("port 0 is out of range");
        Cli.run("tcp", "-c", "1", "10.0.0.0/33:80").assertUsageError("is not an IPv4 range in CIDR notation");
        Cli.run("tcp", "-c", "1", "-p", "1-65535", "10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16",
                "10.4.0.0/16").assertUsageError("target:port pairs, more than the 16777216 one run probes");
    }

    @Test
    void onlyASingleRoundOverMoreThan25PairsIsASweep() {
        assertTrue(TcpCommand.isSweep(new SessionPlan(1, Duration.ofSeconds(1), Duration.ZERO), 26));
        assertFalse(TcpCommand.isSweep(new SessionPlan(1, Duration.ofSeconds(1), Duration.ZERO), 25));
        assertFalse(TcpCommand.isSweep(new SessionPlan(2, Duration.ofSeconds(1), Duration.ZERO), 1000));
        assertFalse(TcpCommand.isSweep(new SessionPlan(0, Duration.ofSeconds(1), Duration.ZERO), 1000));
    }

    @Test
    void theCommonStateIsHiddenButNeverOpenPortsOrErrors() {
        Map<TcpSweep.State, Long> c = new EnumMap<>(TcpSweep.State.class);
        c.put(TcpSweep.State.OPEN, 50L);
        c.put(TcpSweep.State.ERROR, 40L);
        c.put(TcpSweep.State.TIMED_OUT, 3L);
        c.put(TcpSweep.State.REFUSED, 2L);
        assertEquals(TcpSweep.State.TIMED_OUT, TcpSweep.hidden(c), "the largest hideable state");
        c.put(TcpSweep.State.UNREACHABLE, 3L);
        assertEquals(TcpSweep.State.TIMED_OUT, TcpSweep.hidden(c), "a tie: the first in the order of the states");
        assertNull(TcpSweep.hidden(Map.of(TcpSweep.State.REFUSED, 1L, TcpSweep.State.OPEN, 1L)),
                "one port of a state is listed, not summed up");
        assertNull(TcpSweep.hidden(Map.of(TcpSweep.State.OPEN, 30L)));
        assertEquals(TcpSweep.State.REFUSED, TcpSweep.hidden(Map.of(TcpSweep.State.NOT_PROBED, 30L,
                TcpSweep.State.REFUSED, 29L)), "ports left unprobed (never listed) do not keep the refused ones listed");
        assertEquals("50 open, 2 refused, 3 timed out, 3 unreachable, 40 errors", TcpSweep.counts(c));
        assertEquals("0 open, 0 refused, 0 timed out, 0 unreachable, 1 not probed",
                TcpSweep.counts(Map.of(TcpSweep.State.NOT_PROBED, 1L)));
    }
}
