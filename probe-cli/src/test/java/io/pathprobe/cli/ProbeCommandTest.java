package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.testkit.PtrServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe probe --kind dns} in this JVM against a real DNS server on loopback: the CLI runs a prober it
 * has no code for, with the prober's options, lines and outcome kinds, in text and JSON.
 */
@Timeout(60)
class ProbeCommandTest {
    private static PtrServer server;
    private static String target;

    @BeforeAll
    static void start() throws Exception {
        server = PtrServer.start().addresses("lb.test", InetAddress.getByName("10.0.0.5")).respond("down.test", 2);
        target = "127.0.0.1:" + server.address().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answeredQueriesPrintTheProbersLinesAndExit0() {
        Cli r = Cli.run("probe", "--kind", "dns", "-o", "name=lb.test", "-o", "type=A", "-c", "3", "-i", "0.05",
                "--timeout", "5", target);
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals("dns probe to " + target + ": 3 probes, 0.05 s apart, timeout 5 s", lines.get(0));
        assertEquals(3, lines.stream().filter(l -> l.matches("noerror " + target.replace(".", "\\.")
                + " time=\\d+(\\.\\d+)? ms \\(lb\\.test\\. A: 1 answer 10\\.0\\.0\\.5\\)")).count(), r.out());
        assertTrue(lines.contains("--- " + target + " dns probe statistics ---"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("3 sent, 3 answered, 0.0% not answered (noerror 3), time ")),
                r.out());
    }

    @Test
    void aServfailIsNotAnAnswerAndTheJsonCountsItsKind() throws Exception {
        Cli r = Cli.run("probe", "--kind", "dns", "-o", "name=down.test", "-c", "2", "-i", "0.05", "--timeout", "5",
                "--json", target);
        assertEquals(1, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("probe", doc.get("command").asText());
        JsonNode t = doc.get("targets").get(0);
        assertEquals("servfail", t.get("probes").get(0).get("outcome").asText());
        assertEquals("path-error", t.get("probes").get(0).get("category").asText());
        assertEquals("SERVFAIL", t.get("probes").get(0).get("dnsRcode").asText());
        assertEquals(2, t.get("summary").get("outcomes").get("servfail").asInt(), r.out());
        assertEquals(0, t.get("summary").get("answered").asInt());
    }

    @Test
    void aWrongOptionSaysWhichTheKindTakes() {
        Cli.run("probe", "--kind", "dns", "-o", "nmae=x", target)
                .assertUsageError("--option nmae is not known: dns probes take name, type, recursion");
        Cli.run("probe", "--kind", "dns", "-o", "type=BOGUS", target).assertUsageError("allowed one of A, AAAA");
        Cli.run("probe", "--kind", "nope", target).assertUsageError("unknown probe kind 'nope'");
    }
}
