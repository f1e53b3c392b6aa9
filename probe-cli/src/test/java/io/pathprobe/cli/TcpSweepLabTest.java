package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Installed;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep of 62 hosts × 100 ports ({@code client - server}, the server answering for a whole /26 on its loopback)
 * by {@code pathprobe tcp -c 1} and by {@code nmap -sT} from the same namespace: every port's state must be the
 * lab's design and the same as nmap's (open; refused = nmap's closed; timed out and unreachable = its filtered).
 * Four groups of hosts: listeners on 22, 80 and 99 with the rest refused; the same with port 25 dropped and port
 * 53 rejected with ICMP admin-prohibited; everything dropped; everything reset by the firewall.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(300)
class TcpSweepLabTest {
    private static final List<Integer> LISTENING = List.of(22, 80, 99);
    private static final int PORTS = 100;

    @Test
    void everyPortsStateIsTheLabsAndNmaps(NetLab lab) throws Exception {
        Path p = Path.build(lab);
        String range = p.block + "0/26";

        // --timeout 0.3: nmap -T5's --max-rtt-timeout; nothing in the lab drops at random, so both see the same.
        Cli r = p.client.call(Duration.ofSeconds(120),
                () -> Cli.run("tcp", "-c", "1", "--timeout", "0.3", "--json", "-p", "1-" + PORTS, range));
        assertEquals(1, r.code(), r.err());
        Map<String, String> ours = ours(r.out());
        assertEquals(62 * PORTS, ours.size(), "every host and port once");

        String nmap = Installed.program("nmap", "nmap").toString();
        CommandResult n = p.client.run(Duration.ofSeconds(180), nmap, "-sT", "-Pn", "-n", "-T5", "-p", "1-" + PORTS,
                "-oG", "-", p.block + "1-62"); // nmap's /26 would include the network and broadcast addresses
        assertEquals(0, n.exitCode(), n.stderr());
        Map<String, String> theirs = nmap(n.stdout());

        Map<String, String> design = new TreeMap<>();
        for (int h = 1; h <= 62; h++) {
            for (int port = 1; port <= PORTS; port++) {
                design.put(p.block + h + ":" + port, designed(h, port));
            }
        }
        assertSame(design, ours, "pathprobe against the lab's design");
        assertSame(design, theirs, "nmap against the lab's design (the lab itself is as meant)");
    }

    /** Equal maps, or a failure naming the first differences (6,200 entries would bury them). */
    private static void assertSame(Map<String, String> expected, Map<String, String> actual, String what) {
        List<String> diffs = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                diffs.add(k + " expected " + expected.get(k) + " but was " + actual.get(k));
            }
        }
        assertTrue(diffs.isEmpty(), what + ": " + diffs.size() + " differ, e.g. " + diffs.subList(0, Math.min(10, diffs.size())));
    }

    /** The state the lab gives host {@code .h}, port {@code port}, in nmap's words. */
    private static String designed(int h, int port) {
        if (h >= 32 && h < 48) {
            return "filtered"; // everything dropped
        }
        if (h >= 48) {
            return "closed"; // everything reset by the firewall, listeners or not
        }
        if (h >= 16 && (port == 25 || port == 53)) {
            return "filtered"; // dropped, and rejected with ICMP admin-prohibited
        }
        return LISTENING.contains(port) ? "open" : "closed";
    }

    /** pathprobe's sweep document as HOST:PORT -> nmap's word for the state. */
    private static Map<String, String> ours(String json) throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(JsonReport.SWEEP_SCHEMA, root.get("schema").asText());
        Map<String, String> states = new TreeMap<>();
        for (JsonNode host : root.get("hosts")) {
            for (JsonNode port : host.get("ports")) {
                String word = switch (port.get("state").asText()) {
                    case "open" -> "open";
                    case "refused" -> "closed";
                    case "timedOut", "unreachable" -> "filtered";
                    default -> "unexpected " + port;
                };
                assertEquals(null, states.put(host.get("host").asText() + ":" + port.get("port").asInt(), word));
            }
        }
        return states;
    }

    /** nmap's grepable output as HOST:PORT -> state: listed ports, the rest in the host's "Ignored State". */
    private static Map<String, String> nmap(String grepable) {
        Pattern line = Pattern.compile("Host: (\\S+) \\(\\)\\tPorts: ([^\\t]*)(?:\\tIgnored State: (\\S+) \\((\\d+)\\))?");
        Map<String, String> states = new TreeMap<>();
        for (String l : grepable.split("\n")) {
            Matcher m = line.matcher(l);
            if (!m.lookingAt()) {
                continue;
            }
            String host = m.group(1);
            Map<Integer, String> listed = new TreeMap<>();
            for (String entry : m.group(2).split(", ")) {
                if (entry.isBlank()) {
                    continue; // every port in the ignored state
                }
                String[] f = entry.split("/");
                listed.put(Integer.parseInt(f[0].trim()), f[1]);
            }
            for (int port = 1; port <= PORTS; port++) {
                String s = listed.getOrDefault(port, m.group(3));
                states.put(host + ":" + port, s == null ? "missing from nmap's output" : s);
            }
            if (m.group(4) != null) {
                assertEquals(PORTS, listed.size() + Integer.parseInt(m.group(4)), l);
            }
        }
        return states;
    }

    /** The lab: a client, and a server that is every address of {@code block}0/26. */
    private record Path(Host client, Host server, String block) {
        static Path build(NetLab lab) throws Exception {
            Host client = lab.host("client");
            Host server = lab.host("server");
            lab.link(client, server);
            lab.installRoutes();
            String range = lab.addressRange(StandardProtocolFamily.INET); // 10.S.0.0/16
            String block = range.substring(0, range.indexOf(".0.0/")) + ".200.";
            server.exec(lab.ipPath(), "route", "add", "local", block + "0/26", "dev", "lo");
            InetAddress toServer = server.addressToward(client, StandardProtocolFamily.INET);
            client.addRoute(block + "0/26", toServer);
            InetAddress any = InetAddress.getByName("0.0.0.0");
            for (int port : LISTENING) {
                server.listenTcp(any, port);
            }
            Nft f = server.nft();
            String mixed = "ip daddr " + block + "16-" + block + "31 ";
            f.rule(Nft.Chain.INPUT, mixed + "tcp dport 25 drop");
            f.rule(Nft.Chain.INPUT, mixed + "tcp dport 53 reject with icmp type admin-prohibited");
            f.rule(Nft.Chain.INPUT, "ip daddr " + block + "32-" + block + "47 tcp dport 1-" + PORTS + " drop");
            f.rule(Nft.Chain.INPUT, "ip daddr " + block + "48-" + block + "63 tcp dport 1-" + PORTS
                    + " reject with tcp reset");
            return new Path(client, server, block);
        }
    }
}
