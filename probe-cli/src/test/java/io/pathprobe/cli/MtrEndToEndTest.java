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
    void rawIsMtrsRawFormat() {
        Cli r = Cli.run(args("--raw", "-m", "3", "127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        String lastSent = null;
        int answersAtHopOne = 0;
        for (String line : r.outLines()) {
            assertTrue(line.matches("x [0-2] \\d+|h [0-2] 127\\.0\\.0\\.1|p [0-2] \\d+ \\d+"), "mtr's raw lines: " + line);
            String[] f = line.split(" ");
            if (f[0].equals("x")) {
                lastSent = f[2];
            } else if (f[0].equals("p")) {
                assertEquals(lastSent, f[3], "an answer names the probe sent before it: " + r.out());
                answersAtHopOne += f[1].equals("0") ? 1 : 0;
            }
        }
        assertTrue(r.outLines().get(0).equals("x 0 33000") || r.outLines().get(0).matches("x [12] 33000"),
                "sequence numbers from mtr's 33000: " + r.out());
        assertEquals(2, answersAtHopOne, "one answer per round at hop 1 (port unreachable): " + r.out());
    }

    @Test
    void shortOptionsClusterAsMtrsDo() {
        // -r report, -w wide, -n no names, -u UDP, -c 1: what mtr users type.
        Cli r = Cli.run("mtr", "-rwnuc", "1", "-i", "0.05", "-Z", "0.5", "--source-port", "47000", "127.0.0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Start: "), r.out());
        assertTrue(r.outLines().get(1).matches("HOST: \\S+ +Loss%   Snt .*"), r.out());
        assertEquals(1, r.outLinesStartingWith("  1.|-- 127.0.0.1  "), "wide: the name padded, not cut: " + r.out());
    }

    @Test
    void theLastOutputOptionWinsAsInMtr() throws Exception {
        Cli json = Cli.run(args("-r", "--json", "127.0.0.1"));
        assertEquals(0, json.code(), json.err());
        assertEquals("127.0.0.1", new ObjectMapper().readTree(json.out()).path("report").path("mtr").path("dst").asText());
        Cli report = Cli.run(args("--json", "--csv", "-r", "127.0.0.1"));
        assertTrue(report.out().startsWith("Start: "), report.out());
        Cli csv = Cli.run(args("-w", "--csv", "127.0.0.1"));
        assertEquals("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,",
                csv.outLines().get(0), csv.out());
        assertTrue(csv.outLines().get(1).matches("MTR\\.0\\.95,\\d+,OK,127\\.0\\.0\\.1,1,127\\.0\\.0\\.1,"
                + "\\d+\\.\\d\\d,2,0(,\\d+\\.\\d\\d){5}"), "mtr's row: " + csv.out());
        assertEquals(2, csv.outLines().size(), csv.out());
    }

    /** -F: the targets of a file traced in turn, a report each; -a: the source address (mtr's --address). */
    @Test
    void aFileOfTargetsIsTracedInTurnFromTheAddressGiven() throws Exception {
        java.nio.file.Path hosts = java.nio.file.Files.createTempFile("pathprobe-mtr", ".hosts");
        try {
            java.nio.file.Files.writeString(hosts, "# two loopback targets\n127.0.0.1\n\n127.0.0.2 second\n");
            Cli r = Cli.run(args("-r", "-a", "127.0.0.1", "-F", hosts.toString()));
            assertEquals(0, r.code(), r.err());
            assertEquals(2, r.outLinesStartingWith("Start: "), "a report per target: " + r.out());
            assertEquals(1, r.outLinesStartingWith("  1.|-- 127.0.0.1 "), r.out());
            assertEquals(1, r.outLinesStartingWith("  1.|-- 127.0.0.2 "), r.out());
            assertTrue(r.out().indexOf("127.0.0.1 ") < r.out().indexOf("127.0.0.2 "), "in the file's order: " + r.out());
        } finally {
            java.nio.file.Files.delete(hosts);
        }
    }

    /** -x: mtr's XML, well formed, a HUB per hop with the fields -o asks for. */
    @Test
    void xmlIsMtrsLayout() throws Exception {
        Cli r = Cli.run(args("-x", "-o", "LSD N", "127.0.0.1"));
        assertEquals(0, r.code(), r.err());
        assertEquals("<?xml version=\"1.0\"?>", r.outLines().get(0));
        assertTrue(r.outLines().get(1).matches("<MTR SRC=\"[^\"]+\" DST=\"127\\.0\\.0\\.1\" TOS=\"0x0\" PSIZE=\"64\" "
                + "TESTS=\"2\">"), r.out());
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        org.w3c.dom.Element hub = (org.w3c.dom.Element) doc.getElementsByTagName("HUB").item(0);
        assertEquals("1", hub.getAttribute("COUNT"));
        assertEquals("127.0.0.1", hub.getAttribute("HOST"));
        assertEquals("     2", hub.getElementsByTagName("Snt").item(0).getTextContent(), "the report's cell");
        assertEquals("  0.0%", hub.getElementsByTagName("Loss").item(0).getTextContent());
        assertEquals(1, doc.getElementsByTagName("Drop").getLength());
        assertEquals(1, doc.getElementsByTagName("Last").getLength());
    }

    @Test
    void aCaptureToOutShowsProgressOnStderr() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pathprobe-mtr-progress");
        try {
            Cli r = Cli.run(args("--out", dir.resolve("c").toString(), "127.0.0.1"));
            assertEquals(0, r.code(), r.err());
            java.util.List<String> err = r.err().lines().toList();
            assertTrue(!err.isEmpty(), "a progress line at the end at least");
            err.forEach(l -> assertTrue(l.startsWith("progress: "), "only progress lines on stderr: " + r.err()));
            String last = err.get(err.size() - 1);
            assertTrue(last.matches("progress: 00:0\\d elapsed, 00:00 left, round 2, 1 hop, hop 1 \\(127\\.0\\.0\\.1\\) "
                    + "\\d+\\.\\d% loss"), last);
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
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
